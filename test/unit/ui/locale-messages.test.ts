// The UI's strings live in public/_locales/en/messages.json only (src/ui/shared/i18n.ts). A key the code names
// but the file lacks shows the raw key to the user; a key written twice silently keeps only its last text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const MESSAGES = join(ROOT, 'public/_locales/en/messages.json');

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, pattern);
    return pattern.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The top-level keys in file order, repeats included: JSON.parse keeps only the last of each, so this scans. */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  const colon = /\s*:/y;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      colon.lastIndex = end + 1;
      if (depth === 1 && colon.test(json)) keys.push(JSON.parse(json.slice(i, end + 1)) as string);
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

/** Message names the code and pages spell out literally: t('name'), data-i18n*="name", __MSG_name__. */
function namedKeys(): Map<string, string> {
  const named = new Map<string, string>();
  const patterns = [/\bt\(\s*'([A-Za-z0-9_]+)'/g, /data-i18n(?:-[a-z-]+)?="([A-Za-z0-9_]+)"/g, /__MSG_([A-Za-z0-9_]+)__/g];
  for (const file of [...filesUnder(join(ROOT, 'src'), /\.(ts|html)$/), ...filesUnder(join(ROOT, 'public'), /\.(html|json)$/)]) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) named.set(match[1]!, file.slice(ROOT.length + 1));
  }
  return named;
}

describe('the English messages', () => {
  const json = readFileSync(MESSAGES, 'utf8');
  const messages = JSON.parse(json) as Record<string, { message: string }>;

  test('name each message once', () => {
    const topLevel = topLevelKeys(json);
    expect(new Set(topLevel)).toEqual(new Set(Object.keys(messages)));
    const seen = new Set<string>();
    const repeated = topLevel.filter((key) => (seen.has(key) ? true : (seen.add(key), false)));
    expect(repeated).toEqual([]);
  });

  test('hold every message the code and pages name', () => {
    const named = namedKeys();
    expect(named.size).toBeGreaterThan(50);
    const missing = [...named].filter(([key]) => !(key in messages)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  test('have text in every message', () => {
    const empty = Object.entries(messages).filter(([, value]) => typeof value.message !== 'string' || value.message.trim() === '');
    expect(empty.map(([key]) => key)).toEqual([]);
  });
});

describe.each(['ar', 'hi', 'th'])('the %s messages', (locale) => {
  const english = JSON.parse(readFileSync(MESSAGES, 'utf8')) as Record<string, { message: string; placeholders?: unknown }>;
  const json = readFileSync(join(ROOT, `public/_locales/${locale}/messages.json`), 'utf8');
  const messages = JSON.parse(json) as Record<string, { message: string; placeholders?: unknown }>;
  const references = (text: string): string[] => (text.match(/\$[A-Za-z0-9_]+\$|\$\d/g) ?? []).map((s) => s.toLowerCase()).sort();

  test('translate every English message, once, and no other', () => {
    expect(topLevelKeys(json)).toEqual(Object.keys(english));
    expect(messages['localeCode']?.message).toBe(locale);
  });

  test('keep every placeholder: the same definitions, each referenced as in English', () => {
    const wrong = Object.keys(english).filter(
      (key) => JSON.stringify(messages[key]?.placeholders) !== JSON.stringify(english[key]!.placeholders) || references(messages[key]?.message ?? '').join() !== references(english[key]!.message).join(),
    );
    expect(wrong).toEqual([]);
  });

  test('are written in the locale: most letters of the file are in its script', () => {
    const script = { ar: /\p{Script=Arabic}/u, hi: /\p{Script=Devanagari}/u, th: /\p{Script=Thai}/u }[locale]!;
    const letters = [...Object.values(messages).map((m) => m.message.replace(/\$[A-Za-z0-9_]+\$/g, '')).join('')].filter((c) => /\p{L}/u.test(c));
    expect(letters.filter((c) => script.test(c)).length / letters.length).toBeGreaterThan(0.7);
  });
});
