import type { HubFile } from './hub-client';
import type { WeightDb } from './weight-db';

/**
 * The checksums a repository's files must keep at a commit, whoever lists them. A commit id names the files, but
 * the listing that gives their checksums comes from the same host that serves the bytes: a mirror the user typed
 * (or anyone between) could list other files under the same commit, with checksums that match them. So the first
 * listing this browser planned from for a repository at a commit is remembered, beyond a delete of the model, and
 * every later listing (from the hub or any mirror) must agree with it for every file both name. A built-in entry may
 * ship its checksums in the package instead (`ModelEntry.pinnedDigests`), which then are the ones that count.
 */
export class ListingMismatchError extends Error {
  override name = 'ListingMismatchError';
}

export type ListingPins = Record<string, string>;

const pinOf = (file: HubFile): string => `${file.digest.algorithm}:${file.digest.hex.toLowerCase()}`;

/** Refuses `listing` when a file it names has another checksum than pinned, or a shipped pin's file is missing. */
export function checkListing(listing: readonly HubFile[], pins: ListingPins, where: string, shipped: boolean): void {
  const listed = new Map(listing.map((file) => [file.path, file]));
  for (const [path, pin] of Object.entries(pins)) {
    const file = listed.get(path);
    if (!file) {
      if (shipped) throw new ListingMismatchError(`${where} does not list ${path}, which Pagewise knows this model by; the server is not serving the published model.`);
      continue;
    }
    if (pinOf(file) !== pin) throw new ListingMismatchError(`${where} lists ${path} with another checksum than ${shipped ? 'Pagewise ships for it' : 'when this model was first downloaded here'}; the server is not serving the same files. Nothing was downloaded.`);
  }
}

/**
 * Checks `listing` against the shipped pins, or against those remembered for `repo` at `commit`, and remembers it
 * when it is the first.
 */
export async function checkPinnedListing(db: WeightDb, repo: string, commit: string, listing: readonly HubFile[], shipped: ListingPins | undefined, where: string): Promise<void> {
  if (shipped) {
    checkListing(listing, shipped, where, true);
    return;
  }
  const remembered = await db.getListingPins(repo, commit);
  if (remembered) {
    checkListing(listing, remembered, where, false);
    return;
  }
  await db.putListingPins(repo, commit, Object.fromEntries(listing.map((file) => [file.path, pinOf(file)])));
}
