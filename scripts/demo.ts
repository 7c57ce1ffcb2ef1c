import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, extensionLaunchArgs, IGNORED_DEFAULT_ARGS } from './lib/chromium';
import { pagesFromDirectory, startPageServer } from './lib/page-server';

/**
 * `npm run demo`: builds the extension, serves the demo pages on 127.0.0.1, and opens Chromium with
 * Pagewise loaded, in a profile kept under .cache/ so a downloaded model survives between demos.
 * Options: `--headless` (no window; for a smoke test), `--port N` (demo pages port, default 8470),
 * `--no-build` (reuse dist/).
 */
const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const headless = args.includes('--headless') || !process.env['DISPLAY'];
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8470;

if (!args.includes('--no-build')) execSync('npm run build', { cwd: root, stdio: 'inherit' });

const pages = await startPageServer(pagesFromDirectory(resolve(root, 'demo/pages')), [], port);
console.log(`Demo pages: ${pages.origin}/`);

const profile = resolve(root, '.cache/demo-profile');
mkdirSync(profile, { recursive: true });
if (headless && !args.includes('--headless')) console.log('No display found ($DISPLAY is empty): running headless.');
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless,
  viewport: null,
  args: [...extensionLaunchArgs({ webgpu: true }), '--start-maximized'],
  ignoreDefaultArgs: IGNORED_DEFAULT_ARGS,
});
const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
const extensionId = new URL(worker.url()).host;
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(`${pages.origin}/`);
console.log(`Pagewise ${extensionId} is loaded. Options: chrome-extension://${extensionId}/ui/options/options.html`);

const shutdown = async (): Promise<void> => {
  await context.close().catch(() => undefined);
  await pages.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
if (headless && args.includes('--smoke')) {
  // Smoke test: prove the demo comes up, then leave.
  console.log(`Demo smoke test: "${await page.title()}" served, extension running.`);
  await shutdown();
}
context.on('close', () => void shutdown());
console.log(headless ? 'Running headless; press Ctrl+C to stop.' : 'Close the browser window (or press Ctrl+C) to stop.');
