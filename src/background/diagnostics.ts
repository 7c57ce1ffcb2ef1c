/**
 * A short in-memory record of messages and connections the worker refused, with why. The options page
 * shows it, and tests read it to prove a forged sender was turned away rather than silently dropped.
 */
export interface RejectedMessage {
  at: number;
  reason: string;
  from: string;
}

const LIMIT = 50;
const rejected: RejectedMessage[] = [];

export function recordRejection(reason: string, from: string | undefined): void {
  rejected.push({ at: Date.now(), reason, from: from ?? 'unknown' });
  if (rejected.length > LIMIT) rejected.shift();
  console.warn(`Pagewise refused a message from ${from ?? 'unknown'}: ${reason}`);
}

export function rejectedMessages(): readonly RejectedMessage[] {
  return rejected;
}
