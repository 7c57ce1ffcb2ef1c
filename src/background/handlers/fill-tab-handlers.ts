import { PagewiseError, type fillTabCommands } from '../../protocol';
import type { WorkerHandlers } from '../ui-relay';
import { activeTab, callTab } from './tab-handlers';

type FillTabHandlers = Pick<WorkerHandlers, keyof typeof fillTabCommands>;

/** The tab a fill started in, by id: the fill stays with it even when the user switches tabs while deciding. */
async function fillTab(tabId: number): Promise<chrome.tabs.Tab & { id: number }> {
  const tab = await chrome.tabs.get(tabId).catch(() => undefined);
  if (tab?.id === undefined) throw new PagewiseError('no-content-script', chrome.i18n.getMessage('fillTabGone'));
  return tab as chrome.tabs.Tab & { id: number };
}

/** Form filling, as the side panel drives it: each step goes to the content script of the tab the fields came from. */
export const fillTabHandlers: FillTabHandlers = {
  'fill.collect': async ({ windowId }, { signal }) => {
    const tab = await activeTab(windowId);
    return { tabId: tab.id, listing: await callTab(tab, 'page.fill-collect', {}, signal) };
  },
  // Writing is not cancelled half-way: the page may have changed already, and the answer says what it did.
  'fill.preview': async ({ tabId, marks }) => callTab(await fillTab(tabId), 'page.fill-preview', { marks }),
  'fill.apply': async ({ tabId, writes, allowSensitive }) => callTab(await fillTab(tabId), 'page.fill-apply', { writes, allowSensitive }),
  'fill.undo': async ({ tabId }) => callTab(await fillTab(tabId), 'page.fill-undo', {}),
};
