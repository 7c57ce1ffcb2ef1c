import { callOneShot, contentCommands, dispatchOneShot, pageCommands, type Handlers, type PageInfo } from '../protocol';

/**
 * Runs in every http(s) page, in Chrome's isolated world. It answers only the extension (never
 * `window.postMessage`: the page can post anything) and never turns model output into HTML.
 */
const startedAt = Date.now();

function pageInfo(): PageInfo {
  return {
    url: location.href.slice(0, 8192),
    title: document.title.slice(0, 2048),
    lang: (document.documentElement.lang || '').slice(0, 64),
  };
}

const handlers: Handlers<typeof pageCommands, undefined> = {
  'page.ping': async () => ({ page: pageInfo(), startedAt }),
};

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  // Only the service worker talks to content scripts: same extension, and not from any tab.
  if (sender.id !== chrome.runtime.id || sender.tab) return false;
  void dispatchOneShot(pageCommands, handlers, message, undefined).then(sendResponse);
  return true;
});

void callOneShot((message) => chrome.runtime.sendMessage(message), contentCommands, 'content.hello', pageInfo()).catch(
  (error: unknown) => console.debug('Pagewise could not reach its service worker', error),
);
