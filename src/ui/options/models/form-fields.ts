import * as v from 'valibot';
import { BACKENDS, BackendSchema, type Backend } from '../../../protocol';
import { el } from '../../shared/dom';
import { t } from '../../shared/i18n';

export function backendSelect(name: string): HTMLSelectElement {
  return el('select', { name }, ...BACKENDS.map((backend) => el('option', { value: backend, textContent: t(`models_backend_${backend}`) })));
}

export function selectedBackend(select: HTMLSelectElement): Backend {
  return v.parse(BackendSchema, select.value);
}

/** A label and its field, for the two-column grid of the model forms; the field must have its id. */
export function labelled(key: string, field: HTMLElement): Node[] {
  return [el('label', { htmlFor: field.id, textContent: t(key) }), field];
}
