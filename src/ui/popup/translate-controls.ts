import { PagewiseError, TRANSLATE_LANGUAGES, type CommandResult, type PortClient, type TranslateMode } from '../../protocol';
import { messageLocale, t } from '../shared/i18n';
import { readSetting, saveSetting } from '../shared/stored-setting';

type TabStatus = CommandResult<'translate.describe'>;

/**
 * The popup's translation controls: the page's language, the target (the browser's language by default), the
 * display, "the whole page now", and "show original". The status line follows the tab's translation while the
 * popup is open.
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
  const names = new Intl.DisplayNames([messageLocale()], { type: 'language' });
  const nameOf = (tag: string): string => {
    try {
      return names.of(tag) ?? tag;
    } catch {
      return tag;
    }
  };
  for (const code of TRANSLATE_LANGUAGES) {
    to.append(new Option(nameOf(code), code));
    from.append(new Option(nameOf(code), code));
  }
  const browserLanguage = chrome.i18n.getUILanguage().split(/[-_]/)[0]!.toLowerCase();
  to.value = (TRANSLATE_LANGUAGES as readonly string[]).includes(browserLanguage) ? browserLanguage : 'en';

  const rulesBox = root.querySelector<HTMLFieldSetElement>('#translate-rules')!;
  const ruleLanguage = root.querySelector<HTMLInputElement>('#rule-language')!;
  const ruleSiteAlways = root.querySelector<HTMLInputElement>('#rule-site-always')!;
  const ruleSiteNever = root.querySelector<HTMLInputElement>('#rule-site-never')!;
  let current: TabStatus | undefined;
  void readSetting('translateRules').then((rules) => {
    if ((TRANSLATE_LANGUAGES as readonly string[]).includes(rules.to)) to.value = rules.to;
    mode.value = rules.mode;
  });
  const showRules = async (tab: TabStatus): Promise<void> => {
    const rules = await readSetting('translateRules');
    rulesBox.hidden = !tab.host;
    const language = tab.pageLanguage.split('-')[0]!.toLowerCase();
    ruleLanguage.parentElement!.hidden = !language;
    root.querySelector('#rule-language-label')!.textContent = t('translateRuleLanguage', nameOf(language || 'und'));
    ruleLanguage.checked = rules.alwaysLanguages.includes(language);
    ruleSiteAlways.checked = rules.alwaysSites.includes(tab.host);
    ruleSiteNever.checked = rules.neverSites.includes(tab.host);
  };
  /** Saves one rule change; the target and display the rules apply are the ones chosen now. */
  const saveRule = async (list: 'alwaysLanguages' | 'alwaysSites' | 'neverSites', value: string, on: boolean): Promise<void> => {
    const rules = await readSetting('translateRules');
    const next = { ...rules, to: to.value, mode: mode.value as TranslateMode, [list]: [...rules[list].filter((v) => v !== value), ...(on ? [value] : [])] };
    // "Always" and "never" for the same site cannot both hold: the newer choice stands.
    if (list === 'alwaysSites' && on) next.neverSites = next.neverSites.filter((v) => v !== value);
    if (list === 'neverSites' && on) next.alwaysSites = next.alwaysSites.filter((v) => v !== value);
    await saveSetting('translateRules', next);
    if (current) await showRules(current);
  };
  ruleLanguage.addEventListener('change', () => void saveRule('alwaysLanguages', current?.pageLanguage.split('-')[0]!.toLowerCase() ?? '', ruleLanguage.checked));
  ruleSiteAlways.addEventListener('change', () => void saveRule('alwaysSites', current?.host ?? '', ruleSiteAlways.checked));
  ruleSiteNever.addEventListener('change', () => void saveRule('neverSites', current?.host ?? '', ruleSiteNever.checked));

  const show = (tab: TabStatus): void => {
    if (current?.tabId !== tab.tabId || current.host !== tab.host) void showRules(tab);
    current = tab;
    pageLanguage.textContent = tab.pageLanguage ? t('translatePageLanguage', nameOf(tab.pageLanguage)) : t('translatePageLanguageUnknown');
    root.querySelector('#translate-from-auto')!.textContent = tab.pageLanguage ? t('translateFromDetected', nameOf(tab.pageLanguage)) : t('translateFromUnknown');
    const status = tab.status;
    restore.hidden = !status?.active;
    if (!status) return;
    if (status.active) {
      mode.value = status.mode;
      const lines = [t('translateProgress', [String(status.done), String(status.found)])];
      if (status.failed > 0 || status.lastError) lines.push(t('translateFailed', [String(status.failed), status.lastError ?? '']));
      statusLine.textContent = lines.join(' ');
    } else {
      statusLine.textContent = t('translateRestored');
    }
  };
  const failed = (error: unknown): void => {
    statusLine.textContent = error instanceof PagewiseError || error instanceof Error ? error.message : String(error);
  };
  const refresh = (): Promise<void> => engine().call('translate.describe', {}).then(show, failed);

  start.addEventListener('click', () => {
    void readSetting('translateRules').then((rules) => saveSetting('translateRules', { ...rules, to: to.value, mode: mode.value }));
    void engine()
      .call('translate.start', { to: to.value, mode: mode.value as TranslateMode, wholePage: whole.checked, ...(from.value ? { from: from.value } : {}) })
      .then(show, failed);
  });
  mode.addEventListener('change', () => {
    if (restore.hidden) return;
    void engine().call('translate.set-mode', { mode: mode.value as TranslateMode }).then(show, failed);
  });
  restore.addEventListener('click', () => void engine().call('translate.restore', {}).then(show, failed));
  void refresh();
  setInterval(() => void refresh(), 1000);
}
