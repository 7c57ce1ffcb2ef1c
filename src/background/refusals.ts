import type { RefusedMessage } from '../protocol';

/**
 * A short in-memory record of messages and connections the worker refused, with why: the options page's
 * diagnostics show it (`diagnostics.refused-messages`), so a forged sender is seen to be turned away rather
 * than silently dropped. Lost when the worker stops; it is a window on recent activity, not a log.
 */
export class Refusals {
  private readonly recent: RefusedMessage[] = [];

  constructor(private readonly limit = 50) {}

  record(reason: string, from: string | undefined): void {
    this.recent.push({ at: Date.now(), reason, from: from ?? 'unknown' });
    if (this.recent.length > this.limit) this.recent.shift();
    console.warn(`Pagewise refused a message from ${from ?? 'unknown'}: ${reason}`);
  }

  list(): RefusedMessage[] {
    return [...this.recent];
  }
}
