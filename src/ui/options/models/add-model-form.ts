import { el } from '../../shared/dom';
import type { EngineConnection } from '../../shared/engine-connection';
import { errorMessage } from '../../shared/format';
import { t } from '../../shared/i18n';
import { backendSelect, labelled, selectedBackend } from './form-fields';

/** Adds a model from the hub or a mirror to the list by repository, revision and dtype; it downloads from its row. */
export function addModelForm(connection: EngineConnection, onAdded: () => Promise<void>): HTMLElement {
  const field = <T extends HTMLInputElement | HTMLSelectElement>(input: T): T => Object.assign(input, { id: `add-model-${input.name}` });
  const repo = field(el('input', { name: 'repo', required: true, placeholder: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX' }));
  const revision = field(el('input', { name: 'revision', required: true, value: 'main' }));
  const dtype = field(el('input', { name: 'dtype', required: true, value: 'q4' }));
  const backend = field(backendSelect('backend'));
  const mirror = field(el('input', { name: 'baseUrl', type: 'url', placeholder: 'https://huggingface.co' }));
  const status = el('output');
  const form = el(
    'form',
    { className: 'add-model' },
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
    void connection.engine
      .call('store.add-custom-model', {
        repo: repo.value.trim(),
        revision: revision.value.trim(),
        dtype: dtype.value.trim(),
        backend: selectedBackend(backend),
        ...(baseUrl ? { baseUrl } : {}),
      })
      .then(
        (added) => {
          status.textContent = t('models_added', [added.label]);
          return onAdded();
        },
        (error: unknown) => (status.textContent = errorMessage(error)),
      );
  });
  return el('details', {}, el('summary', { textContent: t('models_addHeading') }), form);
}
