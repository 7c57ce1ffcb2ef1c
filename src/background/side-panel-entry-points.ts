/**
 * Ways into the side panel besides the toolbar: a context-menu item and a keyboard shortcut. Both are user
 * gestures, which `sidePanel.open` requires.
 */
export const OPEN_PANEL_MENU_ID = 'pagewise-open-panel';
export const OPEN_PANEL_COMMAND = 'open-side-panel';

export function registerSidePanelEntryPoints(): void {
  chrome.runtime.onInstalled.addListener(() => {
    chrome.contextMenus.create({
      id: OPEN_PANEL_MENU_ID,
      title: chrome.i18n.getMessage('menuOpenPanel'),
      contexts: ['page', 'selection'],
    });
  });

  chrome.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === OPEN_PANEL_MENU_ID && tab?.windowId !== undefined) {
      void chrome.sidePanel.open({ windowId: tab.windowId });
    }
  });

  chrome.commands.onCommand.addListener((command, tab) => {
    if (command === OPEN_PANEL_COMMAND && tab?.windowId !== undefined) {
      void chrome.sidePanel.open({ windowId: tab.windowId });
    }
  });
}
