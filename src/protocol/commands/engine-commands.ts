import * as v from 'valibot';
import { EngineStateSchema } from '../engine-state';
import { BackendSchema, CapabilitiesSchema, ModelChoiceSchema, ModelVerdictSchema } from '../model-fit';

/**
 * Commands of the engine: its state, what this machine can run, loading a model from the weight store, and
 * generating. Weights only ever come from the store: a model is downloaded (or imported) before it loads.
 */

/** What this device offers, the model chosen, and every built-in graph judged (the settings explain the choice). */
const HardwareReportSchema = v.object({ ...CapabilitiesSchema.entries, choice: ModelChoiceSchema, verdicts: v.array(ModelVerdictSchema) });
export type HardwareReport = v.InferOutput<typeof HardwareReportSchema>;

const ModelId = v.pipe(v.string(), v.minLength(1), v.maxLength(300));

const MessageSchema = v.object({
  role: v.picklist(['system', 'user', 'assistant', 'tool']),
  content: v.pipe(v.string(), v.maxLength(2_000_000)),
  thinking: v.optional(v.string()),
  toolCalls: v.optional(v.array(v.object({ name: v.string(), arguments: v.record(v.string(), v.unknown()) }))),
});

const ToolSchema = v.object({ name: v.string(), description: v.string(), parameters: v.record(v.string(), v.unknown()) });

const SamplingSchema = v.object({
  temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(5))),
  topK: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  topP: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  repetitionPenalty: v.optional(v.pipe(v.number(), v.minValue(0.5), v.maxValue(3))),
  seed: v.optional(v.pipe(v.number(), v.integer())),
});

const GenerateEventSchema = v.variant('type', [
  v.object({ type: v.literal('prefill'), promptTokens: v.number(), reusedTokens: v.number() }),
  v.object({ type: v.literal('text'), channel: v.picklist(['answer', 'think', 'tool-call']), text: v.string() }),
]);

const GenerateResultSchema = v.object({
  answer: v.string(),
  thinking: v.string(),
  toolCallText: v.string(),
  thinkingUnclosed: v.boolean(),
  finishReason: v.picklist(['stop', 'length']),
  tokens: v.array(v.number()),
  promptTokens: v.number(),
  reusedTokens: v.number(),
  ttftMs: v.number(),
  totalMs: v.number(),
  topLogits: v.optional(v.array(v.array(v.tuple([v.number(), v.number()])))),
});
export type GenerateResult = v.InferOutput<typeof GenerateResultSchema>;

const LoadResultSchema = v.object({
  modelId: v.string(),
  backend: BackendSchema,
  dtype: v.string(),
  threads: v.number(),
  loadMs: v.number(),
  /** Of loadMs: reading the weights from the store, and onnxruntime creating the session from them. */
  readMs: v.number(),
  sessionMs: v.number(),
  /** The most tokens a request may take on this device (engine/context-plan.ts), at most the trained context. */
  contextTokens: v.number(),
});

const LoadProgressSchema = v.object({ type: v.literal('progress'), stage: v.string(), fraction: v.pipe(v.number(), v.minValue(0), v.maxValue(1)) });

export const engineCommands = {
  'engine.get-state': {
    payload: v.object({}),
    result: EngineStateSchema,
    event: v.never(),
  },
  /** The capability probe and the model it would choose, with reasons, for the hardware panel. */
  'engine.hardware': {
    payload: v.object({}),
    result: HardwareReportSchema,
    event: v.never(),
  },
  /**
   * Loads a model from the store (replacing any loaded one) and makes it the one used from now on: the model
   * manager's "Use this model". The backend defaults to the one the model was stored for.
   */
  'engine.load': {
    payload: v.object({ modelId: ModelId, backend: v.optional(BackendSchema) }),
    result: LoadResultSchema,
    event: LoadProgressSchema,
  },
  /** Lets go of the loaded model (its memory with it): the options page's "Unload the model now". */
  'engine.unload': {
    payload: v.object({}),
    result: v.object({ unloaded: v.boolean() }),
    event: v.never(),
  },
  /** Generates one assistant turn, streaming text by channel; cancel stops it within one decoding step. */
  'engine.generate': {
    payload: v.object({
      messages: v.pipe(v.array(MessageSchema), v.minLength(1), v.maxLength(200)),
      tools: v.optional(v.array(ToolSchema)),
      sampling: v.optional(SamplingSchema),
      maxNewTokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      maxThinkingTokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      /** Each step's largest logits come back with the answer (comparing runtimes, showing alternatives). */
      topLogits: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20))),
    }),
    result: GenerateResultSchema,
    event: GenerateEventSchema,
  },
} as const;
