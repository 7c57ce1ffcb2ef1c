import type { EngineState } from '../../protocol';
import { t } from './i18n';

/** Renders the engine state into a badge element: a phase label, a progress bar when there is progress. */
export function renderEngineState(container: HTMLElement, state: EngineState): void {
  container.dataset['phase'] = state.phase;
  const label = container.querySelector<HTMLElement>('[data-role="phase"]');
  const detail = container.querySelector<HTMLElement>('[data-role="detail"]');
  const progress = container.querySelector<HTMLProgressElement>('progress');
  if (label) label.textContent = t(`enginePhase_${state.phase.replace('-', '_')}`);
  if (detail) detail.textContent = state.error?.message ?? state.modelId ?? '';
  if (progress) {
    progress.hidden = state.progress === undefined;
    if (state.progress !== undefined) progress.value = state.progress;
  }
}
