import { callOneShot, pageCommands, PagewiseError, type tabCommands } from '../../protocol';
import type { WorkerHandlers } from '../ui-relay';
import { whyUnreachable } from './unreachable-tab';

type TabHandlers = Pick<WorkerHandlers, keyof typeof tabCommands>;

/** What the worker answers for UIs about tabs, by asking the tabs' content scripts. */
export const tabHandlers: TabHandlers = {
  'tab.describe-active': async ({ windowId }) => {
    const tab = await activeTab(windowId);
    const { page } = await callTab(tab, 'page.ping', {});
    return { tabId: tab.id, page };
  },
  'tab.extract-page': async ({ windowId }) => {
    const tab = await activeTab(windowId);
    return { tabId: tab.id, page: await callTab(tab, 'page.extract', {}) };
  },
};

/** The active tab of `windowId`, else of the last focused window. */
export async function activeTab(windowId?: number): Promise<chrome.tabs.Tab & { id: number }> {
  const [tab] = await chrome.tabs.query(windowId === undefined ? { active: true, lastFocusedWindow: true } : { active: true, windowId });
  if (tab?.id === undefined) throw new PagewiseError('no-content-script', chrome.i18n.getMessage('tabNone'));
  return tab as chrome.tabs.Tab & { id: number };
}

/** Asks the tab's content script something, with a clear error when there is none to ask. */
export async function callTab<N extends keyof typeof pageCommands & string>(
  tab: chrome.tabs.Tab & { id: number },
  command: N,
  payload: Parameters<typeof callOneShot<typeof pageCommands, N>>[3],
): ReturnType<typeof callOneShot<typeof pageCommands, N>> {
  try {
    return await callOneShot((message) => chrome.tabs.sendMessage(tab.id, message), pageCommands, command, payload);
  } catch (error) {
    if (error instanceof PagewiseError) throw error;
    throw new PagewiseError('no-content-script', await whyUnreachable(tab));
  }
}
