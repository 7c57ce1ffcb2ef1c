// How fast this device runs the loaded model, learnt from the requests it has answered, and what a piece of work
// will take at that pace: the time estimate a long job shows before it starts and the time left while it runs.
import type { Lfm2Config } from '../model/config';
import type { GenerationResult } from './generation';

/** One generation's work: the prompt tokens to feed after `pastTokens` already in the cache, then `newTokens` to write. */
export interface GenerationWork {
  prefillTokens: number;
  pastTokens: number;
  newTokens: number;
}

/** Where the learnt speeds outlive the engine (the host's localStorage); absent, they last as long as the engine. */
export interface SpeedStore {
  read(key: string): string | null;
  write(key: string, value: string): void;
}

interface Speeds {
  /** Milliseconds per token at an empty context, prompt and decode. */
  prefillMs?: number;
  decodeMs?: number;
  /** Of the tokens a request allows, the share this model writes (it stops early, or it thinks at length). */
  writtenShare?: number;
}

/**
 * Each token costs more the more context it attends to. Measured on lfm2.5-1.2b in the extension (WASM, 2 threads,
 * bench engine-length): 17.4 ms per prompt token averaged over 550 tokens, 27.0 over 16,457, so a token at
 * position c costs about 1 + 7e-5·c of one at the start. That model attends with 6 layers of 32 heads of 64 over a
 * 16-layer, 2,048-wide stack: a model's slope is scaled by its own attention width over its depth and width.
 */
const PREFILL_SLOPE_PER_ATTENTION_SHARE = 7e-5 / ((6 * 32 * 64) / (16 * 2048));
/**
 * Decoding reads every weight once per token and the attention caches on top: on the 1.2B, 24 KiB per token of
 * context over 1.15 GB of weights, about 2e-5 more per token of context; scaled the same way.
 */
const DECODE_SLOPE_PER_ATTENTION_SHARE = 2e-5 / ((6 * 32 * 64) / (16 * 2048));
/** How far a new measurement moves the learnt value, in log terms: the recent pace counts most (other load, heat). */
const LEARNING_RATE = 0.4;
/**
 * A measurement counts as at most this factor off the learnt value, either way: a stalled request (a starved
 * renderer, a laptop put to sleep mid-answer) must not leave estimates of hours for the next dozen requests.
 */
const MAX_SURPRISE = 4;
/** Milliseconds per token outside of which no device runs these models; a value outside them is not believed. */
const PLAUSIBLE_MS = { min: 0.05, max: 10_000 } as const;
/** Shorter feeds and answers are all fixed cost (a run's launch, the event loop): they say little of the pace. */
const MIN_PREFILL_TOKENS = 64;
const MIN_DECODE_TOKENS = 8;

export class DeviceSpeed {
  private readonly speeds: Speeds;
  /** The speeds as last stored, so an unchanged speed is not written again. */
  private storedText: string;
  private readonly prefillSlope: number;
  private readonly decodeSlope: number;

  constructor(
    config: Pick<Lfm2Config, 'layerTypes' | 'numHeads' | 'headDim' | 'hiddenSize'>,
    private readonly key: string,
    private readonly store?: SpeedStore,
  ) {
    const attentionLayers = config.layerTypes.filter((type) => type === 'full_attention').length;
    const share = (attentionLayers * config.numHeads * config.headDim) / (config.layerTypes.length * config.hiddenSize);
    this.prefillSlope = PREFILL_SLOPE_PER_ATTENTION_SHARE * share;
    this.decodeSlope = DECODE_SLOPE_PER_ATTENTION_SHARE * share;
    this.speeds = readSpeeds(store, key);
    this.storedText = JSON.stringify(this.speeds);
  }

  /** Whether anything has been measured yet: before, no estimate is made (none would be honest). */
  get measured(): boolean {
    return this.speeds.prefillMs !== undefined && this.speeds.decodeMs !== undefined;
  }

  /**
   * Learns from a finished generation that was allowed `allowedTokens` new tokens: its prompt (what was not
   * reused), its answer, each long enough to tell, and how much of the allowance it used.
   */
  observe(result: Pick<GenerationResult, 'promptTokens' | 'reusedTokens' | 'ttftMs' | 'totalMs' | 'tokens' | 'finishReason'>, allowedTokens: number): void {
    const fed = result.promptTokens - result.reusedTokens;
    if (fed >= MIN_PREFILL_TOKENS && result.ttftMs > 0) {
      const perToken = result.ttftMs / (fed * this.growth(this.prefillSlope, result.reusedTokens, fed));
      this.speeds.prefillMs = learn(this.speeds.prefillMs, perToken, PLAUSIBLE_MS);
    }
    // Each written token but the first came from a decode step, and so did the stop token when there was one.
    const steps = result.tokens.length - 1 + (result.finishReason === 'stop' ? 1 : 0);
    if (steps >= MIN_DECODE_TOKENS && result.totalMs > result.ttftMs) {
      const perToken = (result.totalMs - result.ttftMs) / (steps * this.growth(this.decodeSlope, result.promptTokens, steps));
      this.speeds.decodeMs = learn(this.speeds.decodeMs, perToken, PLAUSIBLE_MS);
    }
    if (allowedTokens >= MIN_DECODE_TOKENS) {
      this.speeds.writtenShare = learn(this.speeds.writtenShare, Math.max(1, result.tokens.length) / allowedTokens, { min: 1 / allowedTokens, max: 1 });
    }
    const text = JSON.stringify(this.speeds);
    if (text !== this.storedText) this.store?.write(this.key, text);
    this.storedText = text;
  }

  /** Milliseconds `work` should take here, or undefined before anything was measured. `newTokens` is the allowance. */
  estimateMs(work: GenerationWork): number | undefined {
    const { prefillMs, decodeMs, writtenShare = 1 } = this.speeds;
    if (prefillMs === undefined || decodeMs === undefined) return undefined;
    const written = work.newTokens * writtenShare;
    const prefill = prefillMs * work.prefillTokens * this.growth(this.prefillSlope, work.pastTokens, work.prefillTokens);
    const decode = decodeMs * written * this.growth(this.decodeSlope, work.pastTokens + work.prefillTokens, written);
    return prefill + decode;
  }

  /** The mean cost of `tokens` tokens after `past`, relative to tokens at the start of a context. */
  private growth(slope: number, past: number, tokens: number): number {
    return 1 + slope * (past + tokens / 2);
  }
}

/** The next learnt value: a step in log terms towards the measurement, counted as at most MAX_SURPRISE off, within bounds. */
function learn(previous: number | undefined, measured: number, bounds: { min: number; max: number }): number {
  const within = (x: number) => Math.min(bounds.max, Math.max(bounds.min, x));
  if (previous === undefined) return within(measured);
  const surprise = Math.min(Math.log(MAX_SURPRISE), Math.max(-Math.log(MAX_SURPRISE), Math.log(within(measured) / previous)));
  return within(previous * Math.exp(LEARNING_RATE * surprise));
}

/** The store's key for a model's speeds on a backend ('native' in Node). */
export function speedKey(modelId: string, backend: string): string {
  return `pagewise.speed:${modelId}:${backend}`;
}

function readSpeeds(store: SpeedStore | undefined, key: string): Speeds {
  try {
    const raw = JSON.parse(store?.read(key) ?? '{}') as Record<string, unknown>;
    const valid = (x: unknown, bounds: { min: number; max: number }) => (typeof x === 'number' && x >= bounds.min && x <= bounds.max ? x : undefined);
    const prefillMs = valid(raw['prefillMs'], PLAUSIBLE_MS);
    const decodeMs = valid(raw['decodeMs'], PLAUSIBLE_MS);
    const writtenShare = valid(raw['writtenShare'], { min: 1e-4, max: 1 });
    return { ...(prefillMs !== undefined ? { prefillMs } : {}), ...(decodeMs !== undefined ? { decodeMs } : {}), ...(writtenShare !== undefined ? { writtenShare } : {}) };
  } catch {
    return {};
  }
}
