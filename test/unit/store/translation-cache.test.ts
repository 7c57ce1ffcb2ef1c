import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { TranslationCache } from '../../../src/store/translation-cache';

const key = (markup: string, to = 'hi') => TranslationCache.key({ markup, from: 'en', to, modelId: 'm', promptVersion: 1 });

describe('the translation cache', () => {
  it('keys by text, languages, model and prompt version', async () => {
    expect(await key('a')).not.toBe(await key('a', 'th'));
    expect(await key('a')).toBe(await key('a'));
    expect(await TranslationCache.key({ markup: 'a', from: 'en', to: 'hi', modelId: 'm', promptVersion: 2 })).not.toBe(await key('a'));
  });

  it('stays under its byte cap by dropping what was used longest ago', async () => {
    const cache = new TranslationCache(2000, new IDBFactory());
    const keys = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((m) => key(m)));
    for (const [i, k] of keys.entries()) {
      await cache.put(k, 'x'.repeat(200));
      if (i === 0) await new Promise((r) => setTimeout(r, 5));
      // Reading the first entry again makes it the most recently used.
      if (i >= 1) await cache.getMany([keys[0]!]);
      await new Promise((r) => setTimeout(r, 5));
    }
    const kept = await cache.getMany(keys);
    expect(kept.has(keys[0]!)).toBe(true);
    expect(kept.has(keys[1]!)).toBe(false);
    expect(kept.has(keys[4]!)).toBe(true);
    expect((await cache.stats()).bytes).toBeLessThanOrEqual(2000);
    expect(await cache.clear()).toBe(kept.size);
    expect((await cache.getMany(keys)).size).toBe(0);
  });
});
