import type { DownloadEvent } from '../../../protocol';
import { el } from '../../shared/dom';
import { formatBytes, formatEta, formatRate } from '../../shared/format';
import { t } from '../../shared/i18n';

/**
 * Live figures of a download or a conversion as it stores a model: a bar, bytes of the total with the rate and the
 * time left, the file being read, and the latest notice (a retry, a file discarded and read again).
 */
export function progressPanel(): { panel: HTMLElement; show(event: DownloadEvent): void } {
  const bar = el('progress', { max: 1, value: 0 });
  const figures = el('div', { className: 'figures', textContent: t('models_starting') });
  const file = el('div', { className: 'figures' });
  const notice = el('div', { className: 'figures' });
  const panel = el('div', { className: 'panel' }, bar, figures, file, notice);
  bar.setAttribute('aria-label', t('models_progressLabel'));
  panel.setAttribute('role', 'status');
  const show = (event: DownloadEvent): void => {
    if (event.type === 'progress') {
      const { overall } = event;
      bar.value = overall.totalBytes > 0 ? overall.bytes / overall.totalBytes : 0;
      figures.textContent = t('models_progress', [formatBytes(overall.bytes), formatBytes(overall.totalBytes), formatRate(overall.rateBps), formatEta(overall.etaSeconds)]);
      file.textContent = t('models_progressFile', [event.file.path, formatBytes(event.file.bytes), formatBytes(event.file.size)]);
    } else if (event.type === 'retrying') {
      notice.textContent = t('models_retrying', [event.path, String(Math.ceil(event.waitMs / 1000))]);
    } else {
      notice.textContent = t(event.reason === 'checksum' ? 'models_discardedChecksum' : 'models_discardedChanged', [event.path, formatBytes(event.bytes)]);
    }
  };
  return { panel, show };
}
