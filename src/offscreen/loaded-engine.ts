import type { Engine } from '../engine/engine';
import { PagewiseError } from '../protocol';

/**
 * The model the host has loaded, for capabilities that drive the engine in-process (summaries use its
 * tokenizer to plan prompts, then its generation API) rather than through the port. Set by the generation
 * handlers on load and unload; one engine per host.
 */
let current: Engine | undefined;
/** Settles when the GPU device the loaded engine runs on is lost (WebGPU only). */
let deviceLost: Promise<unknown> | undefined;

/** Loads the cached model when none is loaded (the generation handlers provide it); reports 0..1 progress. */
type Ensurer = (signal: AbortSignal, onProgress: (fraction: number) => void) => Promise<Engine>;
let ensurer: Ensurer | undefined;

export function setLoadedEngine(engine: Engine | undefined, lost?: Promise<unknown>): void {
  current = engine;
  deviceLost = lost;
}

/**
 * How long a failed WebGPU run waits for `device.lost` to settle: the run's error can arrive a moment before
 * the loss does. Only failures pay it, and only on WebGPU.
 */
const DEVICE_LOSS_GRACE_MS = 1000;

/**
 * What a failed generation on the loaded engine should report. A lost device fails ORT's run first (a failed
 * buffer download, or mapAsync's AbortError, which the port would report as "cancelled"), and that error
 * reaches the caller before this document reloads. Nobody cancelled and nothing in the request was wrong: the
 * engine broke, so say that. Every capability that generates (chat, summaries) reports through this.
 */
export async function generationFailure(error: unknown, signal: AbortSignal): Promise<unknown> {
  const lost = deviceLost;
  if (lost && !signal.aborted && (await settlesWithin(lost, DEVICE_LOSS_GRACE_MS))) {
    return new PagewiseError('engine-crashed', 'The GPU device was lost while generating; the engine is restarting. Try again.');
  }
  return error;
}

function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void work.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function loadedEngine(): Engine | undefined {
  return current;
}

export function setEngineEnsurer(ensure: Ensurer): void {
  ensurer = ensure;
}

/** The loaded engine, loading the user's cached model first when there is none. */
export async function readyEngine(signal: AbortSignal, onProgress: (fraction: number) => void): Promise<Engine> {
  if (current) return current;
  if (!ensurer) throw new Error('The generation capability is not wired into this host.');
  return ensurer(signal, onProgress);
}
