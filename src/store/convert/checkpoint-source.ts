import { parseSafetensorsHeader, SafetensorsError, type TensorEntry } from '../../model/safetensors';
import { createHashWasm } from '../file-hasher';
import type { FileDigest, HubClient } from '../hub-client';
import { DEFAULT_STALL_MS, isRetryableStatus, isTransient, parseRetryAfter, RetryableHttpError, withRetries } from '../retry-policy';

/**
 * A file of a checkpoint, as listed before it is read. Its digest is the one published for it (the hub's: what
 * arrives is checked against it), or COMPUTED where nobody published one (a folder on this computer): its SHA-256
 * is then computed as it is read and recorded, with nothing to check it against.
 */
export interface SourceFile {
  path: string;
  size: number;
  digest: FileDigest | typeof COMPUTED;
  /** When the file was last changed (a file on this computer): a conversion resumes only from the same files. */
  modifiedAt?: number;
}

export const COMPUTED = 'computed';

/**
 * Where a checkpoint's bytes come from: the hub at a pinned commit, read with Range requests (a header, a
 * file from the offset a conversion resumes at), never cached by the browser: the store is the cache. Or a
 * folder on this computer (folder-checkpoint-source.ts), read where it lies.
 */
export interface CheckpointSource {
  /** A small file whole (config, tokenizer), checked against its published digest, if any, before it is used. */
  whole(file: SourceFile, signal: AbortSignal): Promise<Uint8Array>;
  /** Bytes [start, end) of a file, read at once (a header); one try, a silent connection ends it. */
  bytes(file: SourceFile, start: number, end: number, signal: AbortSignal): Promise<Uint8Array>;
  /** A response carrying the file from byte `start` (to `end`, exclusive, when given), to stream. */
  range(file: SourceFile, start: number, end: number | undefined, signal: AbortSignal): Promise<Response>;
}

export class SourceChecksumError extends Error {
  constructor(readonly path: string) {
    super(`${path} did not match its published checksum.`);
  }
}

/**
 * The largest safetensors header read. The format's own limit is 100 MB; real ones are a few hundred kB (the 8B's
 * four shards about 100 kB each; one tensor's entry is ~150 bytes, so 32 MB would name 200,000 tensors).
 */
const MAX_HEADER_BYTES = 32_000_000;

export function hubCheckpointSource(hub: HubClient, repo: string, commit: string, fetchFn: typeof fetch, stallMs = DEFAULT_STALL_MS): CheckpointSource {
  const range = async (file: SourceFile, start: number, end: number | undefined, signal: AbortSignal): Promise<Response> => {
    const response = await fetchFn(hub.resolveUrl(repo, commit, file.path), {
      headers: { Range: `bytes=${start}-${end === undefined ? '' : end - 1}` },
      signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    if (isRetryableStatus(response.status)) {
      await response.body?.cancel();
      throw new RetryableHttpError(response.status, parseRetryAfter(response.headers.get('retry-after')));
    }
    if (response.status !== 206 && response.status !== 200) throw new Error(`The hub answered ${response.status} for ${file.path}.`);
    const served = response.headers.get('x-repo-commit');
    if (served && served !== commit) throw new Error(`The hub served ${file.path} from commit ${served}, not ${commit}.`);
    return response;
  };
  const bytes = async (file: SourceFile, start: number, end: number, signal: AbortSignal): Promise<Uint8Array> => {
    const silent = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const heard = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => silent.abort(new DOMException(`${file.path} stopped arriving.`, 'TimeoutError')), stallMs);
    };
    heard();
    try {
      return await bodyBytes(await range(file, start, end, AbortSignal.any([signal, silent.signal])), start, end - start, heard);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    range,
    bytes,
    // A small file that arrives wrong is asked for once more before its checksum refuses it.
    whole: (file, signal) => {
      let mismatches = 0;
      return withRetries(signal, (error) => isTransient(error) || (error instanceof SourceChecksumError && ++mismatches < 2), async () => {
        const whole = await bytes(file, 0, file.size, signal);
        await checkDigest(file, whole);
        return whole;
      });
    },
  };
}

/**
 * The body's bytes [start, start + length): a response to a Range request, or a server that ignored the Range
 * and sent the whole file (read only as far as needed, then cancelled). `heard` is called as bytes arrive.
 */
async function bodyBytes(response: Response, start: number, length: number, heard: () => void): Promise<Uint8Array> {
  const skip = response.status === 200 ? start : 0;
  const out = new Uint8Array(length);
  let at = -skip;
  if (!response.body) throw new TypeError('The response has no body.');
  const reader = response.body.getReader();
  try {
    while (at < length) {
      const { done, value } = await reader.read();
      if (done) break;
      heard();
      const from = Math.max(0, -at);
      const take = Math.min(value.length - from, length - Math.max(at, 0));
      if (take > 0) out.set(value.subarray(from, from + take), Math.max(at, 0));
      at += value.length;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const got = Math.max(0, Math.min(at, length));
  if (got !== length) throw new TypeError(`Expected ${length} bytes, got ${got}.`);
  return out;
}

export async function checkDigest(file: SourceFile, bytes: Uint8Array): Promise<void> {
  if (file.digest === COMPUTED) return;
  if ((await digestOf(file.digest.algorithm, bytes)) !== file.digest.hex) throw new SourceChecksumError(file.path);
}

/** How a file is hashed as it is read: with its published digest's algorithm, or SHA-256 where none was published. */
export function hashedAs(file: SourceFile): FileDigest {
  return file.digest === COMPUTED ? { algorithm: 'sha256', hex: '' } : file.digest;
}

/** The digest a conversion records for a file read whole: its published one (already checked), or its SHA-256. */
export async function recordedDigest(file: SourceFile, bytes: Uint8Array): Promise<FileDigest> {
  return file.digest === COMPUTED ? { algorithm: 'sha256', hex: await digestOf('sha256', bytes) } : file.digest;
}

export async function digestOf(algorithm: FileDigest['algorithm'], bytes: Uint8Array): Promise<string> {
  const hasher = await createHashWasm(algorithm, bytes.length);
  hasher.update(bytes);
  return hasher.digest('hex');
}

/**
 * A shard's tensors, read from its header alone (two small Range requests), in the order the file stores them,
 * and the header's bytes (the conversion checks the streamed file starts with the same ones). The file's checksum
 * covers the header only once the whole file has streamed, so a header that makes no sense is read once more
 * before the file is refused as truncated or not safetensors.
 */
export function shardHeader(source: CheckpointSource, file: SourceFile, signal: AbortSignal): Promise<{ tensors: TensorEntry[]; header: Uint8Array }> {
  let badHeaders = 0;
  return withRetries(signal, (error) => isTransient(error) || (error instanceof SafetensorsError && ++badHeaders < 2), async () => {
    if (file.size < 8) throw new SafetensorsError(`${file.path} is ${file.size} bytes: too short for a safetensors file.`);
    const lengthBytes = await source.bytes(file, 0, 8, signal);
    const headerLength = Number(new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true));
    if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > file.size) {
      throw new SafetensorsError(`${file.path}: truncated or not a safetensors file (its header claims ${headerLength} bytes; the file has ${file.size}).`);
    }
    const header = new Uint8Array(8 + headerLength);
    header.set(lengthBytes);
    header.set(await source.bytes(file, 8, 8 + headerLength, signal), 8);
    return { tensors: parseSafetensorsHeader(header, file.size, file.path).sort((a, b) => a.begin - b.begin), header };
  });
}
