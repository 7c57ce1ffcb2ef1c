import type { Engine } from '../engine/engine';

/**
 * The model the host has loaded, for capabilities that drive the engine in-process (summaries use its
 * tokenizer to plan prompts, then its generation API) rather than through the port. Set by the generation
 * handlers on load and unload; one engine per host.
 */
let current: Engine | undefined;

/** Loads the cached model when none is loaded (the generation handlers provide it); reports 0..1 progress. */
type Ensurer = (signal: AbortSignal, onProgress: (fraction: number) => void) => Promise<Engine>;
let ensurer: Ensurer | undefined;

export function setLoadedEngine(engine: Engine | undefined): void {
  current = engine;
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
