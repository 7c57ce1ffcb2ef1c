/**
 * Validation of everything a user (or a hub) can hand the store: repository ids, revisions, file paths and
 * base URLs. These strings end up in URLs and IndexedDB keys, so anything unexpected is refused, not escaped.
 */

/** `owner/name` as the Hugging Face hub allows it (letters, digits, `-`, `_`, `.`; no `..`, no leading dot). */
const REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/;
/** A full commit sha, or a branch/tag name without path tricks. */
const COMMIT = /^[0-9a-f]{40}$/;
const REF = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,127}$/;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.\-+]{0,199}$/;

export function isRepoId(value: string): boolean {
  return REPO.test(value) && !value.includes('..');
}

export function isCommitSha(value: string): boolean {
  return COMMIT.test(value);
}

export function isRevision(value: string): boolean {
  return isCommitSha(value) || (REF.test(value) && !value.includes('..') && !value.endsWith('/') && !value.includes('//'));
}

/** A relative file path inside a model repository, e.g. `onnx/model_q4.onnx_data_1`. */
export function isRepoFilePath(value: string): boolean {
  const segments = value.split('/');
  return value.length <= 512 && segments.length <= 8 && segments.every((segment) => PATH_SEGMENT.test(segment) && segment !== '..');
}

/**
 * Returns the normalized origin-and-path of a hub or mirror base URL, or throws. Only https is allowed,
 * except plain http to this machine (the local hub used offline and in tests).
 */
export function normalizeBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not a URL.`);
  }
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new Error(`The hub address must use https (plain http is allowed only for this computer): ${value}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error(`The hub address may not carry credentials, a query or a fragment: ${value}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The id under which a hub model is stored: repository, dtype and revision pin it completely. */
export function hubModelId(repo: string, dtype: string, revision: string): string {
  return `${repo}@${revision}#${dtype}`;
}
