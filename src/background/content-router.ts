import { contentCommands, dispatchOneShot, PagewiseError, type Handlers, type OneShotReply } from '../protocol';
import type { OffscreenHost } from './offscreen-host';
import { markTabReady } from './tab-registry';

export interface ContentContext {
  tabId: number;
}

/** Handlers for what content scripts may ask of the worker. Nothing here can start a download or a fill. */
export function contentHandlers(host: OffscreenHost): Handlers<typeof contentCommands, ContentContext> {
  return {
    'content.hello': async (page, { tabId }) => {
      await markTabReady(tabId, page);
      return { tabId, engine: host.currentState };
    },
  };
}

export function routeContentMessage(
  message: unknown,
  tabId: number | undefined,
  handlers: Handlers<typeof contentCommands, ContentContext>,
): Promise<OneShotReply> {
  if (tabId === undefined) {
    return Promise.resolve({ ok: false, error: new PagewiseError('untrusted-sender', 'No tab.').toWire() });
  }
  return dispatchOneShot(contentCommands, handlers, message, { tabId });
}
