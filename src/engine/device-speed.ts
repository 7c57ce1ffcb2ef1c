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
/** How much a new measurement moves the learnt speed: the recent pace counts most (other load, heat). */
const LEARNING_RATE = 0.4;
/** Shorter feeds and answers are all fixed cost (a run's launch, the event loop): they say little of the pace. */
const MIN_PREFILL_TOKENS = 64;
const MIN_DECODE_TOKENS = 8;

export class DeviceSpeed {
  private speeds: Speeds;
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
  }

  /** Whether anything has been measured yet: before, no estimate is made (none would be honest). */
  get measured(): boolean {
    return this.speeds.prefillMs !== undefined && this.speeds.decodeMs !== undefined;
  }

  /** Learns from a finished generation: its prompt (what was not reused) and its answer, each long enough to tell. */
  observe(result: Pick<GenerationResult, 'promptTokens' | 'reusedTokens' | 'ttftMs' | 'totalMs' | 'tokens'>): void {
    const fed = result.promptTokens - result.reusedTokens;
    if (fed >= MIN_PREFILL_TOKENS && result.ttftMs > 0) {
      const perToken = result.ttftMs / (fed * this.growth(this.prefillSlope, result.reusedTokens, fed));
      this.speeds.prefillMs = learn(this.speeds.prefillMs, perToken);
    }
    const written = result.tokens.length - 1;
    if (written >= MIN_DECODE_TOKENS && result.totalMs > result.ttftMs) {
      const perToken = (result.totalMs - result.ttftMs) / (written * this.growth(this.decodeSlope, result.promptTokens, written));
      this.speeds.decodeMs = learn(this.speeds.decodeMs, perToken);
    }
    this.store?.write(this.key, JSON.stringify(this.speeds));
  }

  /** Milliseconds `work` should take here, or undefined before anything was measured. */
  estimateMs(work: GenerationWork): number | undefined {
    const { prefillMs, decodeMs } = this.speeds;
    if (prefillMs === undefined || decodeMs === undefined) return undefined;
    const prefill = prefillMs * work.prefillTokens * this.growth(this.prefillSlope, work.pastTokens, work.prefillTokens);
    const decode = decodeMs * work.newTokens * this.growth(this.decodeSlope, work.pastTokens + work.prefillTokens, work.newTokens);
    return prefill + decode;
  }

  /** The mean cost of `tokens` tokens after `past`, relative to tokens at the start of a context. */
  private growth(slope: number, past: number, tokens: number): number {
    return 1 + slope * (past + tokens / 2);
  }
}

function learn(previous: number | undefined, measured: number): number {
  return previous === undefined ? measured : previous + LEARNING_RATE * (measured - previous);
}

function readSpeeds(store: SpeedStore | undefined, key: string): Speeds {
  try {
    const raw = JSON.parse(store?.read(key) ?? '{}') as Record<string, unknown>;
    const valid = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : undefined);
    const prefillMs = valid(raw['prefillMs']);
    const decodeMs = valid(raw['decodeMs']);
    return { ...(prefillMs !== undefined ? { prefillMs } : {}), ...(decodeMs !== undefined ? { decodeMs } : {}) };
  } catch {
    return {};
  }
}
