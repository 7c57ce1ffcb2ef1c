import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROMIUM, extensionLaunchArgs, IGNORED_DEFAULT_ARGS } from '../../../scripts/lib/chromium';

export interface LaunchedExtension {
  context: BrowserContext;
  extensionId: string;
  /** The extension's service worker as it runs now (Chrome starts a new one after it stopped or crashed). */
  readonly worker: Worker;
  userDataDir: string;
  /** Opens one of the extension's own pages (e.g. `ui/options/options.html`) in a tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(options?: { keepProfile?: boolean }): Promise<void>;
}

export interface LaunchOptions {
  webgpu?: boolean;
  /** Reuse a profile (to test what survives a browser restart). */
  userDataDir?: string;
  /** The browser's UI language (Debian's chromium-l10n), which chrome.i18n gives the extension: `ar`, `hi`, `th`. */
  language?: string;
}

/**
 * Starts Debian's Chromium with the built extension loaded, headless, with the flags DESIGN.md lists for
 * these machines (no background networking: the sandbox refuses it and it only adds noise).
 */
export async function launchExtension(options: LaunchOptions = {}): Promise<LaunchedExtension> {
  const userDataDir = options.userDataDir ?? (await mkdtemp(join(tmpdir(), 'pagewise-profile-')));
  const args = extensionLaunchArgs({ webgpu: options.webgpu ?? false });
  // On Linux, Chromium takes its UI language from LANGUAGE; --lang alone is ignored there.
  if (options.language) args.push(`--lang=${options.language}`);
  const context = await chromium.launchPersistentContext(userDataDir, {
    ...(options.language ? { env: { ...process.env, LANGUAGE: options.language } } : {}),
    executablePath: CHROMIUM,
    headless: true,
    args,
    ignoreDefaultArgs: IGNORED_DEFAULT_ARGS,
  });
  const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(first.url()).host;
  return {
    context,
    extensionId,
    get worker() {
      return context.serviceWorkers().findLast((worker) => new URL(worker.url()).host === extensionId) ?? first;
    },
    userDataDir,
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    async close({ keepProfile = false } = {}) {
      await context.close();
      if (!keepProfile) await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
