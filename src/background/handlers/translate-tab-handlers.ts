import type { translateTabCommands } from '../../protocol';
import type { TranslateSessions } from '../translate-sessions';
import type { WorkerHandlers } from '../ui-relay';
import { activeTab, callTab } from './tab-handlers';

type TranslateTabHandlers = Pick<WorkerHandlers, keyof typeof translateTabCommands>;

/** Translation of the active tab, as the popup and the side panel drive it: each command goes over the tab's channel. */
export function translateTabHandlers(sessions: TranslateSessions): TranslateTabHandlers {
  const describe = async (tab: chrome.tabs.Tab & { id: number }) => {
    const { page } = await callTab(tab, 'page.ping', {});
    const { declared, detected } = await callTab(tab, 'page.language', {});
    const host = /^https?:/.test(page.url) ? new URL(page.url).hostname : '';
    const status = sessions.status(tab.id) ?? (await callTab(tab, 'page.translation-status', {})).status;
    const usage = sessions.usage(tab.id);
    return { tabId: tab.id, host, pdf: page.pdf, pageLanguage: detected || declared, ...(status ? { status } : {}), ...(usage ? { usage } : {}) };
  };
  /** Sends a command and answers with the status the content script reports after it. */
  const command = async (message: Parameters<TranslateSessions['send']>[2]) => {
    const tab = await activeTab();
    const { page } = await callTab(tab, 'page.ping', {}); // also a clear error when the tab has no content script to talk to
    sessions.send(tab.id, { url: page.url, incognito: tab.incognito }, message);
    await sessions.nextStatus(tab.id);
    return describe(tab);
  };
  return {
    'translate.describe': async () => describe(await activeTab()),
    'translate.start': async (payload) => {
      const result = await command({ kind: 'start', ...payload });
      sessions.keep(result.tabId, { to: payload.to, mode: payload.mode, from: payload.from || result.pageLanguage, host: result.host });
      return result;
    },
    'translate.set-mode': async ({ mode }) => {
      const result = await command({ kind: 'mode', mode });
      const kept = sessions.keptFor(result.tabId);
      if (kept) sessions.keep(result.tabId, { ...kept, mode });
      return result;
    },
    'translate.restore': async () => {
      const result = await command({ kind: 'restore' });
      sessions.keep(result.tabId, undefined);
      return result;
    },
  };
}
