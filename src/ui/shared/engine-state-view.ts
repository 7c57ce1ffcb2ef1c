import type { EngineState } from '../../protocol';
import type { EngineConnection } from './engine-connection';
import { formatEta, formatPercent } from './format';
import { t } from './i18n';

/**
 * The engine state badge every UI page shows: a phase label, a progress bar when there is progress, and a
 * detail line (the model, or what went wrong). Pages provide an empty `.engine-state` element.
 */
export function mountEngineState(container: HTMLElement, connection: EngineConnection): void {
  const label = document.createElement('span');
  const progress = document.createElement('progress');
  const detail = document.createElement('span');
  label.dataset['role'] = 'phase';
  // The bar is named by the phase beside it ("Downloading the model", "Loading the model").
  label.id = 'engine-state-phase';
  progress.setAttribute('aria-labelledby', label.id);
  detail.dataset['role'] = 'detail';
  progress.max = 1;
  progress.hidden = true;
  container.replaceChildren(label, progress, detail);
  container.setAttribute('aria-live', 'polite');
  connection.onState((state) => render(container, state, { label, progress, detail }));
}

function render(
  container: HTMLElement,
  state: EngineState,
  parts: { label: HTMLElement; progress: HTMLProgressElement; detail: HTMLElement },
): void {
  container.dataset['phase'] = state.phase;
  parts.label.textContent = t(`enginePhase_${state.phase.replace('-', '_')}`);
  parts.detail.textContent = state.error?.message ?? state.notice ?? detailOf(state);
  parts.progress.hidden = state.progress === undefined;
  if (state.progress !== undefined) parts.progress.value = state.progress;
}

/** The model by name, and a download's progress while one runs (whichever page started it). */
function detailOf(state: EngineState): string {
  const job = state.downloads?.[0];
  const name = state.modelLabel ?? state.modelId ?? '';
  if (!job) return name;
  const figures = t('engineDownloadFigures', [job.label, formatPercent(job.totalBytes > 0 ? job.bytes / job.totalBytes : 0), formatEta(job.etaSeconds)]);
  return state.phase === 'downloading' || !name ? figures : `${name} · ${figures}`;
}
