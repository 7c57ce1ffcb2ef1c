import { chunkReader, type ChunkReader } from '../body-reader';
import type { StoreNotice } from '../file-download';
import { backoffMs, isTransient, MAX_CONSECUTIVE_FAILURES, RetryableHttpError, sleep } from '../retry-policy';
import type { CheckpointSource, SourceFile } from './checkpoint-source';

const STALL = 'stalled';
/**
 * Bytes read from the body at a time before they are copied where they belong, and the step progress moves by:
 * small enough that a slow link still shows movement every few seconds (a fill waits for the whole piece).
 */
const PIECE = 256 * 1024;

/**
 * Reads a weight file forward from an offset, across whatever the network does: a body that ends early, stalls
 * or fails is asked for again from the very byte it stopped at (a Range request), after a backoff. The bytes come
 * out in order and exactly once, so everything built from them so far (the hash, the export jobs' state) stays
 * valid: a dropped connection costs a request, not work. A run of failures with no new byte gives up.
 */
export class ShardStream {
  private body: ChunkReader | undefined;
  private connection: AbortController | undefined;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private buffer: ArrayBuffer | undefined;

  constructor(
    private readonly source: CheckpointSource,
    private readonly file: SourceFile,
    /** The absolute offset of the next byte `read` returns. */
    public position: number,
    private readonly options: { signal: AbortSignal; stallMs: number; onNotice(notice: StoreNotice): void },
  ) {}

  /**
   * Exactly the next `length` bytes of the file. The body is read into a scratch buffer of its own, a piece at a
   * time, and copied out: a BYOB read takes its buffer over, and a read that fails does not give it back.
   * `onPiece` hears each piece's size as it arrives (a tensor can be a gigabyte: progress follows the bytes).
   */
  async read(length: number, onPiece?: (bytes: number) => void): Promise<Uint8Array> {
    const bytes = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      try {
        const body = this.body ?? (await this.open());
        const want = Math.min(PIECE, length - filled);
        const result = await body.fill(this.scratch(want));
        this.clearStall();
        this.buffer = result.chunk.buffer;
        bytes.set(result.chunk.subarray(0, result.filled), filled);
        filled += result.filled;
        this.position += result.filled;
        onPiece?.(result.filled);
        if (result.filled > 0) this.failures = 0;
        if (result.filled < want) throw new TypeError(`${this.file.path} ended early, at byte ${this.position}.`);
      } catch (error) {
        this.buffer = undefined;
        await this.retryAfter(error);
      }
    }
    return bytes;
  }

  private scratch(length: number): Uint8Array<ArrayBuffer> {
    if (!this.buffer || this.buffer.byteLength < length) this.buffer = new ArrayBuffer(PIECE);
    return new Uint8Array(this.buffer, 0, length);
  }

  async close(): Promise<void> {
    this.clearStall();
    await this.body?.cancel();
    this.body = undefined;
    this.connection?.abort();
  }

  private async open(): Promise<ChunkReader> {
    const connection = new AbortController();
    this.connection = connection;
    const response = await this.source.range(this.file, this.position, undefined, AbortSignal.any([this.options.signal, connection.signal]));
    if (!response.body) throw new TypeError('The response has no body.');
    const body = chunkReader(response.body, () => this.armStall(connection));
    // A server that ignored the Range sends the file from its start.
    if (response.status === 200) await body.skip(this.position);
    this.body = body;
    return body;
  }

  private async retryAfter(error: unknown): Promise<void> {
    await this.close();
    if (this.options.signal.aborted) throw this.options.signal.reason;
    const stalled = error instanceof DOMException && error.message === STALL;
    if (!(stalled || isTransient(error)) || ++this.failures >= MAX_CONSECUTIVE_FAILURES) throw error;
    const waitMs = backoffMs(this.failures, error instanceof RetryableHttpError ? error.retryAfterMs : undefined);
    this.options.onNotice({ type: 'retrying', path: this.file.path, reason: error instanceof Error ? error.message : String(error), failures: this.failures, waitMs });
    await sleep(waitMs, this.options.signal);
  }

  /** Armed before each read, cleared once it returns: time spent converting is not the server stalling. */
  private armStall(connection: AbortController): void {
    this.clearStall();
    this.stallTimer = setTimeout(() => connection.abort(new DOMException(STALL, 'AbortError')), this.options.stallMs);
  }

  private clearStall(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}
