import { normalizeBaseUrl } from '../../store/model-ids';
import { t } from '../shared/i18n';

/**
 * The hub or mirror address models download from (the `hubBaseUrl` setting the model manager passes to the
 * store). Checked here as the store checks it (https, or http to this computer only), so a bad address is
 * refused when typed rather than at the next download; empty means huggingface.co.
 */
export const HUB_SETTING = 'hubBaseUrl';

export function mountHubSetting(input: HTMLInputElement, status: HTMLElement): void {
  const show = (value: string | undefined) => {
    status.dataset['state'] = 'saved';
    status.textContent = value ? t('hubUrlSaved', [value]) : t('hubUrlDefault');
  };
  void chrome.storage.local.get(HUB_SETTING).then((stored) => {
    const value = typeof stored[HUB_SETTING] === 'string' ? (stored[HUB_SETTING] as string) : '';
    input.value = value;
    show(value || undefined);
  });
  input.addEventListener('change', () => {
    const typed = input.value.trim();
    if (!typed) {
      void chrome.storage.local.remove(HUB_SETTING).then(() => show(undefined));
      return;
    }
    let normalized: string;
    try {
      normalized = normalizeBaseUrl(typed);
    } catch {
      status.dataset['state'] = 'invalid';
      status.textContent = t('hubUrlInvalid');
      return;
    }
    input.value = normalized;
    void chrome.storage.local.set({ [HUB_SETTING]: normalized }).then(() => show(normalized));
  });
}
