// A local stand-in for the Hugging Face hub: the revision and tree APIs, resolve URLs that redirect large
// files to a CDN path, Range requests, ETags and CORS, serving a folder of model files. The demo points the
// extension at it; the e2e tests and benches also make it misbehave on purpose (dropped sockets, 500 and
// 429 answers, stalls, wrong bytes, a branch that moves) to prove the store copes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';
import type { CheckpointFiles } from './export/checkpoint-reader';

export interface HubFaults {
  /** Connections destroyed mid-body, at random offsets about `dropSpacing` content bytes apart. */
  drops?: number;
  /** Mean bytes served between two drops (default 256 KiB): a client that stores chunks smaller than this always progresses. */
  dropSpacing?: number;
  /** Answers of 500. */
  serverErrors?: number;
  /** Answers of 429 with `Retry-After: 1`. */
  rateLimits?: number;
  /** Responses that send headers and a little of the body, then nothing. */
  stalls?: number;
  /** Paths whose first served bytes include one flipped byte (the file then fails its checksum once). */
  corruptOnce?: string[];
  /** Paths served with one flipped byte every time: the hub's bytes do not match its published hash. */
  corruptAlways?: string[];
  /** One byte of a file flipped the first time a response covers it (a fault deep inside a file, not at its start). */
  corruptByteOnce?: { path: string; at: number };
  /** Chance that a content request gets a 500, 429 or stall while any are left, never twice in a row (default 0.5). */
  rate?: number;
  seed?: number;
}

/** Files served from memory or computed (a virtual checkpoint), with their SHA-256 when known without reading. */
export interface ServedFiles extends CheckpointFiles {
  sha256?(path: string): string;
}

export interface LocalHubOptions {
  /** The folder served, or `files` instead. */
  modelDir?: string;
  files?: ServedFiles;
  repo: string;
  revision?: string;
  port?: number;
  faults?: HubFaults;
  /** Serve bodies at about this many bytes per second (lets a test stop a download halfway). */
  throttleBps?: number;
  /** Publish the folder under this commit id instead of one computed from its files (a pinned commit's stand-in). */
  commit?: string;
}

export interface ServedRequest {
  path: string;
  status: number;
  /** First byte asked for (0 without a Range header). */
  rangeStart: number;
  /** Body bytes actually written before the response ended or was cut. */
  sentBytes: number;
  fault?: 'drop' | 'server-error' | 'rate-limit' | 'stall' | 'corrupt';
}

interface HubFile {
  path: string;
  /** The file's bytes [start, end] (inclusive, as in a Range header), in pieces. */
  stream(start: number, end: number): AsyncIterable<Uint8Array>;
  size: number;
  sha256: string;
  gitSha1: string;
  lfs: boolean;
}

interface Commit {
  sha: string;
  files: Map<string, HubFile>;
}

export interface LocalHub {
  baseUrl: string;
  repo: string;
  revision: string;
  /** The commit the revision points at now. */
  readonly commit: string;
  readonly requests: readonly ServedRequest[];
  /** Content requests (resolve and CDN) only, in order. */
  contentRequests(): ServedRequest[];
  faultsServed(): Record<NonNullable<ServedRequest['fault']>, number>;
  setFaults(faults: HubFaults): void;
  setThrottle(bytesPerSecond: number | undefined): void;
  /** Publishes `modelDir` as a new commit and moves the revision to it; old commits stay downloadable. */
  moveRevision(modelDir: string): Promise<string>;
  /** Serves `modelDir`'s bytes under the current commit id: a broken mirror that changes files in place. */
  rewriteInPlace(modelDir: string): Promise<void>;
  close(): Promise<void>;
}

const LFS_THRESHOLD = 10 * 1024;
const EXPOSED = 'Content-Range, Content-Length, ETag, X-Repo-Commit, X-Linked-Etag, X-Linked-Size, Accept-Ranges, Link';

async function listFolder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

async function hashFile(absolute: string, size: number): Promise<{ sha256: string; gitSha1: string }> {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  for await (const piece of createReadStream(absolute)) {
    sha256.update(piece as Buffer);
    sha1.update(piece as Buffer);
  }
  return { sha256: sha256.digest('hex'), gitSha1: sha1.digest('hex') };
}

const PIECE = 256 * 1024;

async function* piecesOf(source: CheckpointFiles, path: string, start: number, end: number): AsyncIterable<Uint8Array> {
  for (let at = start; at <= end; at += PIECE) yield source.read(path, at, Math.min(end + 1, at + PIECE));
}

/** SHA-256 (the LFS oid) and git's blob SHA-1 of a served file; an LFS file's blob is its pointer. */
function servedDigests(source: ServedFiles, path: string, size: number, lfs: boolean): { sha256: string; gitSha1: string } {
  let sha256 = source.sha256?.(path);
  const blob = (bytes: Uint8Array) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  if (!sha256) {
    const hash = createHash('sha256');
    for (let at = 0; at < size; at += 64 * PIECE) hash.update(source.read(path, at, Math.min(size, at + 64 * PIECE)));
    sha256 = hash.digest('hex');
  }
  const gitSha1 = lfs ? blob(new TextEncoder().encode(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`)) : blob(source.read(path, 0, size));
  return { sha256, gitSha1 };
}

const isLfs = (path: string, size: number) => size > LFS_THRESHOLD || path.includes('.onnx');

async function snapshot(from: string | ServedFiles): Promise<Commit> {
  const files = new Map<string, HubFile>();
  if (typeof from === 'string') {
    for (const path of (await listFolder(from)).sort()) {
      const absolute = join(from, path);
      const { size } = await stat(absolute);
      const stream = (start: number, end: number) => createReadStream(absolute, { start, end, highWaterMark: PIECE });
      files.set(path, { path, stream, size, ...(await hashFile(absolute, size)), lfs: isLfs(path, size) });
    }
  } else {
    for (const path of from.paths()) {
      const size = from.size(path);
      const lfs = isLfs(path, size);
      files.set(path, { path, stream: (start, end) => piecesOf(from, path, start, end), size, ...servedDigests(from, path, size, lfs), lfs });
    }
  }
  const sha = createHash('sha1')
    .update([...files.values()].map((file) => `${file.path}:${file.sha256}`).join('\n'))
    .digest('hex');
  return { sha, files };
}

/** A small seeded generator, so a failing fault schedule can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

export async function startLocalHub(options: LocalHubOptions): Promise<LocalHub> {
  const revision = options.revision ?? 'main';
  const commits = new Map<string, Commit>();
  const served = options.files ?? options.modelDir;
  if (served === undefined) throw new Error('A local hub serves a folder (modelDir) or files.');
  const first = await snapshot(served);
  if (options.commit) first.sha = options.commit;
  commits.set(first.sha, first);
  let head = first.sha;
  const noFaults: Required<Omit<HubFaults, 'seed' | 'corruptByteOnce'>> & Pick<HubFaults, 'corruptByteOnce'> = { drops: 0, dropSpacing: 256 * 1024, serverErrors: 0, rateLimits: 0, stalls: 0, corruptOnce: [], corruptAlways: [], rate: 0.5 };
  let faults = noFaults;
  let rng = random(1);
  let contentBytes = 0;
  let nextDropAt = Infinity;
  let lastWasFault = false;
  let throttleBps = options.throttleBps;
  const requests: ServedRequest[] = [];
  const stalled = new Set<ServerResponse>();

  const setFaults = (next: HubFaults): void => {
    faults = { ...noFaults, ...next };
    rng = random(next.seed ?? 1);
    nextDropAt = faults.drops > 0 ? contentBytes + rng() * faults.dropSpacing : Infinity;
  };
  if (options.faults) setFaults(options.faults);

  const commitFor = (rev: string): Commit | undefined => commits.get(rev === revision ? head : rev);

  /** Request-level faults; drops are placed by bytes served instead (see `write`). */
  function pickFault(path: string): ServedRequest['fault'] {
    if (faults.corruptOnce.includes(path) || faults.corruptAlways.includes(path)) return 'corrupt';
    const left = (['serverErrors', 'rateLimits', 'stalls'] as const).filter((kind) => faults[kind] > 0);
    // Never two in a row: a client that retries a bounded number of times must be able to get through.
    if (lastWasFault || left.length === 0 || rng() >= faults.rate) {
      lastWasFault = false;
      return undefined;
    }
    lastWasFault = true;
    const kind = left[Math.floor(rng() * left.length)]!;
    faults[kind]--;
    return ({ serverErrors: 'server-error', rateLimits: 'rate-limit', stalls: 'stall' } as const)[kind];
  }

  async function sendContent(req: IncomingMessage, res: ServerResponse, file: HubFile, headers: Record<string, string>, served: ServedRequest): Promise<void> {
    let fault = pickFault(file.path);
    if (fault === 'server-error' || fault === 'rate-limit') {
      served.fault = fault;
      served.status = fault === 'server-error' ? 500 : 429;
      res.writeHead(served.status, { ...headers, ...(fault === 'rate-limit' ? { 'Retry-After': '1' } : {}) });
      res.end('try again later');
      return;
    }
    let start = 0;
    let end = file.size - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(end, Number(range[2]));
      if (start >= file.size) {
        served.status = 416;
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${file.size}` });
        res.end();
        return;
      }
    }
    served.rangeStart = start;
    served.status = range ? 206 : 200;
    const length = end - start + 1;
    res.writeHead(served.status, {
      ...headers,
      'Content-Length': String(length),
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${file.size}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const dropAt = nextDropAt - contentBytes;
    const cutAt = fault === 'stall' ? Math.min(length - 1, Math.floor(rng() * 65_536)) : dropAt < length ? Math.max(0, Math.floor(dropAt)) : -1;
    if (fault !== 'stall' && cutAt >= 0) {
      fault = 'drop';
      faults.drops--;
      nextDropAt = faults.drops > 0 ? contentBytes + cutAt + faults.dropSpacing * (0.5 + rng()) : Infinity;
    }
    let flipAt = fault === 'corrupt' ? Math.floor(rng() * length) : -1;
    if (fault === 'corrupt') faults.corruptOnce = faults.corruptOnce.filter((path) => path !== file.path);
    const byte = faults.corruptByteOnce;
    if (flipAt < 0 && byte?.path === file.path && byte.at >= start && byte.at <= end) {
      flipAt = byte.at - start;
      fault = 'corrupt';
      delete faults.corruptByteOnce;
    }
    if (fault) served.fault = fault;
    const started = Date.now();
    for await (const raw of file.stream(start, end)) {
      let piece = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      if (flipAt >= served.sentBytes && flipAt < served.sentBytes + piece.length) {
        piece = Buffer.from(piece);
        piece[flipAt - served.sentBytes]! ^= 0xff;
      }
      if (cutAt >= 0 && served.sentBytes + piece.length > cutAt) {
        const head = piece.subarray(0, cutAt - served.sentBytes);
        served.sentBytes += head.length;
        contentBytes += head.length;
        await new Promise<void>((resolve) => res.write(head, () => resolve()));
        if (fault === 'stall') {
          stalled.add(res);
          return;
        }
        res.socket?.destroy();
        return;
      }
      served.sentBytes += piece.length;
      contentBytes += piece.length;
      if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
      if (res.destroyed) return;
      if (throttleBps) {
        const due = started + (served.sentBytes / throttleBps) * 1000;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    }
    res.end();
  }

  function route(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED, 'Cross-Origin-Resource-Policy': 'cross-origin' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range, If-Range', 'Access-Control-Max-Age': '600' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const served: ServedRequest = { path, status: 200, rangeStart: 0, sentBytes: 0 };
    requests.push(served);
    const json = (status: number, body: unknown): void => {
      served.status = status;
      res.writeHead(status, { ...cors, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const api = `/api/models/${options.repo}/`;
    if (path.startsWith(`${api}revision/`)) {
      const commit = commitFor(path.slice(`${api}revision/`.length));
      if (!commit) return json(404, { error: 'Revision not found' });
      return json(200, { id: options.repo, sha: commit.sha, siblings: [...commit.files.keys()].map((rfilename) => ({ rfilename })) });
    }
    if (path.startsWith(`${api}tree/`)) {
      const commit = commitFor(path.slice(`${api}tree/`.length).split('/')[0]!);
      if (!commit) return json(404, { error: 'Revision not found' });
      const dirs = new Set([...commit.files.keys()].filter((p) => p.includes('/')).map((p) => p.slice(0, p.lastIndexOf('/'))));
      return json(200, [
        ...[...dirs].map((dir) => ({ type: 'directory', oid: createHash('sha1').update(dir).digest('hex'), size: 0, path: dir })),
        ...[...commit.files.values()].map((file) => ({
          type: 'file',
          oid: file.gitSha1,
          size: file.size,
          path: file.path,
          ...(file.lfs ? { lfs: { oid: file.sha256, size: file.size, pointerSize: 134 } } : {}),
        })),
      ]);
    }
    const resolve = new RegExp(`^/${options.repo}/resolve/([^/]+)/(.+)$`).exec(path);
    if (resolve) {
      const commit = commitFor(resolve[1]!);
      const file = commit?.files.get(resolve[2]!);
      if (!commit || !file) return json(404, { error: 'Entry not found' });
      const headers = { ...cors, 'X-Repo-Commit': commit.sha };
      if (file.lfs) {
        // Like the hub: large files redirect to content-addressed storage, which knows nothing of commits.
        served.status = 302;
        res.writeHead(302, { ...headers, Location: `/cdn/${file.sha256}`, 'X-Linked-Etag': `"${file.sha256}"`, 'X-Linked-Size': String(file.size) });
        res.end();
        return;
      }
      return sendContent(req, res, file, { ...headers, ETag: `"${file.gitSha1}"`, 'Content-Type': 'application/octet-stream' }, served);
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (cdn) {
      for (const commit of commits.values()) {
        const file = [...commit.files.values()].find((candidate) => candidate.sha256 === cdn[1]);
        if (file) return sendContent(req, res, file, { ...cors, ETag: `"${file.sha256}"`, 'Content-Type': 'application/octet-stream' }, served);
      }
    }
    return json(404, { error: 'Not found' });
  }

  const server = createServer((req, res) => {
    void Promise.resolve(route(req, res)).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    repo: options.repo,
    revision,
    get commit() {
      return head;
    },
    requests,
    contentRequests: () => requests.filter((r) => r.path.includes('/resolve/') ? r.status !== 302 : r.path.startsWith('/cdn/')),
    faultsServed() {
      const counts = { drop: 0, 'server-error': 0, 'rate-limit': 0, stall: 0, corrupt: 0 };
      for (const request of requests) if (request.fault) counts[request.fault]++;
      return counts;
    },
    setFaults,
    setThrottle(bytesPerSecond) {
      throttleBps = bytesPerSecond;
    },
    async moveRevision(modelDir) {
      const next = await snapshot(modelDir);
      commits.set(next.sha, next);
      head = next.sha;
      return next.sha;
    },
    async rewriteInPlace(modelDir) {
      const next = await snapshot(modelDir);
      commits.set(head, { sha: head, files: next.files });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
