import * as v from 'valibot';
import { EngineStateSchema } from '../engine-state';

/** Commands about the engine host itself: its state, a hardware self-test, and a hold used by diagnostics. */

export const BackendSchema = v.picklist(['wasm', 'webgpu']);
export type Backend = v.InferOutput<typeof BackendSchema>;

const SelfTestResultSchema = v.object({
  backend: BackendSchema,
  /** Largest absolute difference between ORT's output and the JavaScript expectation. */
  maxAbsError: v.number(),
  crossOriginIsolated: v.boolean(),
  wasmThreads: v.pipe(v.number(), v.integer()),
  /** Milliseconds for session creation and one run, for the diagnostics page. */
  createMs: v.number(),
  runMs: v.number(),
  adapter: v.optional(v.string()),
});
export type SelfTestResult = v.InferOutput<typeof SelfTestResultSchema>;

const ProgressEventSchema = v.object({
  type: v.literal('progress'),
  stage: v.string(),
  fraction: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
});

export const hostCommands = {
  'engine.get-state': {
    payload: v.object({}),
    result: EngineStateSchema,
    event: v.never(),
  },
  /** Runs a small built-in ONNX model on the chosen backend and checks ORT's numbers. */
  'engine.self-test': {
    payload: v.object({ backend: BackendSchema }),
    result: SelfTestResultSchema,
    event: ProgressEventSchema,
  },
  /** Holds the host busy for `ms` (bounded), streaming ticks: lets diagnostics and tests see in-flight work. */
  'engine.hold': {
    payload: v.object({ ms: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000)) }),
    result: v.object({ heldMs: v.number() }),
    event: v.object({ type: v.literal('tick'), elapsedMs: v.number() }),
  },
} as const;
