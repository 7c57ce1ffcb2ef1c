import { PagewiseError, TRANSLATE_LANGUAGES, type CommandResult, type PortClient, type TranslateMode, type TranslateStatus } from '../../protocol';
import { errorMessage } from '../shared/format';
import { messageLocale, t } from '../shared/i18n';
import { readSetting, saveSetting } from '../shared/stored-setting';
import { mountTranslateRules } from './translate-rules-controls';

type TabStatus = CommandResult<'translate.describe'>;

/**
 * The popup's translation controls: the page's language (and a way to correct it), the target (the last one
 * chosen, else the browser's language), the display, "the whole page now", and "show original". The status line
 * follows the tab's translation while the popup is open and says, in the reader's language, what to do when it
 * cannot go on.
 */
export function mountTranslateControls(root: HTMLElement, engine: () => PortClient): void {
  const to = root.querySelector<HTMLSelectElement>('#translate-to')!;
  const from = root.querySelector<HTMLSelectElement>('#translate-from')!;
  const mode = root.querySelector<HTMLSelectElement>('#translate-mode')!;
  const whole = root.querySelector<HTMLInputElement>('#translate-whole')!;
  const start = root.querySelector<HTMLButtonElement>('#translate-start')!;
  const restore = root.querySelector<HTMLButtonElement>('#translate-restore')!;
  const pageLanguage = root.querySelector<HTMLElement>('#translate-page-language')!;
  const statusLine = root.querySelector<HTMLElement>('#translate-status')!;
  const getModel = root.querySelector<HTMLButtonElement>('#translate-get-model')!;
  getModel.addEventListener('click', () => void chrome.runtime.openOptionsPage());
  const locale = messageLocale();
  const names = new Intl.DisplayNames([locale], { type: 'language' });
  const count = new Intl.NumberFormat(locale);
  const nameOf = (tag: string): string => {
    try {
      return names.of(tag) ?? tag;
    } catch {
      return tag;
    }
  };
  const base = (tag: string) => tag.split('-')[0]!.toLowerCase();
  const languages = [...TRANSLATE_LANGUAGES].sort((a, b) => nameOf(a).localeCompare(nameOf(b), locale));
  for (const code of languages) {
    to.append(new Option(nameOf(code), code));
    from.append(new Option(nameOf(code), code));
  }
  const browserLanguage = base(chrome.i18n.getUILanguage());
  to.value = (TRANSLATE_LANGUAGES as readonly string[]).includes(browserLanguage) ? browserLanguage : 'en';
  void readSetting('translateChoice').then((choice) => {
    if (!choice) return;
    if ((TRANSLATE_LANGUAGES as readonly string[]).includes(choice.to)) to.value = choice.to;
    mode.value = choice.mode;
  });
  const rules = mountTranslateRules(root, nameOf, () => ({ to: to.value, mode: mode.value as TranslateMode }));

  let current: TabStatus | undefined;
  const say = (text: string): void => {
    // A live region repeats whatever is written into it: write only what changed.
    if (statusLine.textContent !== text) statusLine.textContent = text;
  };
  const statusText = (status: TranslateStatus): string => {
    if (!status.active) return t('translateRestored');
    const progress = t('translateProgress', [count.format(status.done), count.format(status.found)]);
    if (status.stoppedBy === 'no-model') return `${progress} ${t('translateNeedsModel')}`;
    if (status.stoppedBy === 'model-downloading') return `${progress} ${t('translateModelDownloading')}`;
    // The machinery's failures (the engine stopped, the line to it dropped) in the reader's language; a model's or a
    // page's reason as the page reported it.
    if (status.stoppedBy) return `${progress} ${t('translateStopped', errorMessage(new PagewiseError(status.stoppedBy, status.lastError ?? '')))}`;
    if (status.failed > 0) return `${progress} ${t('translateFailedCount', count.format(status.failed))}`;
    return progress;
  };
  const show = (tab: TabStatus): void => {
    if (current?.tabId !== tab.tabId || current.host !== tab.host) rules.show(tab);
    current = tab;
    start.disabled = tab.pdf;
    const already = tab.pageLanguage && base(tab.pageLanguage) === base(to.value);
    pageLanguage.textContent = tab.pdf
      ? t('translatePdf')
      : tab.pageLanguage
        ? already
          ? t('translateAlreadyIn', nameOf(tab.pageLanguage))
          : t('translatePageLanguage', nameOf(tab.pageLanguage))
        : t('translatePageLanguageUnknown');
    root.querySelector('#translate-from-auto')!.textContent = tab.pageLanguage ? t('translateFromDetected', nameOf(tab.pageLanguage)) : t('translateFromUnknown');
    const status = tab.status;
    const wasShown = !restore.hidden;
    restore.hidden = !status?.active;
    // "Show original" went away under the keyboard: the focus goes to the button that starts again.
    if (wasShown && restore.hidden && document.activeElement === document.body) start.focus();
    getModel.hidden = status?.stoppedBy !== 'no-model' && status?.stoppedBy !== 'model-downloading';
    if (status) {
      if (status.active) mode.value = status.mode;
      say(statusText(status));
    }
  };
  const failed = (error: unknown): void => {
    // No page to work on (a browser page, the web store, a tab still loading): nothing to start.
    start.disabled = true;
    say(error instanceof Error ? error.message : String(error));
  };
  const refresh = (): Promise<void> =>
    engine()
      .call('translate.describe', {})
      .then((tab) => {
        start.disabled = false;
        show(tab);
      }, failed);

  to.addEventListener('change', () => current && show(current));
  start.addEventListener('click', () => {
    void saveSetting('translateChoice', { to: to.value, mode: mode.value });
    void engine()
      .call('translate.start', { to: to.value, mode: mode.value as TranslateMode, wholePage: whole.checked, ...(from.value ? { from: from.value } : {}) })
      .then(show, failed);
  });
  mode.addEventListener('change', () => {
    void saveSetting('translateChoice', { to: to.value, mode: mode.value });
    if (restore.hidden) return;
    void engine().call('translate.set-mode', { mode: mode.value as TranslateMode }).then(show, failed);
  });
  restore.addEventListener('click', () => void engine().call('translate.restore', {}).then(show, failed));
  void refresh();
  setInterval(() => void refresh(), 1000);
}
