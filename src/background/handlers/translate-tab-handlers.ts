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
    const status = sessions.status(tab.id);
    const usage = sessions.usage(tab.id);
    return { tabId: tab.id, host, pageLanguage: declared || detected, ...(status ? { status } : {}), ...(usage ? { usage } : {}) };
  };
  /** Sends a command and answers with the status the content script reports after it. */
  const command = async (message: Parameters<TranslateSessions['send']>[1]) => {
    const tab = await activeTab();
    await callTab(tab, 'page.ping', {}); // a clear error when the tab has no content script to talk to
    const reported = sessions.nextStatus(tab.id);
    sessions.send(tab.id, message);
    await reported;
    return describe(tab);
  };
  return {
    'translate.describe': async () => describe(await activeTab()),
    'translate.start': async (payload) => command({ kind: 'start', ...payload }),
    'translate.set-mode': async ({ mode }) => command({ kind: 'mode', mode }),
    'translate.restore': async () => command({ kind: 'restore' }),
  };
}
