import { PENDING_SUMMARY_KEY, type PendingSummary } from '../protocol';

/**
 * Ways into the side panel besides the toolbar: context-menu items and keyboard shortcuts. All are user
 * gestures, which `sidePanel.open` requires, so it is called first and synchronously; a summary request
 * follows through session storage for the panel to take (see PENDING_SUMMARY_KEY in protocol/settings.ts).
 */
export const OPEN_PANEL_MENU_ID = 'pagewise-open-panel';
export const OPEN_PANEL_COMMAND = 'open-side-panel';
export const SUMMARIZE_PAGE_MENU_ID = 'pagewise-summarize-page';
export const SUMMARIZE_SELECTION_MENU_ID = 'pagewise-summarize-selection';
export const SUMMARIZE_PAGE_COMMAND = 'summarize-page';

function openPanel(windowId: number, summary?: PendingSummary['scope']): void {
  void chrome.sidePanel.open({ windowId });
  if (summary) {
    const request: PendingSummary = { scope: summary, windowId, at: Date.now() };
    void chrome.storage.session.set({ [PENDING_SUMMARY_KEY]: request });
  }
}

export function registerSidePanelEntryPoints(): void {
  chrome.runtime.onInstalled.addListener(() => {
    chrome.contextMenus.create({ id: SUMMARIZE_PAGE_MENU_ID, title: chrome.i18n.getMessage('menuSummarizePage'), contexts: ['page'] });
    chrome.contextMenus.create({ id: SUMMARIZE_SELECTION_MENU_ID, title: chrome.i18n.getMessage('menuSummarizeSelection'), contexts: ['selection'] });
    chrome.contextMenus.create({ id: OPEN_PANEL_MENU_ID, title: chrome.i18n.getMessage('menuOpenPanel'), contexts: ['page', 'selection'] });
  });

  chrome.contextMenus.onClicked.addListener((info, tab) => {
    if (tab?.windowId === undefined) return;
    if (info.menuItemId === OPEN_PANEL_MENU_ID) openPanel(tab.windowId);
    if (info.menuItemId === SUMMARIZE_PAGE_MENU_ID) openPanel(tab.windowId, 'page');
    if (info.menuItemId === SUMMARIZE_SELECTION_MENU_ID) openPanel(tab.windowId, 'selection');
  });

  chrome.commands.onCommand.addListener((command, tab) => {
    if (tab?.windowId === undefined) return;
    if (command === OPEN_PANEL_COMMAND) openPanel(tab.windowId);
    if (command === SUMMARIZE_PAGE_COMMAND) openPanel(tab.windowId, 'page');
  });
}
