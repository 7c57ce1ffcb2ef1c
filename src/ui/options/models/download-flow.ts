import { PagewiseError, type DownloadEvent, type DownloadJob, type DownloadResult, type ModelSummary } from '../../../protocol';
import { button, el } from '../../shared/dom';
import type { EngineConnection } from '../../shared/engine-connection';
import { errorMessage, formatBytes, isCancelled } from '../../shared/format';
import { t } from '../../shared/i18n';
import { hubBaseUrl } from '../hub-setting';
import { progressPanel } from './progress-panel';
import type { RowPanels } from './row-panels';

/** What the download flow needs from the model list it belongs to. */
export interface ModelShelf {
  readonly models: readonly ModelSummary[];
  refresh(): Promise<void>;
  deleteModel(modelId: string): Promise<number>;
}

interface OtherModel {
  id: string;
  label: string;
  bytes: number;
}

/** Out of space, in figures; `kept` when verified files of the model stay stored (a download resumes from them). */
export function quotaText(neededBytes: number, availableBytes: number, quotaBytes: number, kept = false): string {
  return t(kept ? 'models_quotaKept' : 'models_quota', [formatBytes(neededBytes), formatBytes(availableBytes), formatBytes(quotaBytes)]);
}

/**
 * Downloading a model from the hub: the user first sees what it costs against the free space and says yes;
 * then live progress (bytes, rate, time left, current file) with pause and cancel; and when space runs out, the
 * figures and an offer to delete other models to make room. Downloads run in the engine host and go on when
 * this page closes; a download this page did not start (before it opened, or in another tab) shows with the
 * figures the engine state carries, and the same controls.
 */
export class DownloadFlow {
  /** Downloads this page started and watches through its own call (their events are the richest figures). */
  private readonly own = new Set<string>();
  /** Downloads this page shows from the engine state, with the panel that shows them. */
  private readonly watched = new Map<string, (event: DownloadEvent) => void>();
  /** Downloads stopped by Cancel, whose ending is reported by cancel() rather than as a pause. */
  private readonly cancelled = new Set<string>();

  constructor(
    private readonly connection: EngineConnection,
    private readonly panels: RowPanels,
    private readonly shelf: ModelShelf,
  ) {}

  isRunning(modelId: string): boolean {
    return this.own.has(modelId) || this.watched.has(modelId);
  }

  /** Pause and cancel, for the row of a model being downloaded. */
  controls(model: ModelSummary): HTMLButtonElement[] {
    return [button(t('models_pause'), () => void this.pause(model), 'pause'), button(t('models_cancel'), () => void this.cancel(model), 'cancel', true)];
  }

  /** The host's running downloads, from the engine state: those this page did not start get a panel here. */
  showRunning(jobs: readonly DownloadJob[]): void {
    for (const job of jobs) {
      if (this.own.has(job.modelId)) continue;
      let show = this.watched.get(job.modelId);
      if (!show) {
        const created = progressPanel();
        show = created.show;
        this.watched.set(job.modelId, show);
        this.panels.show(job.modelId, created.panel);
      }
      const { bytes, totalBytes, rateBps, etaSeconds, file } = job;
      show({ type: 'progress', overall: { bytes, totalBytes, rateBps, ...(etaSeconds !== undefined ? { etaSeconds } : {}) }, file: file ?? { path: '', bytes: 0, size: 0 } });
    }
    for (const modelId of [...this.watched.keys()]) {
      if (jobs.some((job) => job.modelId === modelId)) continue;
      this.watched.delete(modelId);
      if (this.cancelled.has(modelId)) continue;
      this.panels.clear(modelId);
      void this.announceIfVerified(modelId);
    }
  }

  /** A download this page only watched has ended: when it ended verified, say so, as for a download it started. */
  private async announceIfVerified(modelId: string): Promise<void> {
    await this.shelf.refresh();
    const model = this.shelf.models.find((m) => m.id === modelId);
    if (model?.state === 'verified' && !this.isRunning(modelId)) this.panels.message(modelId, 'info', t('models_verifiedNow', [formatBytes(model.storedBytes)]));
  }

  async askConsent(model: ModelSummary): Promise<void> {
    this.panels.message(model.id, 'info', t('models_planning'));
    try {
      const hub = await hubBaseUrl();
      const plan = await this.connection.engine.call('store.plan-download', { modelId: model.id, ...(hub ? { hubBaseUrl: hub } : {}) });
      if (!plan.fits) {
        this.offerSpace(model, plan.remainingBytes, plan.availableBytes, plan.quotaBytes);
        return;
      }
      const where = t('models_consentSource', [model.repo ?? model.label, (plan.commit ?? '').slice(0, 10), new URL(plan.hubBaseUrl).host]);
      const text =
        model.format === 'safetensors'
          ? t('models_consentConvert', [model.label, formatBytes(plan.totalBytes), t(`models_graph_${plan.backend}`, [plan.dtype]), formatBytes(plan.occupiesBytes), formatBytes(plan.availableBytes)])
          : t('models_consent', [model.label, formatBytes(plan.remainingBytes), formatBytes(plan.totalBytes), formatBytes(plan.availableBytes)]);
      const confirm = button(t('models_consentYes', [formatBytes(plan.totalBytes)]), () => void this.download(model, { approvedBytes: plan.totalBytes, approvedStoredBytes: plan.occupiesBytes }, hub), 'consent');
      const decline = button(t('models_consentNo'), () => this.panels.clear(model.id), 'decline', true);
      this.panels.message(model.id, 'info', `${text} ${where}`, el('div', { className: 'actions' }, confirm, decline));
    } catch (error) {
      this.panels.message(model.id, 'error', t('models_planFailed', [errorMessage(error)]));
    }
  }

  private async download(model: ModelSummary, consent: { approvedBytes: number; approvedStoredBytes: number }, hub: string | undefined): Promise<void> {
    const { panel, show: onEvent } = progressPanel();
    this.own.add(model.id);
    this.cancelled.delete(model.id);
    this.panels.show(model.id, panel);
    try {
      const result = await this.connection.engine.call('store.download', { modelId: model.id, consent, ...(hub ? { hubBaseUrl: hub } : {}) }, { onEvent });
      this.own.delete(model.id);
      await this.finished(model, result);
    } catch (error) {
      this.own.delete(model.id);
      if (this.cancelled.has(model.id)) return;
      // The line to the worker dropped (it restarted), not the download: the engine goes on with it, and its state,
      // once this page is connected again, shows it running here as a download this page watches.
      if (error instanceof PagewiseError && error.code === 'connection-lost') return;
      await this.shelf.refresh();
      if (isCancelled(error)) this.panels.message(model.id, 'info', this.pausedText(model.id));
      else this.panels.message(model.id, 'error', t('models_downloadFailed', [errorMessage(error)]));
    }
  }

  private async pause(model: ModelSummary): Promise<void> {
    try {
      await this.connection.engine.call('store.pause-download', { modelId: model.id });
      // A download this page started says so when its call ends; one it only watched says so here.
      await this.shelf.refresh();
      if (!this.own.has(model.id)) this.panels.message(model.id, 'info', this.pausedText(model.id));
    } catch (error) {
      this.panels.message(model.id, 'error', errorMessage(error));
    }
  }

  /** What the list (as last refreshed) says a model occupies here. */
  private storedBytes(modelId: string): number | undefined {
    return this.shelf.models.find((m) => m.id === modelId)?.storedBytes;
  }

  /** What a pause keeps: a conversion stores its output in chunks, and one paused before its first chunk keeps nothing. */
  private pausedText(modelId: string): string {
    return (this.storedBytes(modelId) ?? 0) > 0 ? t('models_paused') : t('models_pausedNothingKept');
  }

  private async finished(model: ModelSummary, result: DownloadResult): Promise<void> {
    await this.shelf.refresh();
    if (result.status !== 'verified') return this.offerSpace(model, result.neededBytes, result.availableBytes, result.quotaBytes, result.otherModels);
    // A converted model occupies what it was converted to, not what was downloaded: the row shows that size too.
    const downloaded = formatBytes(result.totalBytes);
    this.panels.message(model.id, 'info', model.format === 'safetensors' ? t('models_convertedNow', [formatBytes(this.storedBytes(model.id) ?? result.totalBytes), downloaded]) : t('models_verifiedNow', [downloaded]));
  }

  /** Out of space: the figures, and the other stored models the user could delete to make room. */
  private offerSpace(model: ModelSummary, needed: number, available: number, quota: number, others?: OtherModel[]): void {
    const stored = others ?? this.shelf.models.filter((m) => m.id !== model.id).map((m) => ({ id: m.id, label: m.label, bytes: m.storedBytes }));
    const offers = stored
      .filter((other) => other.bytes > 0)
      .map((other) => button(t('models_deleteOther', [other.label, formatBytes(other.bytes)]), () => void this.deleteOther(model, other.id), 'delete-other', true));
    const kept = (this.storedBytes(model.id) ?? 0) > 0;
    this.panels.message(model.id, 'warning', quotaText(needed, available, quota, kept), el('div', { className: 'actions' }, ...offers));
  }

  private async deleteOther(model: ModelSummary, otherId: string): Promise<void> {
    try {
      await this.shelf.deleteModel(otherId);
    } catch (error) {
      this.panels.message(model.id, 'error', errorMessage(error));
      return;
    }
    await this.askConsent(model);
  }

  private async cancel(model: ModelSummary): Promise<void> {
    this.cancelled.add(model.id);
    try {
      // Deleting the model stops its download first (in the engine host), then removes what it stored.
      await this.shelf.deleteModel(model.id);
      this.panels.message(model.id, 'info', t('models_cancelled'));
    } catch (error) {
      this.panels.message(model.id, 'error', errorMessage(error));
    }
  }
}
