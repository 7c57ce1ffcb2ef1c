import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { walkDemoPath } from './demo/demo-walk';
import { DEMO_MODEL, startDemo } from './demo/start-demo';

/**
 * `npm run demo`: builds the extension, serves the demo pages and a local model hub on 127.0.0.1, and opens
 * Chromium with Pagewise loaded and pointed at that hub, in a profile kept under .cache/ so a downloaded model
 * survives between demos. No internet is needed: the hub serves a tiny test model under the CPU model's name.
 * Options: `--headless` (no window), `--smoke` (with --headless: walk consent → download → summary and print
 * it, then exit), `--port N` (demo pages port, default 8470), `--profile DIR`, `--no-build` (reuse dist/).
 */
const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const headless = args.includes('--headless') || !process.env['DISPLAY'];
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const port = Number(option('--port') ?? 8470);
const smoke = headless && args.includes('--smoke');
// The smoke walk starts from nothing downloaded, so it gets a fresh profile unless one is named.
const throwaway = smoke && !option('--profile') ? mkdtempSync(join(tmpdir(), 'pagewise-demo-')) : undefined;
const profile = resolve(option('--profile') ?? throwaway ?? resolve(root, '.cache/demo-profile'));

if (!args.includes('--no-build')) execSync('npm run build', { cwd: root, stdio: 'inherit' });
if (headless && !args.includes('--headless')) console.log('No display found ($DISPLAY is empty): running headless.');

const demo = await startDemo({ profile, headless, port });
console.log(`Demo pages: ${demo.pages.origin}/`);
console.log(`Model hub: ${demo.hub.baseUrl} serves a tiny random test model as ${DEMO_MODEL.repo} (its answers are noise; the path is real).`);
console.log(`Pagewise ${demo.extensionId} is loaded. Options: chrome-extension://${demo.extensionId}/ui/options/options.html`);

const shutdown = async (code = 0): Promise<void> => {
  await demo.close();
  if (throwaway) rmSync(throwaway, { recursive: true, force: true });
  process.exit(code);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
if (smoke) {
  // Smoke test: walk the whole path a person would, print what happened, and leave.
  console.log(`Demo smoke test on "${await demo.page.title()}", profile ${profile}:`);
  try {
    const walk = await walkDemoPath(demo, (line) => console.log(line));
    const ok = walk.modelState === 'verified' && walk.summary.length > 0 && !walk.summaryError;
    console.log(ok ? 'Demo smoke test passed.' : 'Demo smoke test FAILED.');
    await shutdown(ok ? 0 : 1);
  } catch (error) {
    console.error(`Demo smoke test FAILED: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}
demo.context.on('close', () => void shutdown());
console.log(headless ? 'Running headless; press Ctrl+C to stop.' : 'Close the browser window (or press Ctrl+C) to stop.');
