import { PagewiseError, type EnginePayload, type EngineResult, type TabCommandName } from '../protocol';
import { callTab } from './tab-registry';

type TabHandlers = { [N in TabCommandName]: (payload: EnginePayload<N>) => Promise<EngineResult<N>> };

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
