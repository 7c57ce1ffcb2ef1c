import { jobFraction, type EngineState } from '../../protocol';
import type { EngineConnection } from './engine-connection';
import { WeightDb } from '../../store/weight-db';
import { formatPercent, formatTimeLeft } from './format';
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
  // With no usable model, what to say depends on the store: nothing yet, or a download paused part way.
  let stored: StoredModels | undefined;
  const show = (state: EngineState): void => render(container, state, { label, progress, detail }, stored);
  connection.onState((state) => {
    show(state);
    if (state.phase !== 'stopped' && state.phase !== 'no-model') return;
    void storedModels().then((found) => {
      stored = found;
      show(connection.currentState);
    });
  });
}

interface StoredModels {
  verified: boolean;
  /** A model partly downloaded (paused, or stopped by a closed browser), by name. */
  partial: string | undefined;
}

async function storedModels(): Promise<StoredModels> {
  try {
    const records = await new WeightDb().listModels();
    return { verified: records.some((record) => record.state === 'verified'), partial: records.find((record) => record.state !== 'verified')?.entry.label };
  } catch {
    return { verified: true, partial: undefined };
  }
}

function render(
  container: HTMLElement,
  state: EngineState,
  parts: { label: HTMLElement; progress: HTMLProgressElement; detail: HTMLElement },
  stored: StoredModels | undefined,
): void {
  container.dataset['phase'] = state.phase;
  const idle = state.phase === 'stopped' || state.phase === 'no-model';
  const without = idle && stored?.verified === false;
  // Nothing loaded, but a model is stored (after an unload, or before the first question): it loads when asked.
  const phase = idle && stored?.verified ? 'stopped' : without ? 'no-model' : state.phase;
  parts.label.textContent = t(`enginePhase_${phase.replace('-', '_')}`);
  const next = stored?.partial ? t('enginePartlyDownloaded', [stored.partial]) : t('engineNoModelNext');
  parts.detail.textContent = without && !state.error ? next : (state.error?.message ?? state.notice ?? detailOf(state));
  parts.progress.hidden = state.progress === undefined;
  if (state.progress !== undefined) parts.progress.value = state.progress;
}

/** The model by name, and a download's progress while one runs (whichever page started it). */
function detailOf(state: EngineState): string {
  const job = state.downloads?.[0];
  const name = state.modelLabel ?? state.modelId ?? '';
  if (!job) return name;
  const done = formatPercent(jobFraction(job));
  const left = formatTimeLeft(job.etaSeconds);
  // While it is the only thing happening, the phase already says "Downloading": the detail names what and how far.
  return state.phase === 'downloading' ? t('engineDownloadShort', [job.label, done, left]) : `${name ? `${name} · ` : ''}${t('engineDownloadFigures', [job.label, done, left])}`;
}
