// A test page for onnxruntime-web served from 127.0.0.1 by a real HTTP server: the page, onnxruntime-web's
// own dist files (the build and version the extension ships, see vite.config.ts ORT_RUNTIME_FILES) and
// exported model folders. Cross-origin isolated (COOP/COEP), as the extension is, so WASM gets threads.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, extensionLaunchArgs } from '../../../scripts/lib/chromium';
import { startPageServer, type PageServer } from '../../../scripts/lib/page-server';

const require = createRequire(import.meta.url);
const ORT_DIST = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm'));
/**
 * Two builds of onnxruntime-web: `webgpu` is what the extension ships (`onnxruntime-web/webgpu` under its
 * resolve condition, plus the asyncify glue and binary it loads at run time); `wasm` is the plain CPU build
 * (`onnxruntime-web/wasm`), whose binary registers CPU contrib kernels the asyncify one leaves out.
 */
export const ORT_BUILDS = {
  webgpu: ['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'],
  wasm: ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'],
} as const;
export type OrtBuild = keyof typeof ORT_BUILDS;
const ORT_FILES: readonly string[] = Object.values(ORT_BUILDS).flat();

/** The test page loading one build of onnxruntime-web. */
export const ortTestPage = (build: OrtBuild): string => `/ort-test-page.html?build=${build}`;
const PAGE_PATH = '/ort-test-page.html';

/** The page only loads onnxruntime-web; the tests drive it through `page.evaluate` (ort-test-page-runner.ts). */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>onnxruntime-web test page</title>
<script type="module">
  const build = new URLSearchParams(location.search).get('build');
  const ort = await import(build === 'wasm' ? '/ort/ort.wasm.min.mjs' : '/ort/ort.webgpu.min.mjs');
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.wasm.numThreads = self.crossOriginIsolated ? 2 : 1;
  window.ort = ort;
  window.ortTestSessions = new Map();
  document.title = 'ready';
</script>
`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function isolate(res: ServerResponse, status: number, type: string, length?: number): void {
  res.writeHead(status, {
    'content-type': type,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
    ...(length === undefined ? {} : { 'content-length': String(length) }),
  });
}

function sendFile(res: ServerResponse, file: string): void {
  isolate(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', statSync(file).size);
  createReadStream(file).pipe(res);
}

/** Serves the page, ORT's files under /ort/ and each of `models` (name → folder) under /models/<name>/. */
export async function startOrtTestPageServer(models: Record<string, string>): Promise<PageServer> {
  return startPageServer({}, [
    (req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      if (path === PAGE_PATH) {
        isolate(res, 200, TYPES['.html']!);
        res.end(PAGE);
        return true;
      }
      const ort = /^\/ort\/([^/]+)$/.exec(path);
      if (ort && ORT_FILES.includes(ort[1]!)) {
        sendFile(res, join(ORT_DIST, ort[1]!));
        return true;
      }
      const model = /^\/models\/([^/]+)\/(.+)$/.exec(path);
      const root = model && models[model[1]!];
      if (root) {
        const file = normalize(join(root, model[2]!));
        if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
          sendFile(res, file);
          return true;
        }
      }
      return false;
    },
  ]);
}

/** A new page of `browser` (a browser or a context) on the test page of `build`, once onnxruntime-web has loaded. */
export async function openReadyOrtPage(browser: { newPage(): Promise<Page> }, origin: string, build: OrtBuild): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(origin + ortTestPage(build));
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
  return page;
}

export interface OrtTestPages {
  server: PageServer;
  pages: Record<OrtBuild, Page>;
  close(): Promise<void>;
}

/**
 * Serves `models` and opens one ready test page per build in headless Chromium with the extension's WebGPU
 * flags, without the extension: these pages load onnxruntime-web themselves.
 */
export async function openOrtTestPages(models: Record<string, string>, builds: readonly OrtBuild[] = ['webgpu', 'wasm']): Promise<OrtTestPages> {
  const server = await startOrtTestPageServer(models);
  const args = extensionLaunchArgs({ webgpu: true }).filter((arg) => !arg.includes('extension'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const pages = {} as Record<OrtBuild, Page>;
  for (const build of builds) pages[build] = await openReadyOrtPage(browser, server.origin, build);
  return {
    server,
    pages,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
