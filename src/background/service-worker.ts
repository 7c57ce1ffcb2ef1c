import { classifySender, PORT_NAMES, PagewiseError } from '../protocol';
import { contentHandlers, routeContentMessage } from './content-router';
import { recordRejection, rejectedMessages } from './diagnostics';
import { OffscreenHost } from './offscreen-host';
import { registerSidePanelEntryPoints } from './side-panel-entry-points';
import { forgetTab } from './tab-registry';
import { relayUiPort } from './ui-relay';

/**
 * The service worker only routes: content scripts <-> worker (one-shot messages), UI pages <-> engine
 * (ports relayed to the offscreen host), plus menus and shortcuts. Listeners are registered synchronously
 * at start, as MV3 requires for events that wake the worker.
 */
const host = new OffscreenHost();
const handlers = contentHandlers(host);

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  const kind = classifySender(sender, chrome.runtime.id);
  if (kind !== 'content-script') {
    recordRejection(`one-shot message from a ${kind} sender`, sender.url);
    sendResponse({ ok: false, error: new PagewiseError('untrusted-sender', 'Sender may not send this.').toWire() });
    return false;
  }
  void routeContentMessage(message, sender.tab?.id, handlers).then((reply) => {
    if (!reply.ok) recordRejection(`${reply.error.code}: ${reply.error.message}`, sender.url);
    sendResponse(reply);
  });
  return true;
});

chrome.runtime.onConnect.addListener((port) => {
  const kind = classifySender(port.sender ?? {}, chrome.runtime.id);
  if (port.name === PORT_NAMES.engineHost && kind === 'offscreen-host') {
    host.attach(port);
    return;
  }
  if (port.name === PORT_NAMES.ui && kind === 'extension-page') {
    relayUiPort(port, host);
    return;
  }
  recordRejection(`port "${port.name}" from a ${kind} sender`, port.sender?.url);
  port.disconnect();
});

chrome.tabs.onRemoved.addListener((tabId) => void forgetTab(tabId));
void chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: false });
registerSidePanelEntryPoints();

/** For the options page's diagnostics and for tests driving the worker through DevTools. */
Object.assign(globalThis, { pagewise: { host, rejectedMessages } });
