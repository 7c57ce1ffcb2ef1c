/**
 * Why a tab has no content script to answer, in words with a way forward where there is one. A file on this
 * computer is reachable once the user allows it (Chrome keeps file access off for extensions by default); the
 * tab's URL is known when the user opened Pagewise on it (activeTab), else the message names every case.
 */
export async function whyUnreachable(tab: chrome.tabs.Tab): Promise<string> {
  const url = tab.url ?? tab.pendingUrl ?? '';
  if (url.startsWith('file:') && !(await chrome.extension.isAllowedFileSchemeAccess())) return chrome.i18n.getMessage('tabFileAccess');
  if (url.startsWith('file:')) return chrome.i18n.getMessage('tabFileReload');
  if (tab.status === 'loading') return chrome.i18n.getMessage('tabStillLoading');
  return chrome.i18n.getMessage(url ? 'tabOffLimits' : 'tabUnreachable');
}
