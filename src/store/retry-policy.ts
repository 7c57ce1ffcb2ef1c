/**
 * How the store waits between attempts: exponential backoff with jitter, or the server's Retry-After when it
 * sends one (429, 503), both capped so a bad header cannot park a download for hours.
 */
export const MAX_CONSECUTIVE_FAILURES = 10;
/** How long a connection may go without a byte before it is given up and asked for again. */
export const DEFAULT_STALL_MS = 30_000;
const BASE_MS = 250;
const CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 30_000;

/** An HTTP answer worth trying again (server trouble, rate limiting), with the wait the server asked for. */
export class RetryableHttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`The server answered ${status}.`);
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(RETRY_AFTER_CAP_MS, Math.max(0, date - now));
}

export function backoffMs(failures: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const exp = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, failures - 1));
  return exp / 2 + Math.random() * (exp / 2);
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `work` until it succeeds, retrying what `retryable` accepts with backoff, up to `attempts` tries in all
 * (MAX_CONSECUTIVE_FAILURES by default). For requests that start over from nothing each time.
 */
export async function withRetries<T>(signal: AbortSignal, retryable: (error: unknown) => boolean, work: () => Promise<T>, attempts = MAX_CONSECUTIVE_FAILURES): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await work();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!retryable(error) || failures >= attempts) throw error;
      await sleep(backoffMs(failures, error instanceof RetryableHttpError ? error.retryAfterMs : undefined), signal);
    }
  }
}

/** What the network and servers break now and then: worth another request. */
export function isTransient(error: unknown): boolean {
  return error instanceof RetryableHttpError || error instanceof TypeError || (error instanceof DOMException && error.name === 'TimeoutError');
}
