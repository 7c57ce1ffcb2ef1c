// A lost WebGPU device, for real: Chromium's GPU process is crashed through the DevTools protocol while the
// engine generates on tiny-dense. The request in flight must fail as engine-crashed (not hang, not "cancelled"),
// the engine state must say why, and the next load must answer on a fresh device exactly as before.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureTestModel } from '../../scripts/export/test-models';
import type { EngineState } from '../../src/protocol';
import { awaitEngineCall, callEngine, offscreenExists, startEngineCall, waitFor, waitForEvents } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { storeModelFolder } from './harness/store-pages';

const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };
const question = { messages: [{ role: 'user', content: 'Summarize: नमस्ते, the quick brown fox.' }], sampling: greedy, maxNewTokens: 8 };

describe('a lost WebGPU device', () => {
  const model = ensureTestModel('tiny-dense');
  let ext: LaunchedExtension;
  let ui: Page;
  let modelId: string;
  const load = () => callEngine(ui, 'engine.load', { modelId });
  const greedyTokens = async () => {
    const outcome = await callEngine(ui, 'engine.generate', question);
    expect(outcome, JSON.stringify(outcome).slice(0, 400)).toMatchObject({ ok: true });
    return (outcome as { result: { tokens: number[] } }).result.tokens;
  };
  /** Every engine state the worker pushed to a UI port that stays open, as the side panel's badge sees them. */
  const states = () => ui.evaluate(() => (window as unknown as { __states: EngineState[] }).__states);

  beforeAll(async () => {
    ext = await launchExtension({ webgpu: true });
    ui = await ext.openExtensionPage('ui/options/options.html');
    modelId = await storeModelFolder(ui, model.dir, 'q4', 'webgpu');
    await ui.evaluate(() => {
      const w = window as unknown as { __states: unknown[] };
      w.__states = [];
      chrome.runtime.connect({ name: 'pagewise/ui' }).onMessage.addListener((frame: { kind: string; state?: unknown }) => {
        if (frame.kind === 'state') w.__states.push(frame.state);
      });
    });
    const loaded = await load();
    expect(loaded, JSON.stringify(loaded).slice(0, 400)).toMatchObject({ ok: true, result: { backend: 'webgpu', dtype: 'q4' } });
  });
  afterAll(async () => {
    await ext?.close();
  });

  test('fails the request in flight as engine-crashed, shows why, and the next load answers as before', async () => {
    const before = await greedyTokens();
    expect(before.length).toBeGreaterThan(0);

    const id = await startEngineCall(ui, 'engine.generate', { messages: [{ role: 'user', content: 'Write a lot.' }], sampling: { temperature: 1, seed: 1 }, maxNewTokens: 4000 });
    await waitForEvents(ui, id, 4);
    const browser = ext.context.browser();
    if (!browser) throw new Error('The persistent context has no browser to open a browser-level CDP session on.');
    const cdp = await browser.newBrowserCDPSession();
    const seenBeforeCrash = (await states()).length;
    await cdp.send('Browser.crashGpuProcess');
    const crashedAt = Date.now();

    // A hang is the failure this guards against: give up after 10 s rather than at the test's timeout.
    const outcome = await Promise.race([awaitEngineCall(ui, id), new Promise((resolve) => setTimeout(() => resolve('no answer within 10 s'), 10_000))]);
    expect(outcome, JSON.stringify(outcome).slice(0, 400)).toMatchObject({ ok: false, error: { code: 'engine-crashed' } });
    expect(Date.now() - crashedAt).toBeLessThan(5_000);
    // Wait for the document's reload to reach the worker (its port drops), then check the error was shown first.
    const afterCrash = async () => (await states()).slice(seenBeforeCrash);
    await waitFor(async () => (await afterCrash()).some((s) => s.phase === 'stopped'), 5_000, 'the engine document to restart');
    const seen = await afterCrash();
    const shown = seen.findIndex((s) => s.phase === 'error');
    expect(shown, JSON.stringify(seen)).toBeGreaterThanOrEqual(0);
    expect(shown).toBeLessThan(seen.findIndex((s) => s.phase === 'stopped'));
    expect(seen[shown]!.error).toMatchObject({ code: 'engine-crashed', message: expect.stringMatching(/GPU device was lost/) });

    const reloaded = await load();
    expect(reloaded, JSON.stringify(reloaded).slice(0, 400)).toMatchObject({ ok: true, result: { backend: 'webgpu', dtype: 'q4' } });
    expect(await greedyTokens()).toEqual(before);
    // Recovered once, not in a loop: the document that answered is still there and says it is ready.
    expect(await offscreenExists(ext.worker)).toBe(true);
    expect((await afterCrash()).filter((s) => s.phase === 'stopped')).toHaveLength(1);
    const final = await callEngine(ui, 'engine.get-state', {});
    expect(final).toMatchObject({ ok: true, result: { phase: 'ready' } });
  });
});
