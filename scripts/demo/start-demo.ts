import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { BUILT_IN_MODELS } from '../../src/store/model-registry';
import { ensureTestModel } from '../export/test-models';
import { CHROMIUM, extensionLaunchArgs, IGNORED_DEFAULT_ARGS } from '../lib/chromium';
import { pagesFromDirectory, startPageServer, type PageServer } from '../lib/page-server';
import { startLocalHub, type LocalHub } from '../local-hub';

const ROOT = resolve(import.meta.dirname, '../..');

/** The built-in model machines without a capable GPU get; the demo hub serves a tiny stand-in under its name. */
export const DEMO_MODEL = BUILT_IN_MODELS.find((model) => model.id === 'lfm2.5-1.2b-instruct')!;

export interface DemoOptions {
  profile: string;
  headless: boolean;
  /** Port of the demo pages (0: any free port). */
  port: number;
}

export interface Demo {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  pages: PageServer;
  hub: LocalHub;
  /** The first tab, showing the demo pages' index. */
  page: Page;
  close(): Promise<void>;
}

/**
 * Everything the demo needs with no internet: the demo pages and a local hub on 127.0.0.1, the hub serving
 * the tiny random test checkpoint (safetensors, as a user's download would be) under the built-in CPU model's
 * repository name and pinned commit, which the extension converts in the browser, and Chromium with the built extension pointed at that hub through its hubBaseUrl
 * setting, the same setting a person would type in the options page. The model's answers are noise (random
 * weights); the path to them (consent, download, checksums, loading, streaming) is the real one.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const pages = await startPageServer(pagesFromDirectory(resolve(ROOT, 'demo/pages')), [], options.port);
  // The checkpoint as Liquid AI publishes theirs (safetensors, config, tokenizer), at the built-in's pinned commit.
  const hub = await startLocalHub({ modelDir: ensureTestModel('tiny-dense').checkpoint, repo: DEMO_MODEL.repo!, revision: DEMO_MODEL.revision!, commit: DEMO_MODEL.revision! });
  mkdirSync(options.profile, { recursive: true });
  const context = await chromium.launchPersistentContext(options.profile, {
    executablePath: CHROMIUM,
    headless: options.headless,
    viewport: null,
    args: [...extensionLaunchArgs({ webgpu: true }), '--start-maximized'],
    ignoreDefaultArgs: IGNORED_DEFAULT_ARGS,
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  await worker.evaluate((url) => chrome.storage.local.set({ hubBaseUrl: url }), hub.baseUrl);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${pages.origin}/`);
  return {
    context,
    worker,
    extensionId,
    pages,
    hub,
    page,
    async close() {
      await context.close().catch(() => undefined);
      await hub.close();
      await pages.close();
    },
  };
}
