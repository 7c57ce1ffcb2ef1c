import { callOneShot, pageCommands, PagewiseError, type PageInfo } from '../protocol';

/**
 * Which tabs have a live content script, kept in session storage so it survives the worker being
 * stopped and restarted while the browser runs.
 */
const key = (tabId: number): string => `tab:${tabId}`;

export async function markTabReady(tabId: number, page: PageInfo): Promise<void> {
  await chrome.storage.session.set({ [key(tabId)]: { ...page, readyAt: Date.now() } });
}

export async function forgetTab(tabId: number): Promise<void> {
  await chrome.storage.session.remove(key(tabId));
}

export async function readyTab(tabId: number): Promise<(PageInfo & { readyAt: number }) | undefined> {
  const stored = await chrome.storage.session.get(key(tabId));
  return stored[key(tabId)] as (PageInfo & { readyAt: number }) | undefined;
}

/** Asks the tab's content script something, with a clear error when there is none to ask. */
export async function callTab<N extends keyof typeof pageCommands & string>(
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
