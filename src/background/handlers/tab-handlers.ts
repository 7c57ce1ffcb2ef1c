import { callOneShot, pageCommands, PagewiseError, type tabCommands } from '../../protocol';
import type { WorkerHandlers } from '../ui-relay';

type TabHandlers = Pick<WorkerHandlers, keyof typeof tabCommands>;

/** What the worker answers for UIs about tabs, by asking the tabs' content scripts. */
export const tabHandlers: TabHandlers = {
  'tab.describe-active': async () => {
    const tabId = await activeTabId();
    const { page } = await callTab(tabId, 'page.ping', {});
    return { tabId, page };
  },
  'tab.extract-page': async () => {
    const tabId = await activeTabId();
    return { tabId, page: await callTab(tabId, 'page.extract', {}) };
  },
};

async function activeTabId(): Promise<number> {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (tab?.id === undefined) throw new PagewiseError('no-content-script', 'There is no open tab to work on.');
  return tab.id;
}

/** Asks the tab's content script something, with a clear error when there is none to ask. */
async function callTab<N extends keyof typeof pageCommands & string>(
  tabId: number,
  command: N,
  payload: Parameters<typeof callOneShot<typeof pageCommands, N>>[3],
): ReturnType<typeof callOneShot<typeof pageCommands, N>> {
  try {
    return await callOneShot((message) => chrome.tabs.sendMessage(tabId, message), pageCommands, command, payload);
  } catch (error) {
    if (error instanceof PagewiseError) throw error;
    throw new PagewiseError(
      'no-content-script',
      'Pagewise cannot work on this tab (browser pages, the web store and pages still loading are off limits).',
    );
  }
}
