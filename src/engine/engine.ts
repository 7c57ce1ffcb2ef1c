// A loaded model ready to answer: its chat format, its decoder session and the prefix cache. Requests run
// one at a time (one session, one set of caches); a request cancelled while queued never starts.
import { parseConfig } from '../model/config';
import { ChatFormat, type ChatMessage, type ToolDefinition } from './chat-format';
import { DecoderSession } from './decoder-session';
import { DeviceSpeed, speedKey, type SpeedStore } from './device-speed';
import { generate, PREFILL_CHUNK, type GenerationEvent, type GenerationResult } from './generation';
import { limitsFor, samplingFor, type GenerationLimits } from './generation-options';
import type { ModelFiles, ModelGraph, ModelSource } from './model-source';
import type { OrtApi, OrtSession } from './ort-types';
import { planContext, type ContextPlan } from './context-plan';
import { PrefixCache } from './prefix-cache';
import type { SamplingOptions } from './sampling';
import { createSessionFromSource } from './tensor-by-tensor-file';
import { tokensPerRunLimit } from './tokens-per-run';

export interface EngineRequest extends Partial<GenerationLimits> {
  messages: readonly ChatMessage[];
  tools?: readonly ToolDefinition[];
  sampling?: Partial<SamplingOptions>;
  /** Return each step's largest logits (see GenerationResult.topLogits). */
  topLogits?: number;
}

/** What the device leaves for a request beside the weights (context-plan.ts); without it the trained context counts. */
export interface EngineMemory {
  backend: 'wasm' | 'webgpu';
  weightBytes: number;
  deviceMemoryGiB?: number;
  maxBindingBytes?: number;
}

export interface EngineLoadOptions {
  ort: OrtApi;
  source: ModelSource;
  dtype: string;
  memory?: EngineMemory;
  /** Creates the ORT session where the host wants it (execution providers, output locations). */
  createSession: (graph: ModelGraph) => Promise<OrtSession>;
  /** Where the speeds this device reaches outlive the engine (device-speed.ts), by model and backend. */
  speedStore?: SpeedStore;
  signal?: AbortSignal;
}

export class ContextLengthError extends Error {
  override name = 'ContextLengthError';
}

export class Engine {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache: PrefixCache;

  private constructor(
    readonly modelId: string,
    readonly chat: ChatFormat,
    readonly decoder: DecoderSession,
    private readonly files: ModelFiles,
    /** The context this device affords, and the prefix cache's share; undefined: the trained context, no byte bound. */
    readonly plan: ContextPlan | undefined,
    /** How fast this device answers with this model, learnt from every request: what long jobs estimate with. */
    readonly speed: DeviceSpeed,
  ) {
    this.cache = new PrefixCache(4, plan?.prefixCacheBytes);
  }

  static async load(options: EngineLoadOptions): Promise<Engine> {
    const files = await options.source.files();
    const config = parseConfig(files.config);
    const session = await createSessionFromSource(
      (graphOptions) => options.source.graph(options.dtype, options.signal, graphOptions),
      async (graph) => {
        options.signal?.throwIfAborted();
        return options.createSession(graph);
      },
    );
    try {
      const decoder = new DecoderSession(options.ort, session, config, tokensPerRunLimit(options.ort));
      const stateElementBytes = decoder.io.slots.some((slot) => slot.type === 'float16') ? 2 : 4;
      const logitsRows = decoder.io.logitsRows ?? PREFILL_CHUNK;
      const plan = options.memory ? planContext({ config, stateElementBytes, logitsRows, ...options.memory }) : undefined;
      const speed = new DeviceSpeed(config, speedKey(options.source.id, options.memory?.backend ?? 'native'), options.speedStore);
      return new Engine(options.source.id, new ChatFormat(files), decoder, files, plan, speed);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * The most a prompt and its answer may take together: the positions the model was trained for, or fewer where
   * this device's memory cannot hold that many tokens' caches beside the weights (context-plan.ts).
   */
  get contextTokens(): number {
    const trained = parseConfig(this.files.config).maxPositionEmbeddings;
    return Math.min(trained, this.plan?.contextTokens ?? trained);
  }

  generate(request: EngineRequest, signal?: AbortSignal, onEvent?: (event: GenerationEvent) => void): Promise<GenerationResult> {
    const run = this.queue.then(() => {
      const prompt = this.chat.prompt(request.messages, request.tools);
      const limits = limitsFor(request);
      // Positions past the trained context have no RoPE entry (ORT fails the run): the answer stops there.
      const room = this.contextTokens - prompt.length;
      if (room < 1) throw new ContextLengthError(`The prompt takes ${prompt.length} tokens; this model reads at most ${this.contextTokens}.`);
      return generate(this.decoder, this.chat, this.cache, {
        prompt,
        boundaries: this.sharedBoundaries(request, prompt),
        sampling: samplingFor(this.files.generationConfig, request.sampling),
        limits: { ...limits, maxNewTokens: Math.min(limits.maxNewTokens, room) },
        ...(request.topLogits ? { topLogits: request.topLogits } : {}),
        ...(signal ? { signal } : {}),
        ...(onEvent ? { onEvent } : {}),
      }).then((result) => {
        this.speed.observe(result, Math.min(limits.maxNewTokens, room));
        return result;
      });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** How many prompt tokens of `messages` the prefix cache would spare a request made now (a time estimate's input). */
  reusableTokens(messages: readonly ChatMessage[]): number {
    return this.cache.reusableTokens(this.chat.prompt(messages));
  }

  /** Runs one token through a fresh state and lets it go: proves the graph runs on its backend, kernels and all. */
  async warmUp(): Promise<void> {
    const state = this.decoder.emptyState();
    try {
      const { state: next } = await this.decoder.step([parseConfig(this.files.config).bosTokenId], state);
      next.release();
    } finally {
      state.release();
    }
  }

  /** Drops the cached prefixes (their GPU memory included) and the session. */
  async dispose(): Promise<void> {
    await this.queue;
    this.cache.clear();
    await this.decoder.session.release();
  }

  /** The conversation before its last user turn: what a follow-up or a second question on the page shares. */
  private sharedBoundaries(request: EngineRequest, prompt: readonly number[]): number[] {
    const lastUser = request.messages.findLastIndex((m) => m.role === 'user');
    if (lastUser <= 0) return [];
    const shared = this.chat.prompt(request.messages.slice(0, lastUser), request.tools, false);
    return shared.every((t, i) => t === prompt[i]) ? [shared.length] : [];
  }
}
