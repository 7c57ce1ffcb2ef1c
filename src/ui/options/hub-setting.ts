import type { SettingKey } from '../../protocol';
import { normalizeBaseUrl } from '../../store/model-ids';
import { t } from '../shared/i18n';
import { readSetting, saveSetting } from '../shared/stored-setting';

/**
 * The hub or mirror address models download from. What the user types is checked as the store checks it
 * (https, or http to this computer only), so a bad address is refused when typed rather than at the next
 * download; empty means huggingface.co.
 */
const HUB_BASE_URL = 'hubBaseUrl' satisfies SettingKey;

export async function hubBaseUrl(): Promise<string | undefined> {
  return (await readSetting(HUB_BASE_URL)) || undefined;
}

export function mountHubSetting(input: HTMLInputElement, status: HTMLElement): void {
  const show = (value: string | undefined): void => {
    status.dataset['state'] = 'saved';
    status.textContent = value ? t('hubUrlSaved', [value]) : t('hubUrlDefault');
  };
  const refuse = (): void => {
    status.dataset['state'] = 'invalid';
    status.textContent = t('hubUrlInvalid');
  };
  void hubBaseUrl().then((value) => {
    input.value = value ?? '';
    show(value);
  });
  input.addEventListener('change', () => {
    const typed = input.value.trim();
    if (!typed) {
      void chrome.storage.local.remove(HUB_BASE_URL).then(() => show(undefined));
      return;
    }
    let normalized: string;
    try {
      normalized = normalizeBaseUrl(typed);
    } catch {
      refuse();
      return;
    }
    input.value = normalized;
    void saveSetting(HUB_BASE_URL, normalized).then((saved) => (saved ? show(normalized) : refuse()));
  });
}
