// Writes a value into a field so the page's framework registers it, as a person typing would: the native value
// setter of the element's own prototype (React and others shadow `value` on the instance to track changes, and
// only a change they did not make counts as input), then focus, input, change and blur events. Radios and
// checkboxes are clicked, which is what every framework listens for. Runs in the isolated world: the page's
// overrides on the element are not visible here, the browser's own setter is.
import type { FieldNodes } from './field-collector';

type TextControl = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** The field's value as the listing reports it: text, the chosen option's value, or "on" for a checked box. */
export function currentValue(nodes: FieldNodes): string {
  const [first] = nodes.elements;
  if (nodes.field.control === 'checkbox') return (first as HTMLInputElement).checked ? 'on' : '';
  if (nodes.field.control === 'radio-group') return (nodes.elements as HTMLInputElement[]).find((radio) => radio.checked)?.value ?? '';
  return first!.value;
}

/** Sets `value` (text, or an option's value) or `checked`; returns false when the page refused it (no such option). */
export function writeValue(nodes: FieldNodes, change: { value: string } | { checked: boolean }): boolean {
  if ('checked' in change) {
    const box = nodes.elements[0] as HTMLInputElement;
    if (box.checked !== change.checked) box.click();
    return box.checked === change.checked;
  }
  if (nodes.field.control === 'radio-group') {
    const radio = (nodes.elements as HTMLInputElement[]).find((element) => element.value === change.value);
    if (!radio) return false;
    if (!radio.checked) radio.click();
    return radio.checked;
  }
  const element = nodes.elements[0]!;
  if (element.localName === 'select' && ![...(element as HTMLSelectElement).options].some((option) => option.value === change.value)) return false;
  typeInto(element, change.value);
  return element.value === change.value;
}

function typeInto(element: TextControl, value: string): void {
  const view = element.ownerDocument.defaultView ?? window;
  element.dispatchEvent(new view.FocusEvent('focus'));
  element.dispatchEvent(new view.FocusEvent('focusin', { bubbles: true }));
  nativeSetter(element)(value);
  element.dispatchEvent(new view.InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: value }));
  element.dispatchEvent(new view.Event('change', { bubbles: true }));
  element.dispatchEvent(new view.FocusEvent('blur'));
  element.dispatchEvent(new view.FocusEvent('focusout', { bubbles: true }));
}

/** The `value` setter the browser defines on the element's prototype chain, bound to it. */
function nativeSetter(element: TextControl): (value: string) => void {
  for (let proto = Object.getPrototypeOf(element) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
    if (setter) return (value) => setter.call(element, value);
  }
  return (value) => {
    element.value = value;
  };
}
