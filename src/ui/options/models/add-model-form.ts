import { el } from '../../shared/dom';
import type { EngineConnection } from '../../shared/engine-connection';
import { errorMessage } from '../../shared/format';
import { t } from '../../shared/i18n';
import { backendSelect, labelled, selectedBackend } from './form-fields';
import { hubBaseUrl } from '../hub-setting';

/**
 * Adds a model from the hub or a mirror to the list: an LFM2 checkpoint (converted here into the graph this device
 * runs best: a fine-tune, say) or an ONNX export (one dtype, downloaded as it is). It downloads from its row.
 */
export function addModelForm(connection: EngineConnection, onAdded: () => Promise<void>): HTMLElement {
  const field = <T extends HTMLInputElement | HTMLSelectElement>(input: T): T => Object.assign(input, { id: `add-model-${input.name}` });
  const format = field(el('select', { name: 'format' }, el('option', { value: 'safetensors', textContent: t('models_formatCheckpoint') }), el('option', { value: 'onnx', textContent: t('models_formatOnnx') })));
  const repo = field(el('input', { name: 'repo', required: true, placeholder: 'LiquidAI/LFM2.5-1.2B-Instruct' }));
  const revision = field(el('input', { name: 'revision', required: true, value: 'main' }));
  const dtype = field(el('input', { name: 'dtype', value: 'q4' }));
  const backend = field(backendSelect('backend'));
  // dtype and backend describe an ONNX export; a checkpoint's graph is chosen for this device.
  const onnxOnly = [dtype, backend];
  const showFormat = (): void => {
    for (const input of onnxOnly) {
      input.disabled = format.value !== 'onnx';
      input.required = format.value === 'onnx';
    }
  };
  format.addEventListener('change', showFormat);
  const mirror = field(el('input', { name: 'baseUrl', type: 'url', placeholder: 'https://huggingface.co' }));
  const status = el('output');
  const form = el(
    'form',
    { className: 'add-model' },
    ...labelled('models_addFormat', format),
    ...labelled('models_addRepo', repo),
    ...labelled('models_addRevision', revision),
    ...labelled('models_addDtype', dtype),
    ...labelled('models_addBackend', backend),
    ...labelled('models_addMirror', mirror),
    el('div', { className: 'actions' }, el('button', { type: 'submit', textContent: t('models_add') }), status),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const baseUrl = mirror.value.trim();
    status.textContent = t('models_adding');
    void hubBaseUrl()
      .then((hub) => {
        const where = { ...(baseUrl ? { baseUrl } : {}), ...(hub ? { hubBaseUrl: hub } : {}) };
        return connection.engine.call(
          'store.add-custom-model',
          format.value === 'onnx'
            ? { format: 'onnx', repo: repo.value.trim(), revision: revision.value.trim(), dtype: dtype.value.trim(), backend: selectedBackend(backend), ...where }
            : { format: 'safetensors', repo: repo.value.trim(), revision: revision.value.trim(), ...where },
        );
      })
      .then(
        (added) => {
          status.textContent = t('models_added', [added.label]);
          return onAdded();
        },
        (error: unknown) => (status.textContent = errorMessage(error)),
      );
  });
  showFormat();
  return el('details', {}, el('summary', { textContent: t('models_addHeading') }), form);
}
