// Translations already made, so a page seen again is translated at once without the model. Keyed by what decides
// the answer: the unit's markup, the languages, the model and the prompt version. Bounded in bytes: when over the
// cap, the entries used longest ago go first. Its own database, so clearing it never touches the weight store.

export interface CacheKeyParts {
  markup: string;
  from: string;
  to: string;
  modelId: string;
  promptVersion: number;
  /** The glossary in force: another glossary can make another translation. */
  glossary?: readonly string[];
  /** The site the text was on: a translation made on one site is never served to another. */
  site?: string;
}

interface Entry {
  key: string;
  /** The translated markup, as the parser reads it. */
  value: string;
  bytes: number;
  usedAt: number;
}

const DB_NAME = 'pagewise-translations';
const STORE = 'translations';
/** 32 MB of text: tens of thousands of paragraphs. */
export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

export class TranslationCache {
  private db: Promise<IDBDatabase> | undefined;
  /** Bytes stored, read once then kept current; undefined until first needed. */
  private bytes: number | undefined;

  constructor(
    private readonly capBytes = DEFAULT_CACHE_BYTES,
    private readonly idb: IDBFactory = indexedDB,
  ) {}

  static async key(parts: CacheKeyParts): Promise<string> {
    const glossary = [...(parts.glossary ?? [])].sort();
    const text = JSON.stringify([parts.promptVersion, parts.modelId, parts.site ?? '', parts.from, parts.to, parts.markup, ...(glossary.length ? [glossary] : [])]);
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  /** The stored translation for each key found (and marks them used now). */
  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keys.length === 0) return found;
    const store = (await this.open()).transaction(STORE, 'readwrite').objectStore(STORE);
    await Promise.all(
      keys.map(async (key) => {
        const entry = (await request(store.get(key))) as Entry | undefined;
        if (!entry || typeof entry.value !== 'string') return;
        found.set(key, entry.value);
        store.put({ ...entry, usedAt: Date.now() });
      }),
    );
    return found;
  }

  async put(key: string, value: string): Promise<void> {
    const db = await this.open();
    const bytes = 2 * (key.length + value.length) + 64;
    await this.storedBytes();
    const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
    const old = (await request(store.get(key))) as Entry | undefined;
    await request(store.put({ key, value, bytes, usedAt: Date.now() } satisfies Entry));
    this.bytes = (this.bytes ?? 0) + bytes - (old?.bytes ?? 0);
    if (this.bytes > this.capBytes) await this.evict();
  }

  /** Removes every entry; returns how many there were. */
  async clear(): Promise<number> {
    const store = (await this.open()).transaction(STORE, 'readwrite').objectStore(STORE);
    const count = (await request(store.count())) as number;
    await request(store.clear());
    this.bytes = 0;
    return count;
  }

  async stats(): Promise<{ entries: number; bytes: number }> {
    const store = (await this.open()).transaction(STORE, 'readonly').objectStore(STORE);
    return { entries: (await request(store.count())) as number, bytes: await this.storedBytes() };
  }

  /** Drops the least recently used entries until the cache is at 90% of its cap. */
  private async evict(): Promise<void> {
    const store = (await this.open()).transaction(STORE, 'readwrite').objectStore(STORE);
    const target = this.capBytes * 0.9;
    await new Promise<void>((resolve, reject) => {
      const cursor = store.index('usedAt').openCursor();
      cursor.onerror = () => reject(cursor.error ?? new Error('The translation cache could not be trimmed.'));
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at || (this.bytes ?? 0) <= target) return resolve();
        this.bytes = (this.bytes ?? 0) - ((at.value as Entry).bytes ?? 0);
        at.delete();
        at.continue();
      };
    });
  }

  private async storedBytes(): Promise<number> {
    if (this.bytes !== undefined) return this.bytes;
    const store = (await this.open()).transaction(STORE, 'readonly').objectStore(STORE);
    const entries = (await request(store.getAll())) as Entry[];
    this.bytes = entries.reduce((sum, entry) => sum + (entry.bytes ?? 0), 0);
    return this.bytes;
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const opening = this.idb.open(DB_NAME, 1);
      opening.onupgradeneeded = () => {
        const store = opening.result.createObjectStore(STORE, { keyPath: 'key' });
        store.createIndex('usedAt', 'usedAt');
      };
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error ?? new Error('The translation cache could not be opened.'));
    });
    return this.db;
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('A translation cache request failed.'));
  });
}
