// Keeps the state after a few processed prefixes (a page, a conversation so far) so that a follow-up request
// starting with the same tokens feeds only what is new. Conv states cannot be rolled back like a KV cache,
// so a snapshot is only reusable when its tokens are a prefix of the new prompt; the engine therefore takes
// snapshots at boundaries a follow-up will share (end of the prompt, before the last user turn).
import type { CacheState } from './cache-state';

export interface Snapshot {
  tokens: readonly number[];
  state: CacheState;
  /** Logits after the last token, so an exact repeat needs no model run at all. */
  logits: Float32Array;
}

export class PrefixCache {
  private entries: Snapshot[] = [];

  /**
   * At most `capacity` snapshots whose states take at most `maxBytes` together (context-plan.ts sizes it to the
   * device); the least recently used go first, and a snapshot larger than the whole budget is not kept.
   */
  constructor(
    private readonly capacity = 4,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Bytes the kept states take. */
  get bytes(): number {
    return this.entries.reduce((sum, entry) => sum + entry.state.bytes, 0);
  }

  /** Stores a snapshot, taking its own reference to the state; the least recently used ones make room. */
  put(tokens: readonly number[], state: CacheState, logits: Float32Array): void {
    if (this.entries.some((e) => e.state === state || sameTokens(e.tokens, tokens))) return;
    if (state.bytes > this.maxBytes) return;
    this.entries.unshift({ tokens: [...tokens], state: state.retain(), logits: logits.slice() });
    while (this.entries.length > this.capacity || this.bytes > this.maxBytes) this.entries.pop()?.state.release();
  }

  /** The longest snapshot that `tokens` starts with; the caller gets its own reference to the state. */
  longestPrefixOf(tokens: readonly number[]): Snapshot | undefined {
    const best = this.longest(tokens);
    if (!best) return undefined;
    this.entries = [best, ...this.entries.filter((e) => e !== best)];
    return { ...best, state: best.state.retain(), logits: best.logits.slice() };
  }

  /** How many of `tokens` a request would take from the cache now, without using the snapshot. */
  reusableTokens(tokens: readonly number[]): number {
    return this.longest(tokens)?.tokens.length ?? 0;
  }

  private longest(tokens: readonly number[]): Snapshot | undefined {
    let best: Snapshot | undefined;
    for (const entry of this.entries) {
      if (entry.tokens.length > tokens.length || (best && entry.tokens.length <= best.tokens.length)) continue;
      if (entry.tokens.every((t, i) => t === tokens[i])) best = entry;
    }
    return best;
  }

  clear(): void {
    for (const entry of this.entries) entry.state.release();
    this.entries = [];
  }
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
