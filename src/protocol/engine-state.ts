import * as v from 'valibot';
import { WireErrorSchema } from './errors';

/**
 * What the UI shows about the engine. `phase` drives the badge; the other fields explain it.
 * The service worker derives `stopped` itself when no offscreen host is running.
 */
export const ENGINE_PHASES = ['stopped', 'no-model', 'downloading', 'loading', 'ready', 'busy', 'error'] as const;
export type EnginePhase = (typeof ENGINE_PHASES)[number];

const Bytes = v.pipe(v.number(), v.integer(), v.minValue(0));

/** A download or conversion the host is running, with its figures: every page shows it, whoever started it. */
export const DownloadJobSchema = v.object({
  modelId: v.string(),
  label: v.string(),
  /** A checkpoint being converted here, rather than a graph downloaded as it is. */
  converting: v.boolean(),
  bytes: Bytes,
  totalBytes: Bytes,
  rateBps: v.number(),
  etaSeconds: v.optional(v.number()),
  file: v.optional(v.object({ path: v.string(), bytes: Bytes, size: Bytes })),
});
export type DownloadJob = v.InferOutput<typeof DownloadJobSchema>;

/** How far a job is, 0..1 (0 until its size is known). */
export function jobFraction(job: Pick<DownloadJob, 'bytes' | 'totalBytes'>): number {
  return job.totalBytes > 0 ? Math.min(1, job.bytes / job.totalBytes) : 0;
}

export const EngineStateSchema = v.object({
  phase: v.picklist(ENGINE_PHASES),
  /** Model id when one is selected, e.g. "LiquidAI/LFM2.5-8B-A1B-ONNX". */
  modelId: v.optional(v.string()),
  /** The model's name as people read it, e.g. "LFM2.5-1.2B-Instruct". */
  modelLabel: v.optional(v.string()),
  /** 0..1 while downloading or loading. */
  progress: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  error: v.optional(WireErrorSchema),
  /** Something the user should know that is not an error: a model passed over for another, and why. */
  notice: v.optional(v.pipe(v.string(), v.maxLength(2000))),
  /** Downloads and conversions running in the host (they go on when the page that started them closes). */
  downloads: v.optional(v.array(DownloadJobSchema)),
  /** Requests the host is working on right now. */
  inFlight: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type EngineState = v.InferOutput<typeof EngineStateSchema>;

export const STOPPED_STATE: EngineState = { phase: 'stopped', inFlight: 0 };
