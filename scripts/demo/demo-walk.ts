import { contentScriptTab } from '../lib/content-script-tab';
import type { Locator, Page } from 'playwright-core';
import { DEMO_MODEL, type Demo } from './start-demo';

/** What a person would have seen on the walk, for the smoke test's printout and the e2e test's checks. */
export interface DemoWalk {
  /** The side panel's message before any model was downloaded, and whether it offered the model manager. */
  noModelMessage: string;
  offeredModelManager: boolean;
  consentText: string;
  modelState: string;
  /** Files the hub served content for: the checkpoint (safetensors, config, tokenizer), which the extension converts. */
  downloadedPaths: string[];
  sawLoading: boolean;
  summary: string;
  summaryError: string;
  engineAfter: string;
  steps: Array<{ step: string; ms: number }>;
}

const TIMEOUT = 120_000;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The demo's whole path, driven through the pages a person uses: summarize the English demo article in the
 * side panel (no model yet: the panel says so and offers the model manager), open the manager from there,
 * download the CPU model with consent (converted in the browser as it arrives), then summarize again, which
 * loads the model by itself.
 */
export async function walkDemoPath(demo: Demo, log: (line: string) => void = () => undefined): Promise<DemoWalk> {
  const steps: DemoWalk['steps'] = [];
  let last = Date.now();
  const step = (name: string, detail: string) => {
    steps.push({ step: name, ms: Date.now() - last });
    log(`  ${name} (${((Date.now() - last) / 1000).toFixed(1)} s): ${detail}`);
    last = Date.now();
  };
  const origin = `chrome-extension://${demo.extensionId}`;
  // The side panel page in a tab, as the e2e tests drive it; it works on the active tab, the article.
  const panel = await demo.context.newPage();
  await panel.goto(`${origin}/ui/sidepanel/sidepanel.html`);
  const article = await demo.context.newPage();
  const articleUrl = `${demo.pages.origin}/article-en.html`;
  await article.goto(articleUrl);
  await until(async () => (await contentScriptTab(demo.worker, articleUrl)) !== undefined, 'the article’s content script');
  await article.bringToFront();

  const answer = panel.locator('#summary-slot .answer');
  const summarize = async (): Promise<Locator> => {
    await panel.locator('#summarize-page').click();
    await until(async () => (await answer.getAttribute('data-state').catch(() => null)) === 'done', 'the summary to finish');
    return answer;
  };

  await summarize();
  const noModelMessage = (await answer.locator('[data-role="error"]').textContent()) ?? '';
  const openModels = answer.locator('[data-role="open-models"]');
  const offeredModelManager = await openModels.isVisible();
  step('summarize before any download', noModelMessage);
  if (!offeredModelManager) throw new Error('The side panel did not offer the model manager.');

  const opened = demo.context.waitForEvent('page', { timeout: 10_000 });
  await openModels.click();
  const options: Page = await opened;
  await options.waitForLoadState();
  const row = options.locator(`li.model[data-model-id="${DEMO_MODEL.id}"]`);
  await row.locator('button[data-action="download"]').click({ timeout: 10_000 });
  const consent = row.locator('button[data-action="consent"]');
  await consent.waitFor({ timeout: 30_000 });
  const consentText = ((await row.locator('.panel').textContent()) ?? '').replace(consentTextButtons(await row.locator('.panel button').allTextContents()), '');
  step('model manager opened from the panel, consent asked', consentText);
  await consent.click();
  await until(async () => (await row.locator('.model-state').getAttribute('data-state')) === 'verified', 'the download and conversion to finish');
  const modelState = (await row.locator('.model-state').getAttribute('data-state')) ?? '';
  // Resolve URLs name the file (large files then redirect to a content-addressed CDN path).
  const resolved = demo.hub.requests.filter((r) => r.path.includes('/resolve/'));
  const downloadedPaths = [...new Set(resolved.map((r) => r.path.split('/resolve/')[1]!.split('/').slice(1).join('/')))];
  const converted = (await row.locator('[data-role="provenance"] summary').textContent()) ?? '';
  step('downloaded, converted and verified', `${(await row.locator('.model-meta').textContent()) ?? ''}; ${converted}; files fetched: ${downloadedPaths.join(', ')}`);
  await options.close();

  await article.bringToFront();
  let sawLoading = false;
  const watch = setInterval(() => {
    void panel
      .locator('#summary-slot .answer [data-role="progress-label"]')
      .textContent()
      .then((text) => (sawLoading ||= text === 'Loading the model'))
      .catch(() => undefined);
  }, 20);
  try {
    await summarize();
  } finally {
    clearInterval(watch);
  }
  sawLoading ||= (await answer.getAttribute('data-loading')) === 'done';
  const summary = ((await answer.locator('[data-role="output"]').textContent()) ?? '').trim();
  const errorShown = await answer.locator('[data-role="error"]').isVisible();
  const summaryError = errorShown ? ((await answer.locator('[data-role="error"]').textContent()) ?? '') : '';
  const engineAfter = (await panel.locator('#engine-state').getAttribute('data-phase')) ?? '';
  step('summarized the article', summaryError ? `failed: ${summaryError}` : `${sawLoading ? 'loaded the model, then ' : ''}${summary.length} characters: "${summary.slice(0, 160)}…"`);
  return { noModelMessage, offeredModelManager, consentText, modelState, downloadedPaths, sawLoading, summary, summaryError, engineAfter, steps };
}

function consentTextButtons(labels: string[]): RegExp {
  const escaped = labels.map((label) => label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return escaped.length ? new RegExp(escaped.join('|'), 'g') : /$^/;
}
