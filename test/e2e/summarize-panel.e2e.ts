// Summaries in the built extension on the tiny test model (random weights: the text is noise, but the
// streaming, progress, cancel, chunking, selection and prefix reuse are real): pages are served on
// 127.0.0.1, the side panel page is driven like a user would, and task.* calls check what it cannot show.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPageServer, type PageServer } from '../../scripts/lib/page-server';
import { ensureTestModel } from '../../scripts/export/test-models';
import type { ExtractedPage, SummaryEvent, SummaryOptions } from '../../src/protocol';
import { pageGrounding, planSummary } from '../../src/tasks/summarize/summary-plan';
import { summaryMessages } from '../../src/tasks/summarize/summary-prompts';
import { tinyModelMeter } from '../unit/tasks/tiny-model-meter';
import { callEngine, openActiveTab, startEngineCall, awaitEngineCall, stopServiceWorker } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { storeModelFolder } from './harness/store-pages';
import { offscreenSession } from '../../scripts/lib/offscreen-devtools';

const ARTICLE = readFileSync(join(import.meta.dirname, '../fixtures/pages/news-en.html'), 'utf8');

/** A long article: 12 sections of distinct paragraphs, far more than the tiny model's 2048-token context. */
function longArticle(): string {
  const sections = Array.from({ length: 12 }, (_, s) => {
    const paragraphs = Array.from(
      { length: 5 },
      (_, p) => `<p>Section ${s + 1}, paragraph ${p + 1}: the harbour pilots of this estuary measured the tide again at dawn and noted how the sandbanks had moved since the last survey.</p>`,
    );
    return `<h2>Part ${s + 1} of the survey</h2>${paragraphs.join('')}`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The long survey</title></head><body><article><h1>The long survey</h1>${sections.join('')}</article></body></html>`;
}


const options: SummaryOptions = { type: 'key-points', length: 'medium', format: 'markdown', language: 'en', scope: 'page' };

/** The type, length, format and language the panel's form is set to. */
async function summaryChoices(panel: Page): Promise<Omit<SummaryOptions, 'scope'>> {
  return panel.evaluate(() => {
    const form = document.getElementById('summary-options') as HTMLFormElement;
    return Object.fromEntries(new FormData(form)) as unknown as Omit<SummaryOptions, 'scope'>;
  });
}

describe('summarize the open tab', () => {
  let ext: LaunchedExtension;
  let pages: PageServer;
  let panel: Page;
  let modelId: string;

  /** Opens `path` in a tab, waits for its content script, and makes it the active tab the UI works on. */
  const openTab = (path: string): Promise<Page> => openActiveTab(ext, `${pages.origin}${path}`);

  async function extract(): Promise<ExtractedPage> {
    const outcome = await callEngine(panel, 'tab.extract-page', {});
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
    return (outcome as { result: { page: ExtractedPage } }).result.page;
  }

  beforeAll(async () => {
    pages = await startPageServer({ '/article.html': ARTICLE, '/long.html': longArticle() });
    // Greedy decoding (do_sample false in the stored generation_config.json): with the recommended sampling
    // and a fresh seed each run, the random-weight model now and then ended its answer after one character,
    // and the streaming check below could not tell a stream from a one-token answer.
    const model = ensureTestModel('tiny-dense');
    const generation = JSON.parse(readFileSync(join(model.dir, 'generation_config.json'), 'utf8')) as Record<string, unknown>;
    ext = await launchExtension();
    panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
    modelId = await storeModelFolder(panel, model.dir, 'q4', 'wasm', { 'generation_config.json': JSON.stringify({ ...generation, do_sample: false }) });
    const loaded = await callEngine(panel, 'engine.load', { modelId });
    expect(loaded, JSON.stringify(loaded)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await ext?.close();
    await pages?.close();
  });

  test('the summary of a served article streams into the side panel, then offers copy, regenerate and follow-ups', async () => {
    const tab = await openTab('/article.html');
    const answer = panel.locator('#summary-slot .answer');
    // The answer grows while the model writes: record every length the output shows, from inside the page
    // (polling from the test could miss a fast stream and see only the finished answer).
    await panel.evaluate(() => {
      const seen = new Set<number>();
      (window as unknown as { __lengths: Set<number> }).__lengths = seen;
      const slot = document.getElementById('summary-slot')!;
      new MutationObserver(() => {
        const output = slot.querySelector('.answer [data-role="output"]');
        if (output) seen.add(output.textContent?.length ?? 0);
      }).observe(slot, { subtree: true, childList: true, characterData: true });
    });
    await panel.locator('#summarize-page').click();
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    const lengths = await panel.evaluate(() => [...(window as unknown as { __lengths: Set<number> }).__lengths]);
    expect(lengths.filter((n) => n > 0).length, `lengths seen: ${lengths}`).toBeGreaterThan(1);
    expect(await answer.locator('[data-role="error"]').isHidden()).toBe(true);
    expect(await answer.locator('[data-role="progress"]').isVisible()).toBe(false);
    expect((await answer.locator('[data-role="output"]').textContent())!.length).toBeGreaterThan(0);
    for (const role of ['copy', 'regenerate']) expect(await answer.locator(`[data-role="${role}"]`).isVisible()).toBe(true);
    expect(await answer.locator('[data-role="cancel"]').isVisible()).toBe(false);

    // A follow-up in the panel answers on the same conversation and reuses the processed page.
    await panel.locator('#ask-form input').fill('Who bought the old carriages?');
    await panel.locator('#ask-form button').click();
    const reply = panel.locator('#conversation .answer');
    await expect.poll(() => reply.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(Number(await reply.getAttribute('data-reused-tokens'))).toBeGreaterThan(100);
    await tab.close();
  });

  test('cancel stops a running summary: the panel says so and the engine goes back to ready', async () => {
    const tab = await openTab('/long.html');
    const answer = panel.locator('#summary-slot .answer');
    await panel.locator('#summarize-page').click();
    await expect.poll(async () => Number(await answer.getAttribute('data-part')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await answer.locator('[data-role="cancel"]').click();
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    expect(await answer.locator('[data-role="error"]').textContent()).toBe('Stopped.');
    // No progress stays above a stopped answer; trying again can help here, so Regenerate is offered.
    expect(await answer.locator('[data-role="progress"]').isVisible()).toBe(false);
    expect(await answer.locator('[data-role="regenerate"]').isVisible()).toBe(true);
    const stoppedAt = await answer.getAttribute('data-part');
    await expect.poll(() => panel.locator('#engine-state').getAttribute('data-phase'), { timeout: 10_000 }).toBe('ready');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await answer.getAttribute('data-part')).toBe(stoppedAt);
    await tab.close();
  });

  test('the service worker stopped over DevTools mid-summary: the panel says the line was lost, and Regenerate summarizes through the new worker', async () => {
    const tab = await openTab('/long.html');
    const answer = panel.locator('#summary-slot .answer');
    await panel.locator('#summarize-page').click();
    await expect.poll(async () => Number(await answer.getAttribute('data-part')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await stopServiceWorker(panel);
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    expect(await answer.locator('[data-role="error"]').textContent()).toMatch(/Lost the connection to Pagewise\. Try again\./);
    // The engine stopped the orphaned work: it goes back to ready rather than summarizing for no one.
    await expect.poll(() => panel.locator('#engine-state').getAttribute('data-phase'), { timeout: 15_000 }).toBe('ready');
    await tab.bringToFront();
    await answer.locator('[data-role="regenerate"]').click();
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 180_000 }).toBe('done');
    expect(await answer.locator('[data-role="error"]').isHidden()).toBe(true);
    expect((await answer.locator('[data-role="output"]').textContent())!.length).toBeGreaterThan(0);
    await tab.close();
  }, 240_000);

  test('a long page is split into the planned number of parts, reduced, and still summarized', async () => {
    const tab = await openTab('/long.html');
    const page = await extract();
    const plan = planSummary(page, options, 2048, await tinyModelMeter());
    expect(plan.chunks.length).toBeGreaterThan(2);
    const outcome = await callEngine(panel, 'task.summarize', { page, options });
    expect(outcome, JSON.stringify(outcome).slice(0, 500)).toMatchObject({ ok: true, result: { chunks: plan.chunks.length } });
    const progress = outcome.events.filter((e): e is Extract<SummaryEvent, { type: 'progress' }> => (e as SummaryEvent).type === 'progress');
    expect(progress.map((e) => e.stage)).toEqual([
      ...plan.chunks.map(() => 'map'),
      ...plan.reduceRounds.flatMap((groups) => Array<string>(groups).fill('reduce')),
      'final',
    ]);
    expect(progress.every((e) => e.parts === plan.parts)).toBe(true);
    // The notes the summary stands on come back once, for the panel to keep: follow-ups stand on them too.
    const result = (outcome as { result: { notes?: string; text: string } }).result;
    expect(result.notes).toMatch(/^\(Notes taken from a long page/);
    await tab.close();
  });

  test('on a device that measured itself slow, a long page says how long its summary will take before it starts, then the time left', async () => {
    // The speeds this device learnt over earlier loads, as a slow CPU leaves them in the host's storage; the engine
    // reads them when it loads.
    await callEngine(panel, 'engine.unload', {});
    const host = await offscreenSession(ext.context, panel);
    await host.evaluate(`localStorage.setItem(${JSON.stringify(`pagewise.speed:${modelId}:wasm`)}, JSON.stringify({ prefillMs: 40, decodeMs: 400 }))`);
    expect(await callEngine(panel, 'engine.load', { modelId })).toMatchObject({ ok: true });
    const tab = await openTab('/long.html');
    await panel.evaluate(() => {
      const labels: string[] = [];
      (window as unknown as { __labels: string[] }).__labels = labels;
      const slot = document.getElementById('summary-slot')!;
      new MutationObserver(() => {
        const label = slot.querySelector('.answer [data-role="progress-label"]')?.textContent ?? '';
        if (label && labels.at(-1) !== label) labels.push(label);
      }).observe(slot, { subtree: true, childList: true, characterData: true });
    });
    await panel.locator('#summarize-page').click();
    const answer = panel.locator('#summary-slot .answer');
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    const labels = await panel.evaluate(() => (window as unknown as { __labels: string[] }).__labels);
    expect(labels[0], labels.join(' | ')).toMatch(/^Reading part 1 of \d+ of the page · about \d+ min on this computer's CPU$/);
    expect(labels.slice(1).some((label) => / · about .+ left$/.test(label)), labels.join(' | ')).toBe(true);
    // The calls went far faster than the stored speeds said: the time left follows them, not the estimate.
    expect(labels.at(-1), labels.join(' | ')).toMatch(/ · about \d+ sec left$/);
    await tab.close();
  });

  test('a selection summary reads only the selection', async () => {
    const tab = await openTab('/article.html');
    await tab.evaluate(() => {
      const paragraph = [...document.querySelectorAll('article p')].find((p) => p.textContent!.startsWith('The obstacles'))!;
      getSelection()!.selectAllChildren(paragraph);
    });
    const page = await extract();
    expect(page.selection.startsWith('The obstacles are mostly practical.')).toBe(true);
    const selection: SummaryOptions = { ...options, scope: 'selection' };
    const outcome = await callEngine(panel, 'task.summarize', { page, options: selection });
    expect(outcome).toMatchObject({ ok: true });
    expect((outcome as { result: { notes?: string } }).result.notes).toBeUndefined();
    const grounding = pageGrounding(page, selection);
    expect(grounding).toContain('Carriages are expensive');
    expect(grounding).not.toContain('Ten years after');
    expect(grounding).not.toContain('Surveys point to three reasons');
    // The model read exactly that: the prompt it was fed is the selection's summary prompt, token for token.
    const promptTokens = (await tinyModelMeter()).promptTokens(summaryMessages(page.title, grounding, selection));
    expect((outcome as { result: { promptTokens: number } }).result.promptTokens).toBe(promptTokens);

    // The panel's button does the same, with the selection still there.
    await panel.locator('#summarize-selection').click();
    await expect.poll(() => panel.locator('#summary-slot .answer').getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(await panel.locator('#summary-slot [data-role="error"]').isHidden()).toBe(true);
    await tab.close();
  });

  test('a follow-up starts from the summary prompt the engine already processed', async () => {
    const tab = await openTab('/article.html');
    const page = await extract();
    const summary = await callEngine(panel, 'task.summarize', { page, options });
    expect(summary).toMatchObject({ ok: true });
    const first = (summary as { result: { text: string; conversationId: string; promptTokens: number } }).result;
    // The question is all a follow-up sends: the host kept the page and the summary.
    const id = await startEngineCall(panel, 'task.ask', { conversationId: first.conversationId, question: 'What did the planning director say?' });
    const asked = await awaitEngineCall(panel, id);
    expect(asked, JSON.stringify(asked).slice(0, 300)).toMatchObject({ ok: true });
    expect((asked as { result: { reusedTokens: number } }).result.reusedTokens).toBeGreaterThanOrEqual(first.promptTokens);
    await tab.close();
  });

  test('after the engine host was closed, a follow-up in the panel sends the conversation again and is answered', async () => {
    const tab = await openTab('/article.html');
    await panel.locator('#summarize-page').click();
    const answer = panel.locator('#summary-slot .answer');
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    const page = await extract();
    const summary = await callEngine(panel, 'task.summarize', { page, options });
    const { conversationId } = (summary as { result: { conversationId: string } }).result;

    await ext.worker.evaluate(() => chrome.offscreen.closeDocument());
    const lost = await callEngine(panel, 'task.ask', { conversationId, question: 'And then?' });
    expect(lost).toMatchObject({ ok: false, error: { code: 'conversation-lost' } });

    await panel.locator('#ask-form input[name="question"]').fill('Who spoke?');
    await panel.locator('#ask-form button[type="submit"]').click();
    const reply = panel.locator('#conversation li').last().locator('.answer');
    await expect.poll(() => reply.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(await reply.locator('[data-role="error"]').isHidden()).toBe(true);
    await tab.close();
  });

  test('60 follow-ups in the panel are all answered, and so is one more after the engine host was closed (a window of turns is sent again)', async () => {
    const tab = await openTab('/article.html');
    await panel.locator('#summarize-page').click();
    await expect.poll(() => panel.locator('#summary-slot .answer').getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    const askAndWait = async (question: string): Promise<void> => {
      await panel.locator('#ask-form input[name="question"]').fill(question);
      await panel.locator('#ask-form button[type="submit"]').click();
      const reply = panel.locator('#conversation li').last().locator('.answer');
      await expect.poll(() => reply.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
      expect(await reply.locator('[data-role="error"]').isHidden(), `${question}: ${await reply.locator('[data-role="error"]').textContent()}`).toBe(true);
    };
    const started = Date.now();
    for (let turn = 1; turn <= 60; turn++) await askAndWait(`Question ${turn}: what else?`);
    console.log(`60 follow-ups in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(await panel.locator('#conversation li').count()).toBe(60);
    // The host forgets the conversation; the panel sends it again, with its most recent turns only.
    await ext.worker.evaluate(() => chrome.offscreen.closeDocument());
    await askAndWait('Question 61: after a restart?');
    await tab.close();
  }, 600_000);

  test('two side panels in two windows summarize at once, each the active tab of its own window', async () => {
    // Window A: this panel, with the short article active. Window B: the long survey active, and a panel of its own.
    const tabA = await openTab('/article.html');
    const windowB = await ext.worker.evaluate(async (url) => (await chrome.windows.create({ url, focused: true }))!.id!, `${pages.origin}/long.html`);
    const opened = ext.context.waitForEvent('page', { predicate: (page) => page.url().includes('/ui/sidepanel/') });
    await ext.worker.evaluate(async ({ windowId, url }) => {
      await chrome.tabs.create({ windowId, url, active: false });
    }, { windowId: windowB, url: `chrome-extension://${ext.extensionId}/ui/sidepanel/sidepanel.html` });
    const panelB = await opened;
    await panelB.waitForLoadState();
    await expect.poll(() => panelB.evaluate(async () => (await chrome.windows.getCurrent()).id)).toBe(windowB);
    const answerA = panel.locator('#summary-slot .answer');
    const answerB = panelB.locator('#summary-slot .answer');
    await Promise.all([panel.locator('#summarize-page').click(), panelB.locator('#summarize-page').click()]);
    await expect.poll(() => answerA.getAttribute('data-state'), { timeout: 300_000 }).toBe('done');
    await expect.poll(() => answerB.getAttribute('data-state'), { timeout: 300_000 }).toBe('done');
    for (const answer of [answerA, answerB]) expect(await answer.locator('[data-role="error"]').isHidden(), await answer.locator('[data-role="error"]').textContent() ?? '').toBe(true);
    // Each panel took as many steps as its own window's page needs, and the two pages need different numbers.
    const meter = await tinyModelMeter();
    const stepsFor = async (windowId: number) => {
      const outcome = await callEngine(panel, 'tab.extract-page', { windowId });
      return planSummary((outcome as { result: { page: ExtractedPage } }).result.page, { ...options, ...(await summaryChoices(panel)) }, 2048, meter).parts;
    };
    const windowA = await panel.evaluate(async () => (await chrome.windows.getCurrent()).id!);
    const [stepsA, stepsB] = [await stepsFor(windowA), await stepsFor(windowB)];
    expect(stepsA).not.toBe(stepsB);
    expect(Number(await answerA.getAttribute('data-parts'))).toBe(stepsA);
    expect(Number(await answerB.getAttribute('data-parts'))).toBe(stepsB);
    await ext.worker.evaluate((id) => chrome.windows.remove(id), windowB);
    await tabA.close();
  }, 600_000);

  test('a menu or shortcut request left in session storage starts a summary when the panel opens', async () => {
    const tab = await openTab('/article.html');
    const windowId = await panel.evaluate(async () => (await chrome.windows.getCurrent()).id);
    await ext.worker.evaluate((windowId) => chrome.storage.session.set({ pendingSummary: { scope: 'page', windowId, at: Date.now() } }), windowId);
    await expect.poll(() => panel.locator('#summary-slot .answer').getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(await ext.worker.evaluate(() => chrome.storage.session.get('pendingSummary'))).toEqual({});
    await tab.close();
  });
});
