// The engine inside the built extension, on a test model downloaded into its store from a local hub: greedy output
// against the reference forward pass, streaming order, cancel, prefix reuse and a killed offscreen document.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CheckpointReader } from '../../scripts/export/checkpoint-reader';
import { ensureTestModel } from '../../scripts/export/test-models';
import { ChatFormat } from '../../src/engine/chat-format';
import { FolderModelSource } from '../support/folder-model-source';
import { argmax } from '../../src/engine/sampling';
import { parseConfig } from '../../src/model/config';
import type { ExportDtype } from '../../src/model/export-dtype';
import { Lfm2Reference } from '../support/lfm2-reference';
import { awaitEngineCall, callEngine, cancelEngineCall, offscreenExists, startEngineCall, waitFor, waitForEvents } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { storeModelFolder } from './harness/store-pages';

const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };


/**
 * Feeds the engine's greedy tokens through the Float64 reference and returns, per step, how far the chosen
 * token's logit is below the reference's best (0 where they agree). GPU float sums differ from Float64 in the
 * last bits, so a random model's near-ties may flip; anything beyond that is a real divergence.
 */
async function greedyGaps(dir: string, checkpoint: string, dtype: ExportDtype, messages: { role: 'user'; content: string }[], tokens: number[]) {
  const files = await new FolderModelSource(dir).files();
  const chat = new ChatFormat(files);
  const reference = new Lfm2Reference(parseConfig(files.config), new CheckpointReader(checkpoint), dtype);
  const state = reference.newState();
  let logits = reference.forward(chat.prompt(messages), state).at(-1)!;
  const gaps: number[] = [];
  for (const id of tokens) {
    const best = logits[argmax(logits)]!;
    gaps.push((best - logits[id]!) / Math.max(1, Math.abs(best)));
    logits = reference.forward([id], state).at(-1)!;
  }
  return gaps;
}

// SwiftShader has no shader-f16, so WebGPU runs the q4 graph here. WASM runs on onnxruntime-web's plain WASM
// build (the WebGPU build's binary has no CPU GatherBlockQuantized kernel). SwiftShader's 4-lane subgroups make
// ORT's prefill attention wrong from 32 new tokens, so the engine feeds prompts 31 tokens at a time there
// (src/engine/tokens-per-run.ts; before that, tiny-moe's first token was 1.3e-1 off the reference). tiny-moe on
// WebGPU runs the greedy and cancel tests only: its QMoE takes one row per kernel call (qmoeRowByRow), so its
// prompts are slow on SwiftShader; prefix reuse and a killed document are backend-independent engine paths that
// tiny-dense covers on WebGPU.
// int8 is the graph the CPU path ships for dense models; the reference quantizes its activations per token as
// the graph does, so it is held to the same bounds as the other graphs.
const cases: { preset: 'tiny-dense' | 'tiny-moe'; backend: 'wasm' | 'webgpu'; dtype: ExportDtype; slow?: boolean }[] = [
  { preset: 'tiny-dense', backend: 'webgpu', dtype: 'q4' },
  { preset: 'tiny-dense', backend: 'wasm', dtype: 'int8' },
  { preset: 'tiny-dense', backend: 'wasm', dtype: 'q4' },
  { preset: 'tiny-moe', backend: 'wasm', dtype: 'q4' },
  { preset: 'tiny-moe', backend: 'webgpu', dtype: 'q4', slow: true },
];

for (const { preset, backend, dtype, slow } of cases) {
  describe(`engine.generate with ${preset} ${dtype} on ${backend}`, () => {
    const model = ensureTestModel(preset);
    let ext: LaunchedExtension;
    let ui: Page;
    let modelId: string;
    const load = () => callEngine(ui, 'engine.load', { modelId, backend });

    beforeAll(async () => {
      ext = await launchExtension({ webgpu: backend === 'webgpu' });
      ui = await ext.openExtensionPage('ui/options/options.html');
      modelId = await storeModelFolder(ui, model.dir, dtype, backend);
      const loaded = await load();
      expect(loaded, JSON.stringify(loaded)).toMatchObject({ ok: true, result: { backend, dtype } });
    });
    afterAll(async () => {
      await ext?.close();
    });

    test('greedy output equals the reference forward pass, streamed in order', async () => {
      const messages = [{ role: 'user' as const, content: 'Summarize: नमस्ते, the quick brown fox.' }];
      const outcome = await callEngine(ui, 'engine.generate', { messages, sampling: greedy, maxNewTokens: 16 });
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      const result = outcome.result as { tokens: number[]; answer: string; thinking: string; toolCallText: string; promptTokens: number };
      const gaps = await greedyGaps(model.dir, model.checkpoint, dtype, messages, result.tokens);
      console.log(`${preset} ${dtype} ${backend}: ${result.promptTokens}-token prompt, gaps ${gaps.map((g) => g.toExponential(1)).join(' ')}`);
      expect(result.tokens.length).toBeGreaterThan(0);
      expect(Math.max(...gaps), `gaps ${gaps.map((g) => g.toExponential(1)).join(' ')}`).toBeLessThan(1e-2);
      expect(gaps.filter((g) => g === 0).length).toBeGreaterThanOrEqual(gaps.length - 2);
      const events = outcome.events as { type: string; channel?: string; text?: string }[];
      expect(events[0]).toMatchObject({ type: 'prefill', promptTokens: result.promptTokens });
      const streamed = (channel: string) => events.filter((e) => e.channel === channel).map((e) => e.text).join('');
      expect(streamed('answer').trim()).toBe(result.answer);
      expect(streamed('think').trim()).toBe(result.thinking);
    });

    test.skipIf(slow)('a follow-up question reuses the page prefix and answers as a cold run does', async () => {
      // ~650 byte tokens: past two PREFILL_CHUNKs, and 21 runs where runs are limited to 31 tokens (SwiftShader).
      const page = { role: 'system' as const, content: 'Page: '.concat('Thai สวัสดี and Hindi नमस्ते. '.repeat(12)) };
      const first = [page, { role: 'user' as const, content: 'Which scripts?' }];
      const a1 = await callEngine(ui, 'engine.generate', { messages: first, sampling: greedy, maxNewTokens: 6 });
      expect(a1.ok).toBe(true);
      const follow = [...first, { role: 'assistant', content: (a1 as { result: { answer: string } }).result.answer }, { role: 'user', content: 'And?' }];
      const warm = await callEngine(ui, 'engine.generate', { messages: follow, sampling: greedy, maxNewTokens: 6 });
      expect(await load()).toMatchObject({ ok: true });
      const cold = await callEngine(ui, 'engine.generate', { messages: follow, sampling: greedy, maxNewTokens: 6 });
      const w = (warm as { result: { tokens: number[]; reusedTokens: number; promptTokens: number } }).result;
      const c = (cold as { result: { tokens: number[]; reusedTokens: number } }).result;
      expect(w.tokens).toEqual(c.tokens);
      expect(c.reusedTokens).toBe(0);
      expect(w.reusedTokens).toBeGreaterThan(w.promptTokens * 0.8);
    });

    test('cancel mid-stream stops within one step, and the engine is free right after', async () => {
      const id = await startEngineCall(ui, 'engine.generate', { messages: [{ role: 'user', content: 'Go on.' }], sampling: { temperature: 1, seed: 3 }, maxNewTokens: 4000 });
      await waitForEvents(ui, id, 4);
      const cancelledAt = Date.now();
      const outcome = await cancelEngineCall(ui, id);
      expect(outcome, JSON.stringify(outcome).slice(0, 400)).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(outcome.events.length).toBeGreaterThan(1);
      expect(Date.now() - cancelledAt).toBeLessThan(1000);
      const next = await callEngine(ui, 'engine.generate', { messages: [{ role: 'user', content: 'hi' }], sampling: greedy, maxNewTokens: 2 });
      expect(next.ok).toBe(true);
    });

    test.skipIf(slow)('the offscreen document killed mid-generation gives a clear error, and the next request works', async () => {
      const id = await startEngineCall(ui, 'engine.generate', { messages: [{ role: 'user', content: 'Write a lot.' }], sampling: { temperature: 1, seed: 1 }, maxNewTokens: 4000 });
      await waitForEvents(ui, id, 4);
      await ext.worker.evaluate(() => chrome.offscreen.closeDocument());
      const started = Date.now();
      const outcome = await awaitEngineCall(ui, id);
      expect(outcome).toMatchObject({ ok: false, error: { code: 'engine-crashed' } });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await load()).toMatchObject({ ok: true });
      const next = await callEngine(ui, 'engine.generate', { messages: [{ role: 'user', content: 'hi' }], sampling: greedy, maxNewTokens: 4 });
      expect(next.ok).toBe(true);
      await waitFor(() => offscreenExists(ext.worker), 1000, 'the new offscreen document');
    });
  });
}
