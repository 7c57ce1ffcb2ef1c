import { listingKind } from '../../../store/convert/checkpoint-files';
import { importLocalFolder, pickedFolder } from '../../../store/local-import';
import type { WeightDb } from '../../../store/weight-db';
import { workerHasher } from '../../../store/worker-hasher';
import { el } from '../../shared/dom';
import type { EngineConnection } from '../../shared/engine-connection';
import { errorMessage, formatBytes } from '../../shared/format';
import { t } from '../../shared/i18n';
import { CheckpointFolderFlow } from './checkpoint-folder-flow';
import { quotaText } from './download-flow';
import { backendSelect, labelled, selectedBackend } from './form-fields';

/**
 * Imports a model from a folder on disk, for machines that never go online: ONNX files as they are (the user names
 * the dtype and backend), or a safetensors checkpoint, converted into the graph this device runs best
 * (CheckpointFolderFlow). It runs in this page, not the engine host: the picked files exist only here, and the page
 * shares the store's IndexedDB and its locks.
 */
export function importFolderForm(db: WeightDb, connection: EngineConnection, onImported: () => Promise<void>): HTMLElement {
  const folder = el('input', { type: 'file', name: 'folder', id: 'import-folder', webkitdirectory: true });
  const dtype = el('input', { name: 'importDtype', id: 'import-dtype', value: 'q4', required: true });
  const backend = Object.assign(backendSelect('importBackend'), { id: 'import-backend' });
  const holds = el('p', { className: 'figures folder-kind' });
  const bar = el('progress', { max: 1, value: 0, hidden: true });
  const status = el('output');
  const submit = el('button', { type: 'submit', textContent: t('models_import') });
  const conversionArea = el('div', { className: 'conversion' });
  const conversion = new CheckpointFolderFlow(db, connection, conversionArea, (busy) => (submit.disabled = busy), onImported);
  const form = el(
    'form',
    { className: 'import-model' },
    ...labelled('models_importFolder', folder),
    holds,
    ...labelled('models_addDtype', dtype),
    ...labelled('models_addBackend', backend),
    el('div', { className: 'actions' }, submit, bar, status, conversionArea),
  );
  const picked = () => pickedFolder(folder.files ?? []);
  const kindOf = () => listingKind(picked().files.map((file) => file.path));
  // dtype and backend describe ONNX files; a checkpoint's graph is chosen for this device.
  folder.addEventListener('change', () => {
    const kind = kindOf();
    for (const input of [dtype, backend]) input.disabled = kind === 'checkpoint';
    holds.textContent = kind === 'checkpoint' ? t('models_importCheckpoint') : kind === undefined && folder.files?.length ? t('models_importNeither') : '';
    status.textContent = '';
    conversionArea.replaceChildren();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const { folderName, files } = picked();
    if (kindOf() === 'checkpoint') {
      status.textContent = '';
      void conversion.prepare({ name: folderName, files });
      return;
    }
    submit.disabled = true;
    bar.hidden = false;
    status.textContent = t('models_importing');
    importLocalFolder(
      { db, estimate: () => navigator.storage.estimate(), locks: navigator.locks },
      {
        folderName,
        files,
        dtype: dtype.value.trim(),
        backend: selectedBackend(backend),
        createHasher: workerHasher,
        onProgress: (bytes, total) => (bar.value = total ? bytes / total : 1),
      },
    )
      .then(
        (outcome) =>
          (status.textContent =
            outcome.status === 'verified'
              ? t('models_imported', [outcome.entry.label, formatBytes(outcome.totalBytes)])
              : quotaText(outcome.neededBytes, outcome.availableBytes, outcome.quotaBytes)),
        (error: unknown) => (status.textContent = t('models_importFailed', [errorMessage(error)])),
      )
      .finally(() => {
        submit.disabled = false;
        bar.hidden = true;
        void onImported();
      });
  });
  return el('details', {}, el('summary', { textContent: t('models_importHeading') }), form);
}
