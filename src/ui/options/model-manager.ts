import { PagewiseError, type DownloadEvent, type DownloadResult, type ModelSummary } from '../../protocol';
import { importLocalFolder, pickedFolder } from '../../store/local-import';
import { listModels } from '../../store/model-list';
import { WeightDb } from '../../store/weight-db';
import { workerHasher } from '../../store/worker-hasher';
import { EngineConnection } from '../shared/engine-connection';
import { t } from '../shared/i18n';
import { HUB_SETTING } from './hub-setting';
import './model-manager.css';

/**
 * The options page's model manager: cached models with size and verified state; download with explicit
 * consent to the size against the free space; live progress (bytes, rate, time left, current file); pause,
 * resume, cancel, delete, re-verify; a clear message with the figures when space runs out; custom models; and
 * model files imported from a folder (this page shares the store's IndexedDB, and the files are here).
 * Downloads run in the engine host; closing this page pauses the one it started.
 */

const lang = (): string => chrome.i18n.getUILanguage();
export function formatBytes(bytes: number): string {
  const [unit, scale] = bytes >= 1e9 ? ['gigabyte', 1e9] : bytes >= 1e6 ? ['megabyte', 1e6] : ['kilobyte', 1e3];
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: unit as string, maximumFractionDigits: 1 }).format(bytes / (scale as number));
}
function formatRate(bps: number): string {
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: 'megabyte-per-second', maximumFractionDigits: 1 }).format(bps / 1e6);
}
function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return t('models_etaUnknown');
  const rounded = Math.ceil(seconds);
  return t('models_eta', [String(Math.floor(rounded / 60)), String(rounded % 60).padStart(2, '0')]);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
function button(label: string, onClick: () => void, role: string, secondary = false): HTMLButtonElement {
  const node = el('button', { type: 'button', textContent: label, className: secondary ? 'secondary' : '' });
  node.dataset['action'] = role;
  node.addEventListener('click', onClick);
  return node;
}
const errorText = (error: unknown): string => (error instanceof PagewiseError || error instanceof Error ? error.message : String(error));

interface Activity {
  controller?: AbortController;
  panel: HTMLElement;
}

export class ModelManager {
  private models: ModelSummary[] = [];
  private readonly activity = new Map<string, Activity>();
  private readonly list = el('ul', { className: 'models' });
  private readonly storage = el('p', { className: 'storage' });
  private readonly db = new WeightDb();

  constructor(
    private readonly root: HTMLElement,
    private readonly connection: EngineConnection,
  ) {
    root.classList.add('model-manager');
    root.append(el('h2', { textContent: t('models_heading') }), this.storage, this.list, this.addModelForm(), this.importForm());
    addEventListener('pagehide', () => this.activity.forEach((a) => a.controller?.abort()));
    // A download started elsewhere (another options tab) shows here as it starts and ends.
    let downloading: string | undefined;
    connection.onState((state) => {
      const now = state.phase === 'downloading' ? state.modelId : undefined;
      if (now === downloading) return;
      downloading = now;
      void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    try {
      // Read from the store directly: opening the settings must not start the engine.
      const state = this.connection.currentState;
      const listed = await listModels({ db: this.db, estimate: () => navigator.storage.estimate() }, (id) => state.phase === 'downloading' && state.modelId === id);
      this.models = listed.models;
      this.storage.textContent = t('models_storage', [formatBytes(listed.usageBytes), formatBytes(listed.availableBytes)]);
      this.render();
    } catch (error) {
      this.storage.textContent = t('models_listFailed', [errorText(error)]);
    }
  }

  private render(): void {
    this.list.replaceChildren(...this.models.map((model) => this.renderModel(model)));
  }

  private renderModel(model: ModelSummary): HTMLLIElement {
    const busy = this.activity.get(model.id);
    const stateKey = model.downloading && !busy?.controller ? 'downloading' : model.state;
    const state = el('span', { className: 'model-state', textContent: t(`models_state_${stateKey}`) });
    state.dataset['state'] = stateKey;
    const size = model.state === 'partial' ? t('models_partOf', [formatBytes(model.storedBytes), formatBytes(model.sizeBytes)]) : model.sizeBytes > 0 ? formatBytes(model.sizeBytes) : '';
    const meta = [t(`models_backend_${model.backend}`), size, model.commit ? t('models_commit', [model.commit.slice(0, 10)]) : ''].filter(Boolean).join(' · ');
    const item = el('li', { className: 'model' }, el('div', { className: 'model-head' }, el('span', { className: 'model-label', textContent: model.label }), state), el('div', { className: 'model-meta', textContent: meta }));
    item.dataset['modelId'] = model.id;
    const actions = el('div', { className: 'actions' });
    if (busy?.controller) {
      actions.append(button(t('models_pause'), () => busy.controller?.abort(), 'pause'), button(t('models_cancel'), () => void this.cancel(model), 'cancel', true));
    } else if (!model.downloading) {
      if (model.state !== 'verified' && model.source === 'hub') {
        actions.append(button(model.state === 'partial' ? t('models_resume') : t('models_download'), () => void this.askConsent(model), model.state === 'partial' ? 'resume' : 'download'));
      }
      if (model.state === 'verified') actions.append(button(t('models_verify'), () => void this.verify(model), 'verify', true));
      if (model.state !== 'absent') actions.append(button(t('models_delete'), () => void this.remove(model), 'delete', true));
      if (model.custom && model.state === 'absent') actions.append(button(t('models_forget'), () => void this.remove(model, true), 'forget', true));
    }
    item.append(actions);
    if (busy) item.append(busy.panel);
    return item;
  }

  private setPanel(model: ModelSummary, panel: HTMLElement, controller?: AbortController): void {
    this.activity.set(model.id, { panel, ...(controller ? { controller } : {}) });
    this.render();
  }

  private message(model: ModelSummary, kind: 'info' | 'warning' | 'error', text: string, ...extra: Node[]): void {
    const panel = el('div', { className: 'panel', textContent: text }, ...extra);
    panel.dataset['kind'] = kind;
    panel.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.setPanel(model, panel);
  }

  private async hubBaseUrl(): Promise<string | undefined> {
    const stored = (await chrome.storage.local.get(HUB_SETTING))[HUB_SETTING];
    return typeof stored === 'string' && stored ? stored : undefined;
  }

  /** Shows what the download costs against the free space and waits for an explicit yes. */
  private async askConsent(model: ModelSummary): Promise<void> {
    this.message(model, 'info', t('models_planning'));
    try {
      const hubBaseUrl = await this.hubBaseUrl();
      const plan = await this.connection.engine.call('store.plan-download', { modelId: model.id, ...(hubBaseUrl ? { hubBaseUrl } : {}) });
      if (!plan.fits) {
        this.quotaMessage(model, plan.remainingBytes, plan.availableBytes, plan.quotaBytes);
        return;
      }
      const text = t('models_consent', [model.label, formatBytes(plan.remainingBytes), formatBytes(plan.totalBytes), formatBytes(plan.availableBytes)]);
      const confirm = button(t('models_consentYes', [formatBytes(plan.remainingBytes)]), () => void this.download(model, plan.totalBytes, hubBaseUrl), 'consent');
      const decline = button(t('models_consentNo'), () => this.clear(model), 'decline', true);
      this.message(model, 'info', text, el('div', { className: 'actions' }, confirm, decline));
    } catch (error) {
      this.message(model, 'error', t('models_planFailed', [errorText(error)]));
    }
  }

  private async download(model: ModelSummary, approvedBytes: number, hubBaseUrl: string | undefined): Promise<void> {
    const controller = new AbortController();
    const bar = el('progress', { max: 1, value: 0 });
    const figures = el('div', { className: 'figures', textContent: t('models_starting') });
    const file = el('div', { className: 'figures' });
    const notice = el('div', { className: 'figures' });
    const panel = el('div', { className: 'panel' }, bar, figures, file, notice);
    panel.setAttribute('role', 'status');
    this.setPanel(model, panel, controller);
    const onEvent = (event: DownloadEvent): void => {
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
    try {
      const result = await this.connection.engine.call(
        'store.download',
        { modelId: model.id, consent: { approvedBytes }, ...(hubBaseUrl ? { hubBaseUrl } : {}) },
        { signal: controller.signal, onEvent },
      );
      await this.finished(model, result);
    } catch (error) {
      await this.refresh();
      if (error instanceof PagewiseError && error.code === 'cancelled') this.message(model, 'info', t('models_paused'));
      else this.message(model, 'error', t('models_downloadFailed', [errorText(error)]));
    }
  }

  private async finished(model: ModelSummary, result: DownloadResult): Promise<void> {
    await this.refresh();
    if (result.status === 'verified') this.message(model, 'info', t('models_verifiedNow', [formatBytes(result.totalBytes)]));
    else this.quotaMessage(model, result.neededBytes, result.availableBytes, result.quotaBytes, result.otherModels);
  }

  /** Out of space: the figures, and the other models the user could delete to make room. */
  private quotaMessage(model: ModelSummary, needed: number, available: number, quota: number, others?: Array<{ id: string; label: string; bytes: number }>): void {
    const deletable = (others ?? this.models.filter((m) => m.id !== model.id && m.storedBytes > 0).map((m) => ({ id: m.id, label: m.label, bytes: m.storedBytes }))).filter((m) => m.bytes > 0);
    const offers = deletable.map((other) => button(t('models_deleteOther', [other.label, formatBytes(other.bytes)]), () => void this.removeById(other.id).then(() => this.askConsent(model)), 'delete-other', true));
    this.message(model, 'warning', t('models_quota', [formatBytes(needed), formatBytes(available), formatBytes(quota)]), el('div', { className: 'actions' }, ...offers));
  }

  private async cancel(model: ModelSummary): Promise<void> {
    this.activity.get(model.id)?.controller?.abort();
    await this.removeById(model.id);
    this.message(model, 'info', t('models_cancelled'));
  }

  private async remove(model: ModelSummary, forgetEntry = false): Promise<void> {
    try {
      const { freedBytes } = await this.connection.engine.call('store.delete-model', { modelId: model.id, ...(forgetEntry ? { forgetEntry } : {}) });
      this.clear(model);
      await this.refresh();
      if (!forgetEntry) this.message(model, 'info', t('models_deleted', [formatBytes(freedBytes)]));
    } catch (error) {
      this.message(model, 'error', errorText(error));
    }
  }

  private async removeById(id: string): Promise<void> {
    await this.connection.engine.call('store.delete-model', { modelId: id });
    await this.refresh();
  }

  private async verify(model: ModelSummary): Promise<void> {
    const bar = el('progress', { max: 1, value: 0 });
    const panel = el('div', { className: 'panel', textContent: t('models_verifying') }, bar);
    this.setPanel(model, panel);
    try {
      const result = await this.connection.engine.call('store.verify-model', { modelId: model.id }, { onEvent: (e) => (bar.value = e.totalBytes ? e.bytes / e.totalBytes : 1) });
      await this.refresh();
      if (result.verified) this.message(model, 'info', t('models_verifyOk'));
      else this.message(model, 'error', t('models_verifyBad', [[...result.badFiles, ...result.missingFiles].join(', ')]));
    } catch (error) {
      this.message(model, 'error', errorText(error));
    }
  }

  private clear(model: ModelSummary): void {
    this.activity.delete(model.id);
    this.render();
  }

  private importForm(): HTMLElement {
    const folder = el('input', { type: 'file', name: 'folder', id: 'import-folder' });
    folder.webkitdirectory = true;
    const dtype = el('input', { name: 'importDtype', id: 'import-dtype', value: 'q4', required: true });
    const backend = el('select', { name: 'importBackend', id: 'import-backend' }, el('option', { value: 'wasm', textContent: t('models_backend_wasm') }), el('option', { value: 'webgpu', textContent: t('models_backend_webgpu') }));
    const bar = el('progress', { max: 1, value: 0, hidden: true });
    const status = el('output');
    const submit = el('button', { type: 'submit', textContent: t('models_import') });
    const form = el('form', { className: 'import-model' });
    form.append(
      el('label', { htmlFor: folder.id, textContent: t('models_importFolder') }), folder,
      el('label', { htmlFor: dtype.id, textContent: t('models_addDtype') }), dtype,
      el('label', { htmlFor: backend.id, textContent: t('models_addBackend') }), backend,
      el('div', { className: 'actions' }, submit, bar, status),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const { folderName, files } = pickedFolder(folder.files ?? []);
      submit.disabled = true;
      bar.hidden = false;
      status.textContent = t('models_importing');
      importLocalFolder(
        { db: this.db, estimate: () => navigator.storage.estimate() },
        { folderName, files, dtype: dtype.value.trim(), backend: backend.value === 'webgpu' ? 'webgpu' : 'wasm', createHasher: workerHasher, onProgress: (bytes, total) => (bar.value = total ? bytes / total : 1) },
      )
        .then(
          (outcome) =>
            (status.textContent =
              outcome.status === 'verified'
                ? t('models_imported', [outcome.entry.label, formatBytes(outcome.totalBytes)])
                : t('models_quota', [formatBytes(outcome.neededBytes), formatBytes(outcome.availableBytes), formatBytes(outcome.quotaBytes)])),
          (error: unknown) => (status.textContent = t('models_importFailed', [errorText(error)])),
        )
        .finally(() => {
          submit.disabled = false;
          bar.hidden = true;
          void this.refresh();
        });
    });
    return el('details', {}, el('summary', { textContent: t('models_importHeading') }), form);
  }

  private addModelForm(): HTMLElement {
    const field = (name: string, props: Partial<HTMLInputElement> = {}): HTMLInputElement => el('input', { name, ...props });
    const repo = field('repo', { required: true, placeholder: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX' });
    const revision = field('revision', { required: true, value: 'main' });
    const dtype = field('dtype', { required: true, value: 'q4' });
    const backend = el('select', { name: 'backend' }, el('option', { value: 'wasm', textContent: t('models_backend_wasm') }), el('option', { value: 'webgpu', textContent: t('models_backend_webgpu') }));
    const mirror = field('baseUrl', { type: 'url', placeholder: 'https://huggingface.co' });
    const status = el('output');
    const form = el('form', { className: 'add-model' });
    const label = (key: string, input: HTMLElement): Node[] => [el('label', { textContent: t(key), htmlFor: input.id = `add-model-${(input as HTMLInputElement).name}` }), input];
    form.append(
      ...label('models_addRepo', repo),
      ...label('models_addRevision', revision),
      ...label('models_addDtype', dtype),
      ...label('models_addBackend', backend),
      ...label('models_addMirror', mirror),
      el('div', { className: 'actions' }, el('button', { type: 'submit', textContent: t('models_add') }), status),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.connection.engine
        .call('store.add-custom-model', {
          repo: repo.value.trim(),
          revision: revision.value.trim(),
          dtype: dtype.value.trim(),
          backend: backend.value === 'webgpu' ? 'webgpu' : 'wasm',
          ...(mirror.value.trim() ? { baseUrl: mirror.value.trim() } : {}),
        })
        .then(
          (added) => {
            status.textContent = t('models_added', [added.label]);
            return this.refresh();
          },
          (error: unknown) => (status.textContent = errorText(error)),
        );
    });
    return el('details', {}, el('summary', { textContent: t('models_addHeading') }), form);
  }
}

const section = document.getElementById('models-section');
if (section) {
  const manager = new ModelManager(section, new EngineConnection());
  void manager.refresh();
}
