/**
 * Who sent a message, judged from what Chrome itself reports about the sender (never from the payload).
 * Pages cannot forge `sender`: Chrome fills it in. A content script can be driven by a hostile page,
 * so it gets its own kind and only the commands meant for content scripts.
 */
export type SenderKind = 'content-script' | 'offscreen-host' | 'extension-page' | 'untrusted';

export interface SenderFacts {
  id?: string | undefined;
  url?: string | undefined;
  tab?: unknown;
}

export const OFFSCREEN_PATH = 'offscreen/offscreen.html';

export function classifySender(sender: SenderFacts, extensionId: string): SenderKind {
  if (sender.id !== extensionId || !sender.url) return 'untrusted';
  const origin = `chrome-extension://${extensionId}/`;
  if (sender.url.startsWith(origin)) {
    const path = sender.url.slice(origin.length).split(/[?#]/)[0];
    return path === OFFSCREEN_PATH ? 'offscreen-host' : 'extension-page';
  }
  // Our content scripts only run on web pages, in tabs.
  if (sender.tab && /^https?:\/\//.test(sender.url)) return 'content-script';
  return 'untrusted';
}
