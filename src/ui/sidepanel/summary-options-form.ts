import * as v from 'valibot';
import { SUMMARY_LANGUAGES, SummaryOptionsSchema, type SummaryLanguage, type SummaryOptions } from '../../protocol';

type FormOptions = Omit<SummaryOptions, 'scope'>;
const STORAGE_KEY = 'summaryOptions';

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
    const names = new Intl.DisplayNames([chrome.i18n.getUILanguage()], { type: 'language' });
    const select = this.select('language');
    for (const code of SUMMARY_LANGUAGES) {
      const option = document.createElement('option');
      option.value = code;
      option.textContent = names.of(code) ?? code;
      select.append(option);
    }
    select.value = defaultLanguage(chrome.i18n.getUILanguage());
    form.addEventListener('change', () => void chrome.storage.local.set({ [STORAGE_KEY]: this.values() }));
  }

  async restore(): Promise<void> {
    const stored = (await chrome.storage.local.get(STORAGE_KEY))[STORAGE_KEY] as unknown;
    const parsed = v.safeParse(v.omit(SummaryOptionsSchema, ['scope']), stored);
    if (!parsed.success) return;
    for (const [name, value] of Object.entries(parsed.output)) this.select(name).value = value;
  }

  values(): FormOptions {
    return v.parse(v.omit(SummaryOptionsSchema, ['scope']), {
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
