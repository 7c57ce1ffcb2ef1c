// Every UI page in every shipped language and theme, as a person would meet it: the browser's UI language set
// through LANGUAGE (Debian's chromium-l10n), light and dark schemes. Checked: the page's lang and direction, text
// size against Chrome's injected body { font-size: 75% }, the options column centred, no English left on a page
// in another language, and axe-core's WCAG 2.2 AA rules. Each page is photographed into test-results/screenshots
// so that a person can look at them.
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-results/screenshots');
const LOCALES = ['en', 'ar', 'hi', 'th'] as const;
const PAGES = [
  { name: 'popup', path: 'ui/popup/popup.html', width: 320 },
  { name: 'sidepanel', path: 'ui/sidepanel/sidepanel.html', width: 400 },
  { name: 'options', path: 'ui/options/options.html', width: 1100 },
] as const;

type Messages = Record<string, { message: string }>;
const messagesOf = async (locale: string): Promise<Messages> => JSON.parse(await readFile(join(ROOT, `public/_locales/${locale}/messages.json`), 'utf8')) as Messages;
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The text a person sees on the page: visible text nodes, and the labels of controls. */
function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest('template, [hidden], details:not([open]) > :not(summary)')) continue;
      if (parent.getClientRects().length === 0) continue;
      texts.push(text);
    }
    for (const input of document.querySelectorAll('input[placeholder]')) texts.push((input as HTMLInputElement).placeholder);
    return texts;
  });
}

describe.each(LOCALES)('the UI in %s', (locale) => {
  let ext: LaunchedExtension;
  let english: Messages;
  let localized: Messages;

  beforeAll(async () => {
    ext = await launchExtension({ language: locale });
    english = await messagesOf('en');
    localized = await messagesOf(locale);
  });
  afterAll(async () => {
    await ext?.close();
  });

  test.each(PAGES)('$name: language, direction, type, layout, accessibility, in light and dark', async ({ name, path, width }) => {
    const page = await ext.openExtensionPage(path);
    await page.setViewportSize({ width, height: 900 });
    // What the page shows once it has asked the engine (the options page's model list waits for the probe).
    if (name === 'options') await page.locator('li.model .model-fit').first().waitFor({ timeout: 30_000 });
    await page.locator('#engine-state [data-role="phase"]').filter({ hasText: /./ }).waitFor({ timeout: 10_000 });

    expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe(locale === 'ar' ? 'rtl' : 'ltr');
    const bodySize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(bodySize).toBeGreaterThanOrEqual(14);
    if (name === 'options') {
      const { left, right } = await page.evaluate(() => document.body.getBoundingClientRect().toJSON() as DOMRect);
      expect(Math.abs(left - (width - right))).toBeLessThanOrEqual(20);
      expect(right - left).toBeLessThanOrEqual(720 + 2 * 24);
    }
    if (locale !== 'en') {
      // No message is left in English: a visible text that is an English message (and not the same words in
      // this locale, like "Pagewise") means a string bypassed the locale files.
      const englishOnly = new Set(Object.entries(english).filter(([key, m]) => m.message.length >= 6 && !m.message.includes('$') && localized[key]?.message !== m.message).map(([, m]) => m.message));
      expect((await visibleTexts(page)).filter((text) => englishOnly.has(text))).toEqual([]);
    }
    if (locale === 'ar') {
      // Mirrored: the first action button sits at the right edge of its row.
      const row = await page.locator('.actions').first().boundingBox();
      const first = await page.locator('.actions button').first().boundingBox();
      expect(row!.x + row!.width - (first!.x + first!.width)).toBeLessThan(first!.x - row!.x);
    }

    await page.evaluate(await axeSource);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const dir = join(SHOTS, `${locale}-${scheme}`);
      await mkdir(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      expect(violations, `${name} in ${locale}, ${scheme}`).toEqual([]);
    }
    await page.close();
  });
});
