import type { HubFile } from './hub-client';
import type { WeightDb } from './weight-db';

/**
 * The checksums a repository's files must keep at a commit, whoever lists them. A commit id names the files, but
 * the listing that gives their checksums comes from the same host that serves the bytes: a mirror the user typed
 * (or anyone between) could list other files under the same commit, with checksums that match them. So the first
 * listing a download started from (after the user's consent) for a repository at a commit is remembered, beyond a
 * delete of the model, and every later listing (from the hub or any mirror) must agree with it for every file both
 * name; forgetting a custom model forgets its listings too. A built-in entry may
 * ship its checksums in the package instead (`ModelEntry.pinnedDigests`), which then are the ones that count.
 */
export class ListingMismatchError extends Error {
  override name = 'ListingMismatchError';
}

export type ListingPins = Record<string, string>;

/** The first listing a download started from, for a repository at a commit: where it came from, and when. */
export interface RememberedListing {
  from: string;
  at: number;
  files: ListingPins;
}

type PinnedFile = Pick<HubFile, 'path' | 'digest'>;

const pinOf = (file: PinnedFile): string => `${file.digest.algorithm}:${file.digest.hex.toLowerCase()}`;

/**
 * Refuses `listing` unless it names exactly the pinned files with the pinned checksums: a file added (an index and
 * a new shard beside a pinned single file), left out (an index dropped so another file is read) or changed would
 * each let other bytes in. A repository's listing at a commit cannot change, so any difference is the server's.
 */
export function checkListing(listing: readonly PinnedFile[], pins: ListingPins, where: string, against: string): void {
  const listed = new Map(listing.map((file) => [file.path, file]));
  const refuse = (what: string) => new ListingMismatchError(`${where} ${what} ${against}, under the same commit: it is not serving the same files. Nothing was downloaded.`);
  for (const [path, pin] of Object.entries(pins)) {
    const file = listed.get(path);
    if (!file) throw refuse(`does not list ${path}, which is in`);
    if (pinOf(file) !== pin) throw refuse(`lists ${path} with another checksum than`);
  }
  for (const path of listed.keys()) if (!Object.hasOwn(pins, path)) throw refuse(`lists ${path}, which is not in`);
}

/**
 * Checks `listing`, served by `from`, against the checksums `entry` ships, else against the listing remembered for
 * `repo` at `commit`.
 * Planning only checks: a listing is remembered when a download the user agreed to starts from it (rememberListing).
 */
export async function checkPinnedListing(db: WeightDb, repo: string, commit: string, listing: readonly PinnedFile[], shipped: ListingPins | undefined, from: string): Promise<void> {
  const where = `${from} (${repo} at ${commit.slice(0, 12)})`;
  if (shipped) return checkListing(listing, shipped, where, 'the listing Pagewise ships for this model');
  const remembered = await db.getListingPins(repo, commit);
  if (remembered) checkListing(listing, remembered.files, where, `the one a download started from on ${new Date(remembered.at).toISOString().slice(0, 10)} (${remembered.from})`);
}

/** Remembers the files a download of `repo` at `commit` starts from, unless an earlier download's are remembered. */
export async function rememberListing(db: WeightDb, repo: string, commit: string, files: readonly PinnedFile[], from: string): Promise<void> {
  if (await db.getListingPins(repo, commit)) return;
  await db.putListingPins(repo, commit, { from, at: Date.now(), files: Object.fromEntries(files.map((file) => [file.path, pinOf(file)])) });
}
