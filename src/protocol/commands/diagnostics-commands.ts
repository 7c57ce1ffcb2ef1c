import * as v from 'valibot';
import { BackendSchema } from '../model-fit';

/**
 * Diagnostics the options page offers: does onnxruntime compute correctly on this machine (self-test), how fast
 * is it here (speed), and what Pagewise refused to do (messages from pages and other senders it turned away).
 * The engine host answers the first two; the service worker, which does the refusing, answers the last.
 */

const SelfTestResultSchema = v.object({
  backend: BackendSchema,
  /** Largest absolute difference between ORT's output and the JavaScript expectation. */
  maxAbsError: v.number(),
  crossOriginIsolated: v.boolean(),
  wasmThreads: v.pipe(v.number(), v.integer()),
  /** Milliseconds for session creation and one run. */
  createMs: v.number(),
  runMs: v.number(),
  adapter: v.optional(v.string()),
});
export type SelfTestResult = v.InferOutput<typeof SelfTestResultSchema>;

const StageEventSchema = v.object({
  type: v.literal('progress'),
  stage: v.string(),
  fraction: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
});

export const MEASURE_SPEED_MAX_MS = 60_000;

export const hostDiagnosticsCommands = {
  /** Runs a small built-in ONNX model on the chosen backend and checks ORT's numbers. */
  'diagnostics.self-test': {
    payload: v.object({ backend: BackendSchema }),
    result: SelfTestResultSchema,
    event: StageEventSchema,
  },
  /**
   * Runs the self-test model on `backend` again and again for `ms`, reporting runs as they finish: how fast
   * this machine computes, and how steady it is while other work shares it. Cancelling stops it at once.
   */
  'diagnostics.measure-speed': {
    payload: v.object({ backend: BackendSchema, ms: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(MEASURE_SPEED_MAX_MS)) }),
    result: v.object({ runs: v.number(), elapsedMs: v.number(), medianRunMs: v.number() }),
    event: v.object({ type: v.literal('run'), runs: v.number(), elapsedMs: v.number(), runMs: v.number() }),
  },
} as const;

export const RefusedMessageSchema = v.object({
  at: v.number(),
  reason: v.string(),
  from: v.string(),
});
export type RefusedMessage = v.InferOutput<typeof RefusedMessageSchema>;

export const workerDiagnosticsCommands = {
  /** The most recent messages and connections the worker refused, with why and from where. */
  'diagnostics.refused-messages': {
    payload: v.object({}),
    result: v.object({ refused: v.array(RefusedMessageSchema) }),
    event: v.never(),
  },
} as const;
