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
 * Pages that translate by themselves: when a tab finishes loading and the user has a rule, or was translating in
 * that tab, ask the page for its address and language and start if a rule (or the tab's translation, for a next
 * page in the same language) says so. Nothing is read from a page otherwise, and the page cannot start anything
 * itself: the worker decides from the user's choices.
 */
export function applyTranslateRules(sessions: TranslateSessions): void {
  chrome.tabs.onRemoved.addListener((tabId) => sessions.keep(tabId, undefined));
  chrome.tabs.onUpdated.addListener((tabId, change, tab) => {
    if (change.status !== 'complete') return;
    void (async () => {
      const rules = await readSetting('translateRules');
      const kept = sessions.keptFor(tabId);
      if (!kept && (!rules.to || (rules.alwaysLanguages.length === 0 && rules.alwaysSites.length === 0))) return;
      const target = { ...tab, id: tabId };
      const { page } = await callTab(target, 'page.ping', {});
      if (page.pdf || !/^(https?|file):/.test(page.url)) return;
      const { declared, detected } = await callTab(target, 'page.language', {});
      const language = detected || declared;
      const host = page.url.startsWith('file:') ? '' : new URL(page.url).hostname;
      // The tab was translating and the next page on the same site is in the same language: go on (a page on another
      // site waits to be asked: the user chose to translate one site, not everything the tab goes on to show).
      if (kept && kept.host === host && !rules.neverSites.includes(host) && sameBase(language, kept.from)) {
        sessions.send(tabId, { url: page.url, incognito: tab.incognito }, { kind: 'start', to: kept.to, mode: kept.mode, wholePage: false });
        return;
      }
      sessions.keep(tabId, undefined);
      if (!ruleFor(rules, host, language)) return;
      sessions.send(tabId, { url: page.url, incognito: tab.incognito }, { kind: 'start', to: rules.to, mode: rules.mode, wholePage: false });
    })().catch((error: unknown) => {
      // A tab without a content script (the store, a settings page) is simply not translated.
      if (!(error instanceof PagewiseError)) console.warn('Pagewise: translation rules', error);
    });
  });
}

function sameBase(a: string, b: string): boolean {
  return !!a && !!b && a.split('-')[0]!.toLowerCase() === b.split('-')[0]!.toLowerCase();
}
