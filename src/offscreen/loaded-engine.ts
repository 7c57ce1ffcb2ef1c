import type { Engine } from '../engine/engine';

/**
 * The model the host has loaded, for capabilities that drive the engine in-process (summaries use its
 * tokenizer to plan prompts, then its generation API) rather than through the port. Set by the generation
 * handlers on load and unload; one engine per host.
 */
let current: Engine | undefined;

export function setLoadedEngine(engine: Engine | undefined): void {
  current = engine;
}

export function loadedEngine(): Engine | undefined {
  return current;
}
