import type { EngineState } from '../../protocol';
import type { EngineConnection } from './engine-connection';
import { WeightDb } from '../../store/weight-db';
import { formatApproxDuration, formatPercent } from './format';
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
  // A stopped engine means different things to someone with a model and someone without one: ask the store.
  let hasModel: boolean | undefined;
  const show = (state: EngineState): void => render(container, state, { label, progress, detail }, hasModel);
  connection.onState((state) => {
    show(state);
    if (state.phase !== 'stopped') return;
    void hasVerifiedModel().then((has) => {
      hasModel = has;
      show(connection.currentState);
    });
  });
}

async function hasVerifiedModel(): Promise<boolean> {
  try {
    return (await new WeightDb().listModels()).some((record) => record.state === 'verified');
  } catch {
    return true;
  }
}

function render(
  container: HTMLElement,
  state: EngineState,
  parts: { label: HTMLElement; progress: HTMLProgressElement; detail: HTMLElement },
  hasModel: boolean | undefined,
): void {
  container.dataset['phase'] = state.phase;
  const stoppedWithout = state.phase === 'stopped' && hasModel === false;
  parts.label.textContent = stoppedWithout ? t('enginePhase_no_model') : t(`enginePhase_${state.phase.replace('-', '_')}`);
  parts.detail.textContent = stoppedWithout ? t('engineNoModelNext') : (state.error?.message ?? state.notice ?? detailOf(state));
  parts.progress.hidden = state.progress === undefined;
  if (state.progress !== undefined) parts.progress.value = state.progress;
}

/** The model by name, and a download's progress while one runs (whichever page started it). */
function detailOf(state: EngineState): string {
  const job = state.downloads?.[0];
  const name = state.modelLabel ?? state.modelId ?? '';
  if (!job) return name;
  const done = formatPercent(job.totalBytes > 0 ? job.bytes / job.totalBytes : 0);
  const left = job.etaSeconds === undefined ? t('models_etaUnknown') : t('timeLeftAbout', [formatApproxDuration(job.etaSeconds * 1000)]);
  // While it is the only thing happening, the phase already says "Downloading": the detail names what and how far.
  return state.phase === 'downloading' ? t('engineDownloadShort', [job.label, done, left]) : `${name ? `${name} · ` : ''}${t('engineDownloadFigures', [job.label, done, left])}`;
}
