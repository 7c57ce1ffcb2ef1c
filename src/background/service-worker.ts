import { classifySender, PORT_NAMES, PagewiseError } from '../protocol';
import { diagnosticsHandlers } from './handlers/diagnostics-handlers';
import { fillTabHandlers } from './handlers/fill-tab-handlers';
import { tabHandlers } from './handlers/tab-handlers';
import { translateTabHandlers } from './handlers/translate-tab-handlers';
import { HostDocument } from './host-document';
import { Refusals } from './refusals';
import { registerSidePanelEntryPoints } from './side-panel-entry-points';
import { applyTranslateRules } from './translate-rules';
import { registerTranslateSelection } from './translate-selection';
import { TranslateSessions } from './translate-sessions';
import { relayUiPort, type WorkerHandlers } from './ui-relay';

/**
 * The service worker only routes: UI pages <-> engine host (ports relayed to the offscreen document), the
 * worker's own answers about tabs, plus menus and shortcuts. Listeners are registered synchronously at start,
 * as MV3 requires for events that wake the worker.
 */
const host = new HostDocument();
const refusals = new Refusals();
const translations = new TranslateSessions(host, refusals);
const handlers: WorkerHandlers = { ...tabHandlers, ...translateTabHandlers(translations), ...fillTabHandlers, ...diagnosticsHandlers(refusals) };

// Nothing may message the worker: content scripts are asked (worker -> tab), never heard, and UI pages use ports.
chrome.runtime.onMessage.addListener((_message: unknown, sender, sendResponse) => {
  refusals.record(`one-shot message from a ${classifySender(sender, chrome.runtime.id)} sender`, sender.url);
  sendResponse({ ok: false, error: new PagewiseError('untrusted-sender', 'Pagewise takes no messages from here.').toWire() });
  return false;
});

chrome.runtime.onConnect.addListener((port) => {
  const kind = classifySender(port.sender ?? {}, chrome.runtime.id);
  if (port.name === PORT_NAMES.engineHost && kind === 'offscreen-host') {
    host.attach(port);
    return;
  }
  if (port.name === PORT_NAMES.ui && kind === 'extension-page') {
    relayUiPort(port, host, handlers);
    return;
  }
  refusals.record(`port "${port.name}" from a ${kind} sender`, port.sender?.url);
  port.disconnect();
});

// Content scripts may use chrome.storage.local unless told otherwise, and the settings there decide where models
// download from: only the extension's own pages and this worker may read or write them. The level is kept by the
// browser; setting it at every start also covers an update from a version that did not.
void chrome.storage.local.setAccessLevel({ accessLevel: chrome.storage.AccessLevel.TRUSTED_CONTEXTS }).catch((error: unknown) => {
  refusals.record(`could not restrict the settings to Pagewise's own pages (${error instanceof Error ? error.message : String(error)})`, undefined);
});

applyTranslateRules(translations);
registerTranslateSelection(host);

void chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: false });
registerSidePanelEntryPoints();
