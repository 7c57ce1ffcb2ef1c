import type { HardwareReport, ModelSummary, ModelVerdict } from '../../../protocol';
import { listModels } from '../../../store/model-list';
import { WeightDb } from '../../../store/weight-db';
import { button, el } from '../../shared/dom';
import type { EngineConnection } from '../../shared/engine-connection';
import { errorMessage, formatBytes, formatDuration, formatTime } from '../../shared/format';
import { t } from '../../shared/i18n';
import { addModelForm } from './add-model-form';
import { DownloadFlow, type ModelShelf } from './download-flow';
import { importFolderForm } from './import-folder-form';
import { RowPanels } from './row-panels';
import './model-manager.css';

/**
 * The list of models with their size and verified state, how each fits this device (the recommended one first,
 * in one sentence; asked of the engine host, which probes the hardware but loads no model), and what can be done
 * with each: download (see DownloadFlow), use, re-verify, delete. The list is read from the store directly;
 * every change goes through the engine host.
 */
class ModelManager implements ModelShelf {
  models: ModelSummary[] = [];
  private readonly list = el('ul', { className: 'models' });
  private readonly storage = el('p', { className: 'storage' });
  private readonly db = new WeightDb();
  private readonly panels = new RowPanels(() => this.render());
  private readonly downloads: DownloadFlow;
  /** Models being loaded from this page: a second click waits for the first load instead of starting another. */
  private readonly loading = new Set<string>();
  /** What this device runs, asked of the engine host once: which model to recommend, and why the others not. */
  private hardware: HardwareReport | undefined;

  constructor(
    root: HTMLElement,
    private readonly connection: EngineConnection,
  ) {
    this.downloads = new DownloadFlow(connection, this.panels, this);
    root.classList.add('model-manager');
    const refresh = (): Promise<void> => this.refresh();
    root.replaceChildren(el('h2', { textContent: t('models_heading') }), this.storage, this.list, addModelForm(connection, refresh), importFolderForm(this.db, connection, refresh));
    // Downloads belong to the engine host: one started before this page opened, or in another tab, shows here
    // with its figures and controls, and the list refreshes as one starts or ends.
    let downloading = '';
    connection.onState((state) => {
      this.downloads.showRunning(state.downloads ?? []);
      const now = (state.downloads ?? []).map((job) => job.modelId).join('\n');
      if (now === downloading) return;
      downloading = now;
      void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    this.hardware ??= await this.connection.engine.call('engine.hardware', {}).catch(() => undefined);
    try {
      const running = new Set((this.connection.currentState.downloads ?? []).map((job) => job.modelId));
      const listed = await listModels({ db: this.db, estimate: () => navigator.storage.estimate() }, (id) => running.has(id));
      this.models = byFit(listed.models, this.hardware);
      this.storage.textContent = t('models_storage', [formatBytes(listed.usageBytes), formatBytes(listed.availableBytes)]);
      this.render();
    } catch (error) {
      this.storage.textContent = t('models_listFailed', [errorMessage(error)]);
    }
  }

  async deleteModel(modelId: string, forgetEntry = false): Promise<number> {
    const { freedBytes } = await this.connection.engine.call('store.delete-model', { modelId, ...(forgetEntry ? { forgetEntry } : {}) });
    await this.refresh();
    return freedBytes;
  }

  private render(): void {
    this.list.replaceChildren(...this.models.map((model) => this.row(model)));
  }

  private row(model: ModelSummary): HTMLLIElement {
    const stateKey = model.downloading ? 'downloading' : model.state;
    const state = el('span', { className: 'model-state', textContent: t(`models_state_${stateKey}`) });
    state.dataset['state'] = stateKey;
    const size = model.state === 'partial' ? t('models_partOf', [formatBytes(model.storedBytes), formatBytes(model.sizeBytes)]) : model.sizeBytes > 0 ? formatBytes(model.sizeBytes) : '';
    // Before a download, where a model runs is the device's to decide (the fit line says it); after, it is the
    // graph that was stored.
    const where = model.state === 'absent' ? '' : t(`models_backend_${model.backend}`);
    const amount = model.state === 'absent' && size ? t('models_downloadSize', [size]) : size;
    const meta = [where, amount, model.commit ? t('models_commit', [model.commit.slice(0, 10)]) : ''].filter(Boolean).join(' · ');
    const head = el('div', { className: 'model-head' }, el('span', { className: 'model-label', textContent: model.label }), state);
    const judged = verdictOf(model, this.hardware);
    const item = el('li', { className: 'model' }, head, el('div', { className: 'model-meta', textContent: meta }), ...fitLine(judged), ...provenance(model), el('div', { className: 'actions' }, ...this.actions(model, judged)));
    if (judged?.fit === 'recommended') item.dataset['recommended'] = 'yes';
    item.dataset['modelId'] = model.id;
    const panel = this.panels.get(model.id)?.panel;
    if (panel) item.append(panel);
    return item;
  }

  private actions(model: ModelSummary, judged: Judged | undefined): HTMLButtonElement[] {
    if (model.downloading || this.downloads.isRunning(model.id)) return this.downloads.controls(model);
    const actions: HTMLButtonElement[] = [];
    // A built-in model this device cannot run is not offered for download: its fit line says why.
    const runsNowhereHere = judged?.fit === 'does-not-fit' && !model.custom && model.state === 'absent';
    if (model.state !== 'verified' && model.source === 'hub' && !runsNowhereHere) {
      const resume = model.state === 'partial';
      // The primary button goes to the model this device should get; any other is offered, not pushed.
      const secondary = !resume && judged?.fit !== 'recommended' && this.hardware !== undefined && !model.custom;
      actions.push(button(t(resume ? 'models_resume' : 'models_download'), () => void this.downloads.askConsent(model), resume ? 'resume' : 'download', secondary));
    }
    if (model.state === 'verified') {
      actions.push(button(t('models_use'), () => void this.use(model), 'use'), button(t('models_verify'), () => void this.verify(model), 'verify', true));
    }
    if (model.state !== 'absent') actions.push(button(t('models_delete'), () => void this.remove(model), 'delete', true));
    if (model.custom && model.state === 'absent') actions.push(button(t('models_forget'), () => void this.remove(model, true), 'forget', true));
    return actions;
  }

  /** Loads the model in the engine and makes it the one Pagewise uses from now on. */
  private async use(model: ModelSummary): Promise<void> {
    if (this.loading.has(model.id)) return;
    this.loading.add(model.id);
    const bar = this.panels.progress(model.id, t('models_loading'));
    try {
      const loaded = await this.connection.engine.call('engine.load', { modelId: model.id }, { onEvent: (event) => (bar.value = event.fraction) });
      this.panels.message(model.id, 'info', t('models_loaded', [model.label, t(`models_backend_${loaded.backend}`), formatDuration(loaded.loadMs)]));
    } catch (error) {
      // Its files may be damaged (they were whole when stored): checking them says so, and what to do.
      const offers = [button(t('models_verify'), () => void this.verify(model), 'verify', true)];
      const next = this.nextFitting(model);
      if (next) offers.unshift(next.state === 'verified' ? button(t('models_useInstead', [next.label]), () => void this.use(next), 'use-instead') : button(t('models_getInstead', [next.label]), () => void this.downloads.askConsent(next), 'get-instead'));
      // The engine's message already says the model could not be loaded, and why.
      this.panels.message(model.id, 'error', errorMessage(error), el('div', { className: 'actions' }, ...offers));
    } finally {
      this.loading.delete(model.id);
    }
  }

  /**
   * What to offer when `failed` would not load or run: the best other stored model that fits this device, else
   * the best built-in that fits, to download. In the list's order (recommended first).
   */
  private nextFitting(failed: ModelSummary): ModelSummary | undefined {
    const others = this.models.filter((m) => m.id !== failed.id && verdictOf(m, this.hardware)?.fit !== 'does-not-fit');
    return others.find((m) => m.state === 'verified') ?? others.find((m) => !m.custom);
  }

  private async verify(model: ModelSummary): Promise<void> {
    const bar = this.panels.progress(model.id, t('models_verifying'));
    try {
      const result = await this.connection.engine.call('store.verify-model', { modelId: model.id }, { onEvent: (e) => (bar.value = e.totalBytes ? e.bytes / e.totalBytes : 1) });
      await this.refresh();
      if (result.verified) this.panels.message(model.id, 'info', t('models_verifyOk'));
      else if (result.convertAgain) this.panels.message(model.id, 'error', t('models_verifyBadConverted', [result.badFiles.join(', ')]));
      else this.panels.message(model.id, 'error', t('models_verifyBad', [[...result.badFiles, ...result.missingFiles].join(', ')]));
    } catch (error) {
      this.panels.message(model.id, 'error', errorMessage(error));
    }
  }

  private async remove(model: ModelSummary, forgetEntry = false): Promise<void> {
    try {
      const freedBytes = await this.deleteModel(model.id, forgetEntry);
      if (forgetEntry) this.panels.clear(model.id);
      else this.panels.message(model.id, 'info', t('models_deleted', [formatBytes(freedBytes)]));
    } catch (error) {
      this.panels.message(model.id, 'error', errorMessage(error));
    }
  }
}

type Fit = 'recommended' | 'fits' | 'does-not-fit';
type Judged = { fit: Fit; verdict: ModelVerdict | undefined };

/** How a built-in model fits this device: the recommended one (the engine's choice), another that runs, or why not. */
function verdictOf(model: ModelSummary, report: HardwareReport | undefined): Judged | undefined {
  if (!report) return undefined;
  const verdicts = report.verdicts.filter((v) => v.candidate.modelId === model.id);
  if (verdicts.length === 0) return undefined;
  const fitting = verdicts.find((v) => v.reason === undefined && v.candidate.backend === model.backend) ?? verdicts.find((v) => v.reason === undefined);
  if (!fitting) return { fit: 'does-not-fit', verdict: verdicts[0] };
  return { fit: report.choice.ok && report.choice.candidate?.modelId === model.id ? 'recommended' : 'fits', verdict: fitting };
}

/** Recommended first, then the others that run here, then those that do not; custom models after the built-ins. */
function byFit(models: ModelSummary[], report: HardwareReport | undefined): ModelSummary[] {
  const rank = new Map(models.map((model) => [model, { recommended: 0, fits: 1, 'does-not-fit': 2 }[verdictOf(model, report)?.fit ?? 'fits'] + (model.custom ? 3 : 0)]));
  return [...models].sort((a, b) => rank.get(a)! - rank.get(b)!);
}

/** One sentence under a built-in model: recommended for this device and why, runs here, or why it does not. */
function fitLine(judged: Judged | undefined): HTMLElement[] {
  if (!judged?.verdict) return [];
  const { fit, verdict } = judged;
  const where = t(verdict.candidate.backend === 'webgpu' ? 'hardwareOnGpu' : 'hardwareOnCpu');
  const text =
    fit === 'does-not-fit'
      ? t('models_fitNo', [t(`hardwareReason_${verdict.reason!.replaceAll('-', '_')}`)])
      : t(fit === 'recommended' ? 'models_fitRecommended' : 'models_fitYes', [where, formatBytes(verdict.memoryBytes)]);
  const line = el('p', { className: 'model-fit', textContent: text });
  line.dataset['fit'] = fit;
  return [line];
}

/**
 * Where a converted model came from, for a person who wants to check: the repository and commit (or the folder on
 * this computer), each source file with the checksum it matched (or, from a folder, the SHA-256 computed as it was
 * read), and what converted it into which graph, when.
 */
function provenance(model: ModelSummary): HTMLElement[] {
  const p = model.provenance;
  if (!p) return [];
  const when = formatTime(p.finishedAt ?? p.startedAt);
  const graph = t(`models_graph_${model.backend}`, [model.dtype]);
  const summary = t(p.finishedAt ? 'models_provenanceConverted' : 'models_provenanceConverting', [p.convertedBy, when, graph]);
  const origin = p.folder !== undefined ? t('models_provenanceFromFolder', [p.folder]) : t('models_provenanceFrom', [model.repo ?? model.label, model.commit ?? '']);
  const line = (source: (typeof p.sources)[number]): string => {
    if (!source.verified && p.folder !== undefined) return t('models_provenanceFileUnread', [source.path]);
    return t(source.verified ? 'models_provenanceFile' : 'models_provenanceFilePending', [source.path, t(`models_digest_${source.algorithm.replace('-', '_')}`), source.hex]);
  };
  const files = el('ul', {}, ...p.sources.map((source) => el('li', { textContent: line(source) })));
  const details = el('details', { className: 'provenance' }, el('summary', { textContent: summary }), el('p', { textContent: origin }), files);
  details.dataset['role'] = 'provenance';
  return [details];
}

export function mountModelManager(section: HTMLElement, connection: EngineConnection): void {
  void new ModelManager(section, connection).refresh();
}
