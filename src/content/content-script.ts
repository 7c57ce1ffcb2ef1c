import browser from 'webextension-polyfill';
import { dispatchOneShot, pageCommands, type Handlers, type PageInfo } from '../protocol';
import { isPdf } from './page/visible-text';
import { extractHandlers } from './extract/extract-handlers';
import { fillPageHandlers } from './fill/fill-handlers';
import { translatePageHandlers, listenForTranslation } from './translate/translate-channel';

/**
 * Runs in every http(s) page, in Chrome's isolated world. It answers only the service worker (never
 * `window.postMessage`: the page can post anything), sends nothing on its own, and never turns model output
 * into HTML. It uses webextension-polyfill because it is the part of Pagewise that runs unchanged in other
 * browsers, and the polyfill's promise-returning listeners replace Chrome's `sendResponse` + `return true` dance.
 */
const startedAt = Date.now();

function pageInfo(): PageInfo {
  return {
    url: location.href.slice(0, 8192),
    title: document.title.slice(0, 2048),
    lang: (document.documentElement.lang || '').slice(0, 64),
    pdf: isPdf(document),
  };
}

const handlers: Handlers<typeof pageCommands, undefined> = {
  'page.ping': async () => ({ page: pageInfo(), startedAt }),
  ...extractHandlers,
  ...translatePageHandlers,
  ...fillPageHandlers,
};

listenForTranslation();

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Only the service worker talks to content scripts: same extension, and not from any tab.
  if (sender.id !== browser.runtime.id || sender.tab) return undefined;
  return dispatchOneShot(pageCommands, handlers, message, undefined);
});
