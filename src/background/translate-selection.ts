import { PagewiseError, piecesText, sentenceGroups, TRANSLATE_LANGUAGES, TRANSLATE_LIMITS, type TranslateBatch } from '../protocol';
import { callTab } from './handlers/tab-handlers';
import type { HostDocument } from './host-document';
import { readSetting } from './settings';

export const TRANSLATE_SELECTION_MENU_ID = 'pagewise-translate-selection';

/**
 * "Translate the selection": the context menu's selected text goes to the engine and comes back in a bubble
 * beside the selection (a shadow root of ours), so the page itself is not touched. The text is the browser's
 * own copy of the selection (the menu's selectionText), never something the page sent.
 */
export function registerTranslateSelection(host: HostDocument): void {
  chrome.runtime.onInstalled.addListener(() => {
    // Only where the content script runs to show the answer (not the PDF viewer or the browser's own pages).
    chrome.contextMenus.create({ id: TRANSLATE_SELECTION_MENU_ID, title: chrome.i18n.getMessage('menuTranslateSelection'), contexts: ['selection'], documentUrlPatterns: ['http://*/*', 'https://*/*', 'file:///*'] });
  });
  chrome.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== TRANSLATE_SELECTION_MENU_ID || tab?.id === undefined || !info.selectionText) return;
    void translateSelection(host, { ...tab, id: tab.id }, info.selectionText, info.pageUrl);
  });
}

async function translateSelection(host: HostDocument, tab: chrome.tabs.Tab & { id: number }, selection: string, pageUrl: string | undefined): Promise<void> {
  const choice = await readSetting('translateChoice');
  const ui = chrome.i18n.getUILanguage().split(/[-_]/)[0]!;
  const to = choice?.to || ((TRANSLATE_LANGUAGES as readonly string[]).includes(ui) ? ui : 'en');
  const closeLabel = chrome.i18n.getMessage('translateBubbleClose');
  const show = async (state: 'working' | 'done' | 'error', text: string) => {
    // The tab may have gone on to another page while the model worked: the answer belongs to the page it came from.
    const { page } = await callTab(tab, 'page.ping', {});
    if (pageUrl && page.url !== pageUrl) return;
    await callTab(tab, 'page.show-translation', { state, text: text.slice(0, 20_000), language: to, closeLabel });
  };
  try {
    await show('working', chrome.i18n.getMessage('translateWorking'));
    const parts = sentenceGroups(selection.replace(/\s+/g, ' ').trim(), 1500).slice(0, TRANSLATE_LIMITS.batchUnits);
    const batch: TranslateBatch = {
      from: '',
      to,
      units: parts.map((text, id) => ({ id, pieces: [text] })),
      glossary: await readSetting('translateGlossary'),
      site: pageUrl && /^https?:/.test(pageUrl) ? new URL(pageUrl).hostname : '',
      private: tab.incognito,
    };
    const done = new Map<number, string>();
    const result = await host.call('translate.batch', batch, {
      onEvent: (event) => {
        if (event.type === 'unit') done.set(event.id, piecesText(event.pieces));
      },
    });
    // A part the model could not translate keeps its original text rather than leaving a hole.
    const text = parts.map((part, id) => done.get(id) ?? part).join(' ');
    const failed = result.failed.length > 0 ? `\n\n${chrome.i18n.getMessage('translateSelectionPartial')}` : '';
    await show('done', text + failed);
  } catch (error) {
    const message = error instanceof PagewiseError || error instanceof Error ? error.message : String(error);
    await show('error', message).catch(() => undefined);
  }
}
