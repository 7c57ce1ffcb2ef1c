import type { Worker } from 'playwright-core';

/**
 * The id of the tab whose content script reports `url`, or undefined while none does. Asked from the extension's
 * service worker (it has no `tabs` permission, so Chrome shows it no tab URLs): each tab's content script answers
 * page.ping with what it sees. For the demo walk and the e2e harness, which drive the extension over DevTools.
 */
export function contentScriptTab(worker: Worker, url: string): Promise<number | undefined> {
  return worker.evaluate(async (url) => {
    for (const tab of await chrome.tabs.query({})) {
      if (tab.id === undefined) continue;
      const reply = (await chrome.tabs.sendMessage(tab.id, { channel: 'pagewise/v1', command: 'page.ping', payload: {} }).catch(() => undefined)) as
        | { ok: boolean; result?: { page: { url: string } } }
        | undefined;
      if (reply?.ok && reply.result?.page.url === url) return tab.id;
    }
    return undefined;
  }, url);
}
