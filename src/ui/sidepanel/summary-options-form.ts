import * as v from 'valibot';
import { SETTINGS, SUMMARY_LANGUAGES, type SummaryLanguage, type SummaryOptions } from '../../protocol';
import { readSetting, saveSetting } from '../shared/stored-setting';
import { messageLocale } from '../shared/i18n';

type FormOptions = Omit<SummaryOptions, 'scope'>;

/** The browser's UI language when the model writes it, else English. */
export function defaultLanguage(uiLanguage: string): SummaryLanguage {
  const base = uiLanguage.toLowerCase().split(/[-_]/)[0] as SummaryLanguage;
  return SUMMARY_LANGUAGES.includes(base) ? base : 'en';
}

/**
 * The summary options form: type, length, output language (named in the UI's own language), format.
 * Choices persist in chrome.storage.local so the next summary uses them.
 */
export class SummaryOptionsForm {
  constructor(private readonly form: HTMLFormElement) {
    const names = new Intl.DisplayNames([messageLocale()], { type: 'language' });
    const select = this.select('language');
    for (const code of SUMMARY_LANGUAGES) {
      const option = document.createElement('option');
      option.value = code;
      option.textContent = names.of(code) ?? code;
      select.append(option);
    }
    select.value = defaultLanguage(chrome.i18n.getUILanguage());
    form.addEventListener('change', () => void saveSetting('summaryOptions', this.values()));
  }

  async restore(): Promise<void> {
    const stored = await readSetting('summaryOptions');
    if (!stored) return;
    for (const [name, value] of Object.entries(stored)) this.select(name).value = value;
  }

  values(): FormOptions {
    return v.parse(SETTINGS.summaryOptions.schema, {
      type: this.select('type').value,
      length: this.select('length').value,
      language: this.select('language').value,
      format: this.select('format').value,
    });
  }

  private select(name: string): HTMLSelectElement {
    return this.form.elements.namedItem(name) as HTMLSelectElement;
  }
}
