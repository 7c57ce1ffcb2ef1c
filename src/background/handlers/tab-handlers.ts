import { callOneShot, pageCommands, PagewiseError, type tabCommands } from '../../protocol';
import type { WorkerHandlers } from '../ui-relay';
import { whyUnreachable } from './unreachable-tab';

type TabHandlers = Pick<WorkerHandlers, keyof typeof tabCommands>;

/** What the worker answers for UIs about tabs, by asking the tabs' content scripts. */
export const tabHandlers: TabHandlers = {
  'tab.describe-active': async ({ windowId }, { signal }) => {
    const tab = await activeTab(windowId);
    const { page } = await callTab(tab, 'page.ping', {}, signal);
    return { tabId: tab.id, page };
  },
  'tab.extract-page': async ({ windowId }, { signal }) => {
    const tab = await activeTab(windowId);
    return { tabId: tab.id, page: await callTab(tab, 'page.extract', {}, signal) };
  },
};

/** The active tab of `windowId`, else of the last focused window. */
export async function activeTab(windowId?: number): Promise<chrome.tabs.Tab & { id: number }> {
  const [tab] = await chrome.tabs.query(windowId === undefined ? { active: true, lastFocusedWindow: true } : { active: true, windowId });
  if (tab?.id === undefined) throw new PagewiseError('no-content-script', chrome.i18n.getMessage('tabNone'));
  return tab as chrome.tabs.Tab & { id: number };
}

/**
 * How long a page may take to answer. The content script shares the page's main thread, so a page that holds it
 * (a busy loop, a huge synchronous render) would keep the request, and the UI waiting on it, forever.
 */
export const TAB_ANSWER_MS = 30_000;

/**
 * Asks the tab's content script something, with a clear error when there is none to ask, when it does not answer
 * in time, or when the UI that asked cancels (the page's answer, should it come, is dropped).
 */
export async function callTab<N extends keyof typeof pageCommands & string>(
  tab: chrome.tabs.Tab & { id: number },
  command: N,
  payload: Parameters<typeof callOneShot<typeof pageCommands, N>>[3],
  signal?: AbortSignal,
): ReturnType<typeof callOneShot<typeof pageCommands, N>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PagewiseError('timeout', chrome.i18n.getMessage('tabTimeout'))), TAB_ANSWER_MS);
    onAbort = () => reject(new PagewiseError('cancelled', 'The request was cancelled.'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([callOneShot((message) => chrome.tabs.sendMessage(tab.id, message), pageCommands, command, payload), stopped]);
  } catch (error) {
    if (error instanceof PagewiseError) throw error;
    throw new PagewiseError('no-content-script', await whyUnreachable(tab));
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
