// The generation loop: reuse the longest cached prefix, prefill the rest in chunks, then sample token by
// token, streaming text split into thinking, tool calls and answer. We own this loop rather than using
// transformers.js's generate(): it needs prefix reuse across requests (KV + conv state snapshots), a cancel
// check between every step, and caches that stay on the GPU; see bench/engine.bench.ts for its overhead.
import type { CacheState } from './cache-state';
import type { StepResult } from './decoder-session';
import type { GenerationLimits } from './generation-options';
import type { PrefixCache } from './prefix-cache';
import { topLogits } from './top-logits';
import { Sampler, type SamplingOptions } from './sampling';
import { TextStream } from './text-stream';
import { ThinkSplitter, THINK_CLOSE, type Channel } from './think-splitter';
import { yieldToEventLoop } from './yield-to-event-loop';

export interface StepModel {
  emptyState(): CacheState;
  step(tokens: readonly number[], state: CacheState): Promise<StepResult>;
}

export interface TokenCodec {
  readonly stopTokenIds: ReadonlySet<number>;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export type GenerationEvent =
  | { type: 'prefill'; promptTokens: number; reusedTokens: number }
  | { type: 'text'; channel: Channel; text: string };

export type FinishReason = 'stop' | 'length';

export interface GenerationResult {
  answer: string;
  thinking: string;
  /** Raw text of the tool-call blocks, joined; parsing is the caller's business. */
  toolCallText: string;
  /** The think block was still open when the budget ran out; its text stayed out of the answer. */
  thinkingUnclosed: boolean;
  finishReason: FinishReason;
  tokens: number[];
  promptTokens: number;
  reusedTokens: number;
  /** Milliseconds from the call to the first sampled token, and for the whole call. */
  ttftMs: number;
  totalMs: number;
  /** With `topLogits` asked for: each sampled step's largest logits, [token id, logit], largest first. */
  topLogits?: Array<Array<[number, number]>>;
}

export interface GenerationInput {
  prompt: readonly number[];
  /** Prompt lengths worth a snapshot besides the whole prompt (the part a follow-up will share). */
  boundaries: readonly number[];
  sampling: SamplingOptions;
  limits: GenerationLimits;
  /** How many of each step's largest logits to return (0 or absent: none). */
  topLogits?: number;
  signal?: AbortSignal;
  onEvent?: (event: GenerationEvent) => void;
}

/** Tokens per prefill run: bounds the logits tensor ([chunk, vocab] floats) and the time between cancel checks. */
export const PREFILL_CHUNK = 256;

export async function generate(model: StepModel, codec: TokenCodec, cache: PrefixCache, input: GenerationInput): Promise<GenerationResult> {
  const start = performance.now();
  const { prompt, signal } = input;
  signal?.throwIfAborted();
  const reused = cache.longestPrefixOf(prompt);
  let state = reused?.state ?? model.emptyState();
  let logits = reused?.logits;
  const reusedTokens = reused?.tokens.length ?? 0;
  input.onEvent?.({ type: 'prefill', promptTokens: prompt.length, reusedTokens });
  try {
    const stops = [...input.boundaries.filter((b) => b > state.length && b < prompt.length), prompt.length].sort((a, b) => a - b);
    for (const stop of stops) {
      while (state.length < stop) {
        await yieldToEventLoop();
        signal?.throwIfAborted();
        const end = Math.min(stop, state.length + PREFILL_CHUNK);
        ({ state, logits } = await advance(model, prompt.slice(state.length, end), state));
      }
      cache.put(prompt.slice(0, stop), state, logits as Float32Array);
    }

    const sampler = new Sampler(input.sampling, prompt);
    const stream = new TextStream((ids) => codec.decode(ids));
    const splitter = new ThinkSplitter();
    const text: Record<Channel, string> = { answer: '', think: '', 'tool-call': '' };
    const emit = (segments: { channel: Channel; text: string }[]) => {
      for (const segment of segments) {
        text[segment.channel] += segment.text;
        input.onEvent?.({ type: 'text', ...segment });
      }
    };
    const tokens: number[] = [];
    const forcedClose = codec.encode(`${THINK_CLOSE}\n\n`);
    let thinkingTokens = 0;
    let ttftMs = 0;
    let finishReason: FinishReason = 'length';
    const steps: Array<Array<[number, number]>> = [];

    while (tokens.length < input.limits.maxNewTokens) {
      if (input.topLogits) steps.push(topLogits(logits as Float32Array, input.topLogits));
      const id = sampler.next(logits as Float32Array);
      if (tokens.length === 0) ttftMs = performance.now() - start;
      if (codec.stopTokenIds.has(id)) {
        finishReason = 'stop';
        break;
      }
      const fed = [id];
      const accept = (token: number) => {
        tokens.push(token);
        sampler.observe(token);
        emit(splitter.push(stream.push(token)));
      };
      accept(id);
      if (splitter.current === 'think') thinkingTokens++;
      const cap = input.limits.maxThinkingTokens;
      if (cap !== undefined && splitter.current === 'think' && thinkingTokens >= cap) {
        // Budget forcing: close the think block ourselves so the model moves on to the answer.
        for (const token of forcedClose) accept(token);
        fed.push(...forcedClose);
      }
      if (tokens.length >= input.limits.maxNewTokens) break;
      await yieldToEventLoop();
      signal?.throwIfAborted();
      ({ state, logits } = await advance(model, fed, state));
    }
    emit(splitter.push(stream.flush()));
    const end = splitter.end();
    emit(end.segments);
    if (finishReason === 'stop' && tokens.length > 0) cache.put([...prompt, ...tokens], state, logits as Float32Array);
    return {
      answer: text.answer.trim(),
      thinking: text.think.trim(),
      toolCallText: text['tool-call'],
      thinkingUnclosed: end.unclosed === 'think',
      finishReason,
      tokens,
      promptTokens: prompt.length,
      reusedTokens,
      ttftMs,
      totalMs: performance.now() - start,
      ...(input.topLogits ? { topLogits: steps } : {}),
    };
  } finally {
    state.release();
  }
}

/** Runs one step and lets go of the state it replaces (the prefix cache keeps its own reference). */
async function advance(model: StepModel, tokens: readonly number[], state: CacheState): Promise<StepResult> {
  const result = await model.step(tokens, state);
  state.release();
  return result;
}
