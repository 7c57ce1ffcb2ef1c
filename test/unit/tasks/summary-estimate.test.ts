// The time a long summary will take, said before it starts, from the speed this device has shown; and progress
// weighted by what each step costs.
import { describe, expect, it } from 'vitest';
import { DeviceSpeed, type GenerationWork, type SpeedStore } from '../../../src/engine/device-speed';
import { parseConfig } from '../../../src/model/config';
import { PRESETS } from '../../../scripts/export/presets';
import type { ExtractedPage, SummaryEvent, SummaryOptions } from '../../../src/protocol';
import { JobPace } from '../../../src/tasks/job-pace';
import { utf8ByteMeter } from '../../../src/tasks/summarize/prompt-meter';
import { plannedWork } from '../../../src/tasks/summarize/summary-cost';
import { planSummary } from '../../../src/tasks/summarize/summary-plan';
import { runSummary } from '../../../src/tasks/summarize/summary-runner';
import { fakeSummaryModel } from './fake-summary-model';

const options: SummaryOptions = { type: 'key-points', length: 'medium', format: 'markdown', language: 'en', scope: 'page' };
const config = parseConfig(PRESETS['lfm2.5-1.2b'] as unknown as Record<string, unknown>);

function longPage(sections: number): ExtractedPage {
  const headings = Array.from({ length: sections }, (_, i) => ({ level: 2, text: `Section ${i + 1}` }));
  const blocks = headings.flatMap((_, s) => Array.from({ length: 6 }, (_, p) => ({ text: `Fact ${s + 1}.${p + 1}: ${'the estuary bore carries sediment upstream. '.repeat(8)}`.trim(), section: s })));
  return { url: 'https://example.test/a', title: 'Tidal bores', lang: 'en', pdf: false, source: 'article', headings, blocks, selection: '', truncated: false };
}

class MemoryStore implements SpeedStore {
  values = new Map<string, string>();
  read = (key: string) => this.values.get(key) ?? null;
  write = (key: string, value: string) => void this.values.set(key, value);
}

describe('DeviceSpeed', () => {
  it('estimates nothing before it has measured anything', () => {
    expect(new DeviceSpeed(config, 'k').estimateMs({ prefillTokens: 1000, pastTokens: 0, newTokens: 100 })).toBeUndefined();
  });

  it('learns from a request and estimates the same request back; a longer context costs more per token', () => {
    const speed = new DeviceSpeed(config, 'k');
    speed.observe({ promptTokens: 2000, reusedTokens: 0, ttftMs: 40_000, totalMs: 40_000 + 99 * 200, tokens: new Array(100).fill(1), finishReason: 'length' }, 100);
    expect(speed.estimateMs({ prefillTokens: 2000, pastTokens: 0, newTokens: 99 })).toBeCloseTo(40_000 + 99 * 200, -1);
    const short = speed.estimateMs({ prefillTokens: 1000, pastTokens: 0, newTokens: 0 })!;
    const late = speed.estimateMs({ prefillTokens: 1000, pastTokens: 15_000, newTokens: 0 })!;
    expect(late / short).toBeGreaterThan(1.5);
    expect(late / short).toBeLessThan(3);
  });

  it('ignores feeds and answers too short to tell the pace, and what was reused from the cache', () => {
    const speed = new DeviceSpeed(config, 'k');
    speed.observe({ promptTokens: 2000, reusedTokens: 1990, ttftMs: 500, totalMs: 600, tokens: [1, 2, 3], finishReason: 'length' }, 3);
    expect(speed.measured).toBe(false);
  });

  it('one stalled request moves the learnt speed by at most 4x, and values no device reaches are not believed', () => {
    const speed = new DeviceSpeed(config, 'k');
    speed.observe({ promptTokens: 1000, reusedTokens: 0, ttftMs: 20_000, totalMs: 30_000, tokens: new Array(51).fill(1), finishReason: 'length' }, 51);
    const before = speed.estimateMs({ prefillTokens: 1000, pastTokens: 0, newTokens: 50 })!;
    // The laptop slept for an hour in the middle of this one.
    speed.observe({ promptTokens: 1000, reusedTokens: 0, ttftMs: 3_600_000, totalMs: 3_610_000, tokens: new Array(51).fill(1), finishReason: 'length' }, 51);
    const after = speed.estimateMs({ prefillTokens: 1000, pastTokens: 0, newTokens: 50 })!;
    expect(after / before).toBeLessThanOrEqual(4 + 1e-9);
    const store = new MemoryStore();
    store.values.set('k', JSON.stringify({ prefillMs: 1e300, decodeMs: 1e-300 }));
    expect(new DeviceSpeed(config, 'k', store).measured).toBe(false);
  });

  it('writes the store only when what it learnt changed', () => {
    const store = new MemoryStore();
    let writes = 0;
    const counting: SpeedStore = { read: store.read, write: (key, value) => ((writes += 1), store.write(key, value)) };
    const speed = new DeviceSpeed(config, 'k', counting);
    speed.observe({ promptTokens: 10, reusedTokens: 0, ttftMs: 100, totalMs: 120, tokens: [1, 2], finishReason: 'length' }, 2);
    expect(writes).toBe(0);
    speed.observe({ promptTokens: 600, reusedTokens: 0, ttftMs: 12_000, totalMs: 16_000, tokens: new Array(21).fill(1), finishReason: 'length' }, 21);
    expect(writes).toBe(1);
  });

  it('learns how much of its allowance the model writes: a model that stops early is not charged the whole allowance', () => {
    const speed = new DeviceSpeed(config, 'k');
    const wrote = (tokens: number) =>
      speed.observe({ promptTokens: 1000, reusedTokens: 0, ttftMs: 20_000, totalMs: 20_000 + (tokens - 1) * 200, tokens: new Array(tokens).fill(1), finishReason: 'stop' }, 1000);
    for (let i = 0; i < 8; i++) wrote(250);
    const estimate = speed.estimateMs({ prefillTokens: 1000, pastTokens: 0, newTokens: 1000 })!;
    // About 20 s of prompt and 250 tokens at 200 ms, not 1000.
    expect(estimate / 1000).toBeGreaterThan(60);
    expect(estimate / 1000).toBeLessThan(80);
  });

  it('keeps what it learnt for the next engine, and shrugs off garbage in the store', () => {
    const store = new MemoryStore();
    new DeviceSpeed(config, 'model:wasm', store).observe({ promptTokens: 600, reusedTokens: 0, ttftMs: 12_000, totalMs: 16_000, tokens: new Array(21).fill(1), finishReason: 'length' }, 21);
    expect(new DeviceSpeed(config, 'model:wasm', store).measured).toBe(true);
    expect(new DeviceSpeed(config, 'model:webgpu', store).measured).toBe(false);
    store.values.set('model:wasm', '{"prefillMs": -1, "decodeMs": "fast"}');
    expect(new DeviceSpeed(config, 'model:wasm', store).measured).toBe(false);
    store.values.set('model:wasm', 'not json');
    expect(new DeviceSpeed(config, 'model:wasm', store).measured).toBe(false);
  });
});

describe('JobPace', () => {
  it('weights progress by each call’s estimate and corrects the time left by the pace the calls went at', () => {
    let now = 0;
    const pace = new JobPace([10_000, 30_000, 60_000], () => now);
    expect(pace.at(0)).toEqual({ fraction: 0, secondsLeft: 100 });
    now = 20_000; // the first call took twice its estimate
    expect(pace.at(1)).toEqual({ fraction: 0.1, secondsLeft: 180 });
    now = 60_000;
    expect(pace.at(2)).toEqual({ fraction: 0.4, secondsLeft: 90 });
  });

  it('a device far faster than it measured: the first call moves the time left by at most 4x, later ones by their pace', () => {
    let now = 0;
    const pace = new JobPace([10_000, 10_000, 10_000], () => now);
    now = 1_000;
    expect(pace.at(1).secondsLeft).toBe(5);
    now = 2_000;
    expect(pace.at(2).secondsLeft).toBeCloseTo(1, 6);
  });

  it('without a measured speed counts calls and says no time', () => {
    expect(new JobPace([undefined, 5, 5]).at(1)).toEqual({ fraction: 1 / 3 });
  });
});

describe('a long summary’s estimate', () => {
  it('plans each call as the runner feeds it: map prompts exactly, merge and final prompts with notes at their cap', async () => {
    const plan = planSummary(longPage(40), options, 4096, utf8ByteMeter);
    const work = plannedWork(plan, utf8ByteMeter);
    expect(work).toHaveLength(plan.parts);
    const model = fakeSummaryModel(utf8ByteMeter, 4096);
    await runSummary(plan, model, new AbortController().signal, () => undefined);
    for (const [i, call] of model.calls.entries()) {
      const planned = work[i]!;
      if (i < plan.chunks.length) expect(planned.prefillTokens).toBe(call.promptTokens);
      // Notes may be shorter than their cap, never longer.
      else expect(planned.prefillTokens).toBeGreaterThanOrEqual(call.promptTokens);
      expect(planned.newTokens).toBe(call.budget.maxNewTokens);
    }
  });

  it('says the whole summary’s time before the first step, on the device it runs on, and moves the bar by cost', async () => {
    const plan = planSummary(longPage(40), options, 4096, utf8ByteMeter);
    const speed = new DeviceSpeed(config, 'k');
    speed.observe({ promptTokens: 2000, reusedTokens: 0, ttftMs: 40_000, totalMs: 60_000, tokens: new Array(101).fill(1), finishReason: 'length' }, 101);
    const estimateMs = (work: GenerationWork) => speed.estimateMs(work);
    const model = { ...fakeSummaryModel(utf8ByteMeter, 4096), estimateMs, runsOn: 'cpu' as const };
    const events: Array<Extract<SummaryEvent, { type: 'progress' }>> = [];
    await runSummary(plan, model, new AbortController().signal, (e) => e.type === 'progress' && events.push(e));
    const total = plannedWork(plan, utf8ByteMeter).reduce((sum, work) => sum + estimateMs(work)!, 0);
    expect(events[0]).toMatchObject({ fraction: 0, runsOn: 'cpu' });
    expect(events[0]!.secondsLeft).toBeCloseTo(total / 1000, 3);
    const fractions = events.map((e) => e.fraction!);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBeLessThan(1);
  });

  it('a summary asked for again counts only what the engine’s cache does not hold', async () => {
    const plan = planSummary(longPage(1), options, 8192, utf8ByteMeter);
    expect(plan.single).toBeDefined();
    const speed = new DeviceSpeed(config, 'k');
    speed.observe({ promptTokens: 2000, reusedTokens: 0, ttftMs: 40_000, totalMs: 60_000, tokens: new Array(101).fill(1), finishReason: 'length' }, 101);
    const first = async (reused: number) => {
      const model = { ...fakeSummaryModel(utf8ByteMeter, 8192), estimateMs: (work: GenerationWork) => speed.estimateMs(work), reusableTokens: () => reused };
      const events: SummaryEvent[] = [];
      await runSummary(plan, model, new AbortController().signal, (e) => events.push(e));
      return (events[0] as Extract<SummaryEvent, { type: 'progress' }>).secondsLeft!;
    };
    const prompt = plannedWork(plan, utf8ByteMeter)[0]!.prefillTokens;
    const cold = await first(0);
    const warm = await first(prompt);
    // The whole prompt's prefill is spared, less the one token a request always feeds.
    const prefill = speed.estimateMs({ prefillTokens: prompt, pastTokens: 0, newTokens: 0 })! / 1000;
    expect(cold - warm).toBeGreaterThan(0.95 * prefill);
    expect(cold - warm).toBeLessThanOrEqual(prefill);
  });

  it('before this device was measured: no time, and the bar counts calls', async () => {
    const plan = planSummary(longPage(40), options, 4096, utf8ByteMeter);
    const events: Array<Extract<SummaryEvent, { type: 'progress' }>> = [];
    await runSummary(plan, fakeSummaryModel(utf8ByteMeter, 4096), new AbortController().signal, (e) => e.type === 'progress' && events.push(e));
    expect(events.every((e) => e.secondsLeft === undefined)).toBe(true);
    expect(events.map((e) => e.fraction)).toEqual(events.map((_, i) => i / plan.parts));
  });
});
