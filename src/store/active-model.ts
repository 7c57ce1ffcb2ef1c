import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/**
 * The model the user last had loaded, so the engine reloads the same one after the offscreen document was
 * closed when idle. Kept in IndexedDB because the engine host (an offscreen document) has no chrome.storage.
 */
const KEY = 'activeModel';
let store: UseStore | undefined;
const db = (): UseStore => (store ??= createStore('pagewise-engine', 'settings'));

export async function activeModelId(): Promise<string | undefined> {
  const value = await get<unknown>(KEY, db());
  return typeof value === 'string' ? value : undefined;
}

export function rememberActiveModel(modelId: string | undefined): Promise<void> {
  return modelId === undefined ? del(KEY, db()) : set(KEY, modelId, db());
}
