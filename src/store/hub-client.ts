import { isCommitSha } from './model-ids';
import { backoffMs, isRetryableStatus, MAX_CONSECUTIVE_FAILURES, parseRetryAfter, RetryableHttpError, sleep } from './retry-policy';

/**
 * The parts of the Hugging Face hub API the store uses: a revision resolved to its commit, the commit's file
 * tree with sizes and checksums, and the resolve URL each file downloads from (which may redirect to a CDN).
 */
export type DigestAlgorithm = 'sha256' | 'git-sha1';

export interface FileDigest {
  /** `sha256` for LFS files (the hub's `lfs.oid`); `git-sha1` (the git blob id) for small files kept in git. */
  algorithm: DigestAlgorithm;
  hex: string;
}

export interface HubFile {
  path: string;
  size: number;
  digest: FileDigest;
}

interface TreeEntry {
  type?: string;
  path?: unknown;
  size?: unknown;
  oid?: unknown;
  lfs?: { oid?: unknown; size?: unknown };
}

const API_TIMEOUT_MS = 30_000;
const MAX_TREE_PAGES = 50;
/**
 * Bounds on what a listing may claim, whoever serves it (the hub, or a mirror the user typed): no file larger than
 * any model's largest shard could be (LFM2.5-8B-A1B's whole BF16 checkpoint is ~17 GB), no more files than a
 * model repository holds, and paths that stay inside the repository.
 */
export const LISTING_LIMITS = { fileBytes: 64 * 2 ** 30, files: 10_000, pathChars: 500 } as const;

/** A hub API request answered with an error status that retrying does not mend. */
class HubStatusError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`The hub answered ${status} for ${url}.`);
  }
}

export class HubClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** The commit a branch or tag points at now (a sha is returned as is, after the hub confirms it exists). */
  async resolveCommit(repo: string, revision: string, signal: AbortSignal): Promise<string> {
    const response = await this.getJson(`${this.baseUrl}/api/models/${repo}/revision/${encodeURIComponent(revision)}`, signal).catch((error: unknown) => {
      // The hub answers 401 or 404 alike for a repository that does not exist and for one that is private.
      if (error instanceof HubStatusError && (error.status === 404 || error.status === 401)) throw new Error(`${repo} (revision ${revision}) was not found on the hub: check the name, or it may be private.`);
      throw error;
    });
    const sha = (response.body as { sha?: unknown }).sha;
    if (typeof sha !== 'string' || !isCommitSha(sha)) throw new Error(`The hub gave no commit for ${repo}@${revision}.`);
    // A pinned commit is what we download, whatever a mirror answers for it.
    if (isCommitSha(revision) && sha !== revision) throw new Error(`The hub answered commit ${sha} for the pinned commit ${revision} of ${repo}.`);
    return sha;
  }

  /** Every file of the repository at `commit`, with its size and checksum. */
  async listFiles(repo: string, commit: string, signal: AbortSignal): Promise<HubFile[]> {
    const files: HubFile[] = [];
    let url: string | null = `${this.baseUrl}/api/models/${repo}/tree/${commit}?recursive=true`;
    for (let page = 0; url && page < MAX_TREE_PAGES; page++) {
      const response: { body: unknown; next: string | null } = await this.getJson(url, signal);
      if (!Array.isArray(response.body)) throw new Error(`The hub's file list for ${repo} is not a list.`);
      for (const entry of response.body as TreeEntry[]) {
        const file = toHubFile(entry);
        if (file) files.push(file);
        if (files.length > LISTING_LIMITS.files) throw new Error(`The hub lists more than ${LISTING_LIMITS.files} files for ${repo}: not a model repository Pagewise downloads.`);
      }
      url = response.next;
    }
    return files;
  }

  resolveUrl(repo: string, commit: string, path: string): string {
    return `${this.baseUrl}/${repo}/resolve/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async getJson(url: string, signal: AbortSignal): Promise<{ body: unknown; next: string | null }> {
    for (let failures = 1; ; failures++) {
      try {
        const response = await this.fetchFn(url, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(API_TIMEOUT_MS)]),
          credentials: 'omit',
          cache: 'no-store',
        });
        if (isRetryableStatus(response.status)) throw new RetryableHttpError(response.status, parseRetryAfter(response.headers.get('retry-after')));
        if (!response.ok) throw new HubStatusError(response.status, url);
        return { body: await response.json(), next: nextLink(response.headers.get('link'), url) };
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const retryable = error instanceof RetryableHttpError || error instanceof TypeError || (error instanceof DOMException && error.name === 'TimeoutError');
        if (!retryable || failures >= MAX_CONSECUTIVE_FAILURES) throw error;
        await sleep(backoffMs(failures, error instanceof RetryableHttpError ? error.retryAfterMs : undefined), signal);
      }
    }
  }
}

/** A listed file, or undefined for an entry that is not one Pagewise could fetch: a folder, or out of bounds. */
function toHubFile(entry: TreeEntry): HubFile | undefined {
  if (entry.type !== 'file' || typeof entry.path !== 'string' || typeof entry.size !== 'number') return undefined;
  if (!Number.isSafeInteger(entry.size) || entry.size < 0 || entry.size > LISTING_LIMITS.fileBytes) return undefined;
  const path = entry.path;
  if (path.length === 0 || path.length > LISTING_LIMITS.pathChars || path.startsWith('/') || path.split('/').some((part) => part === '' || part === '.' || part === '..') || [...path].some((c) => c === '\\' || c.charCodeAt(0) < 0x20)) return undefined;
  const lfsOid = entry.lfs?.oid;
  if (typeof lfsOid === 'string' && /^[0-9a-f]{64}$/.test(lfsOid)) {
    return { path: entry.path, size: entry.size, digest: { algorithm: 'sha256', hex: lfsOid } };
  }
  if (typeof entry.oid === 'string' && /^[0-9a-f]{40}$/.test(entry.oid)) {
    return { path: entry.path, size: entry.size, digest: { algorithm: 'git-sha1', hex: entry.oid } };
  }
  return undefined;
}

/** The hub paginates long trees with `Link: <url>; rel="next"`; only same-origin next pages are followed. */
function nextLink(header: string | null, current: string): string | null {
  const match = header ? /<([^>]+)>;\s*rel="next"/.exec(header) : null;
  if (!match) return null;
  const next = new URL(match[1]!, current);
  return next.origin === new URL(current).origin ? next.href : null;
}
