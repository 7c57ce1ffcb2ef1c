import type { CheckpointFolder } from '../../../store/convert/folder-checkpoint-source';
import { convertInWorker } from '../../../store/convert/conversion-runner';
import { planFolderConversion, type FolderConversionPlan } from '../../../store/convert/convert-model';
import { localCheckpointEntry, type ModelEntry, type ModelTarget } from '../../../store/model-registry';
import type { WeightDb } from '../../../store/weight-db';
import { button, el } from '../../shared/dom';
import type { EngineConnection } from '../../shared/engine-connection';
import { errorMessage, formatBytes } from '../../shared/format';
import { t } from '../../shared/i18n';
import { quotaText } from './download-flow';
import { progressPanel } from './progress-panel';
import { messagePanel, type PanelKind } from './row-panels';

/**
 * Converting a checkpoint from a folder on this computer. The picked files exist only in this page (a File cannot
 * cross a port), so this page plans the conversion and runs it in a worker of its own, into the same store the
 * engine host fills; the engine host, which probes the hardware, says which graphs this device runs. The user sees
 * what is read and what it becomes first, then progress with pause and cancel. Closing the page stops the
 * conversion; picking the same folder again carries on from where it stopped.
 */
export class CheckpointFolderFlow {
  private running: AbortController | undefined;

  constructor(
    private readonly db: WeightDb,
    private readonly connection: EngineConnection,
    /** Where the consent, the progress and the outcome show. */
    private readonly area: HTMLElement,
    private readonly setBusy: (busy: boolean) => void,
    /** The model list changed (a conversion started, ended or was deleted). */
    private readonly onChanged: () => Promise<void>,
  ) {
    // Nobody would see the progress, or could pause it: the conversion stops, and resumes when picked again.
    addEventListener('pagehide', () => this.running?.abort());
  }

  /** Reads the folder's config and headers and asks for consent; refuses, in words, a checkpoint that cannot be converted. */
  async prepare(folder: CheckpointFolder): Promise<void> {
    this.say('info', t('models_convertPlanning'));
    this.setBusy(true);
    try {
      const entry = localCheckpointEntry(folder.name);
      const { targets } = await this.connection.engine.call('store.conversion-targets', { folderName: folder.name });
      const plan = await planFolderConversion({ db: this.db, estimate: () => navigator.storage.estimate() }, entry, targets, folder, new AbortController().signal);
      if (plan.stored === 'verified') return this.say('info', t('models_convertAlready', [folder.name]));
      if (!plan.fits) return this.say('warning', quotaText(plan.remainingBytes, plan.availableBytes, plan.quotaBytes));
      const graph = t(`models_graph_${plan.backend}`, [plan.dtype]);
      const consent = t('models_convertConsent', [folder.name, formatBytes(plan.totalBytes), graph, formatBytes(plan.occupiesBytes), formatBytes(plan.availableBytes)]);
      const already = plan.stored === 'resumable' ? t('models_convertResumes', [formatBytes(plan.storedBytes)]) : plan.stored === 'replaced' ? t('models_convertReplaces') : '';
      const convert = button(t('models_convertYes'), () => void this.convert(entry, targets, folder, plan, graph), 'convert');
      const decline = button(t('models_consentNo'), () => this.area.replaceChildren(), 'decline', true);
      this.say('info', [consent, already].filter(Boolean).join(' '), el('div', { className: 'actions' }, convert, decline));
    } catch (error) {
      this.say('error', t('models_convertFailed', [errorMessage(error)]));
    } finally {
      this.setBusy(false);
    }
  }

  private async convert(entry: ModelEntry, targets: ModelTarget[], folder: CheckpointFolder, plan: FolderConversionPlan, graph: string): Promise<void> {
    const controller = new AbortController();
    let cancelled = false;
    const { panel, show } = progressPanel();
    const pause = button(t('models_pause'), () => controller.abort(), 'pause');
    const cancel = button(t('models_cancel'), () => ((cancelled = true), controller.abort()), 'cancel', true);
    panel.append(el('div', { className: 'actions' }, pause, cancel));
    this.area.replaceChildren(panel);
    this.running = controller;
    this.setBusy(true);
    void this.onChanged();
    // A picked folder's files cannot cross to the engine host, so this conversion lives in this page: leaving
    // it pauses the conversion (it resumes when the same folder is picked again). Ask before the tab closes.
    const stay = (event: BeforeUnloadEvent): void => event.preventDefault();
    addEventListener('beforeunload', stay);
    try {
      const job = { entry, targets, folder, approvedBytes: plan.totalBytes, approvedStoredBytes: plan.occupiesBytes, pagewiseVersion: chrome.runtime.getManifest().version };
      const outcome = await convertInWorker(job, controller.signal, (progress) => show({ type: 'progress', ...progress }), show);
      if (outcome.status === 'verified') this.say('info', t('models_converted', [folder.name, graph, formatBytes(plan.occupiesBytes)]));
      else this.say('warning', quotaText(outcome.neededBytes, outcome.availableBytes, outcome.quotaBytes));
    } catch (error) {
      if (cancelled) await this.deleteStopped(entry.id);
      else this.say(controller.signal.aborted ? 'info' : 'error', controller.signal.aborted ? t('models_convertPaused') : t('models_convertFailed', [errorMessage(error)]));
    } finally {
      removeEventListener('beforeunload', stay);
      this.running = undefined;
      this.setBusy(false);
      await this.onChanged();
    }
  }

  /** Cancel: the worker has stopped and let go of the model; what it stored goes, through the engine host. */
  private async deleteStopped(modelId: string): Promise<void> {
    try {
      await this.connection.engine.call('store.delete-model', { modelId });
      this.say('info', t('models_convertCancelled'));
    } catch (error) {
      this.say('error', errorMessage(error));
    }
  }

  private say(kind: PanelKind, text: string, ...extra: Node[]): void {
    this.area.replaceChildren(messagePanel(kind, text, ...extra));
  }
}
