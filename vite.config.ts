import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * Two builds make the extension (`npm run build` runs both):
 * - the default one: service worker and extension pages as ES modules sharing chunks;
 * - `--mode content-script`: the content script as one self-contained IIFE, since Chrome does not load
 *   manifest-declared content scripts as modules.
 */
const root = import.meta.dirname;
const outDir = resolve(root, 'dist');
const require = createRequire(import.meta.url);

/**
 * Glue and binaries onnxruntime-web loads at run time; we ship them (no CDN). The offscreen host imports the
 * plain WASM build for the wasm backend and the WebGPU build (asyncify) for webgpu (src/offscreen/ort-runtime.ts).
 */
const ORT_RUNTIME_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

function extensionFiles(): Plugin {
  return {
    name: 'pagewise-extension-files',
    apply: 'build',
    writeBundle() {
      const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
      const manifest = JSON.parse(readFileSync(resolve(root, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      manifest['version'] = pkg.version;
      writeFileSync(resolve(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm'));
      mkdirSync(resolve(outDir, 'ort'), { recursive: true });
      for (const file of ORT_RUNTIME_FILES) copyFileSync(resolve(ortDist, file), resolve(outDir, 'ort', file));
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'content-script') {
    return {
      publicDir: false,
      build: {
        outDir,
        emptyOutDir: false,
        sourcemap: true,
        minify: false,
        lib: {
          entry: resolve(root, 'src/content/content-script.ts'),
          formats: ['iife'],
          name: 'pagewiseContent',
          fileName: () => 'content/content-script.js',
        },
      },
    };
  }
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
  return {
    root: resolve(root, 'src'),
    // Recorded with each model converted here; offscreen documents have no chrome.runtime.getManifest.
    define: { __PAGEWISE_VERSION__: JSON.stringify(pkg.version) },
    publicDir: resolve(root, 'public'),
    base: '/',
    plugins: [extensionFiles()],
    // Take onnxruntime-web's build that loads its wasm glue from `wasmPaths` (our packaged ort/ folder)
    // instead of the self-contained bundle, whose embedded glue would also be spawned as thread workers.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'default'] },
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: true,
      minify: false,
      target: 'chrome116',
      // The ORT bundle and the wasm files are large by nature; no point warning about them.
      chunkSizeWarningLimit: 30_000,
      rollupOptions: {
        input: {
          background: resolve(root, 'src/background/service-worker.ts'),
          offscreen: resolve(root, 'src/offscreen/offscreen.html'),
          sidepanel: resolve(root, 'src/ui/sidepanel/sidepanel.html'),
          popup: resolve(root, 'src/ui/popup/popup.html'),
          options: resolve(root, 'src/ui/options/options.html'),
        },
        output: {
          entryFileNames: (chunk) => (chunk.name === 'background' ? 'background.js' : 'assets/[name]-[hash].js'),
        },
      },
    },
  };
});
