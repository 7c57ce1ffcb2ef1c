import { PagewiseError, type TranslateRules } from '../protocol';
import { callTab } from './handlers/tab-handlers';
import { readSetting } from './settings';
import type { TranslateSessions } from './translate-sessions';

/** Whether a page on `host` in `language` translates itself under `rules` (a "never" for the site wins). */
export function ruleFor(rules: TranslateRules, host: string, language: string): boolean {
  if (!rules.to || rules.neverSites.includes(host)) return false;
  const base = language.split('-')[0]!.toLowerCase();
  if (base && base === rules.to.split('-')[0]!.toLowerCase()) return false;
  return rules.alwaysSites.includes(host) || (!!base && rules.alwaysLanguages.some((l) => l.toLowerCase() === base));
}

/**
 * "Always translate": when a tab finishes loading and the user has such a rule, ask the page for its address and
 * language and start translating if a rule says so. Nothing is read from a page unless a rule exists, and the
 * page cannot start anything itself: the worker decides from the user's rules.
 */
export function applyTranslateRules(sessions: TranslateSessions): void {
  chrome.tabs.onUpdated.addListener((tabId, change, tab) => {
    if (change.status !== 'complete') return;
    void (async () => {
      const rules = await readSetting('translateRules');
      if (!rules.to || (rules.alwaysLanguages.length === 0 && rules.alwaysSites.length === 0)) return;
      const target = tab as chrome.tabs.Tab & { id: number };
      const { page } = await callTab({ ...target, id: tabId }, 'page.ping', {});
      if (page.pdf || !/^https?:/.test(page.url)) return;
      const { declared, detected } = await callTab({ ...target, id: tabId }, 'page.language', {});
      if (!ruleFor(rules, new URL(page.url).hostname, declared || detected)) return;
      sessions.send(tabId, { kind: 'start', to: rules.to, mode: rules.mode, wholePage: false });
    })().catch((error: unknown) => {
      // A tab without a content script (the store, a settings page) is simply not translated.
      if (!(error instanceof PagewiseError)) console.warn('Pagewise: translation rules', error);
    });
  });
}
