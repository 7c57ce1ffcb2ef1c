import { PagewiseError, type EnginePayload, type EngineResult, type TabCommandName } from '../protocol';
import { callTab } from './tab-registry';

type TabHandlers = { [N in TabCommandName]: (payload: EnginePayload<N>) => Promise<EngineResult<N>> };

/** What the worker answers for UIs about tabs, by asking the tabs' content scripts. */
export const tabHandlers: TabHandlers = {
  'tab.describe-active': async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    if (tab?.id === undefined) throw new PagewiseError('no-content-script', 'There is no open tab to work on.');
    const { page } = await callTab(tab.id, 'page.ping', {});
    return { tabId: tab.id, page };
  },
};
