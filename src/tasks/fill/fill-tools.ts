// The tools the model fills a form with. Each tool's `id` is an enumeration of the fields it may touch (text
// fields for fill_field, lists for choose_option, boxes for set_checked), so the validator refuses any other id
// before the call runs; the call then shapes its value to the field's constraints, and what cannot be shaped is
// refused with the reason, which the model reads as the call's result. Calls only propose: nothing is written
// until the user accepts.
import type { JsonValue } from '../../engine/tool-call-parser';
import { ToolRegistry } from '../../engine/tool-registry';
import { FILL_LIMITS, type FillProposal, type FillRefusal } from '../../protocol';
import { isSensitiveType } from './field-types';
import { shapeValue } from './field-values';
import type { LogicalField } from './split-fields';

export interface FillToolOutput {
  proposals: Map<string, FillProposal>;
  refused: FillRefusal[];
  questions: string[];
}

export interface FillToolOptions {
  /** The user allowed password and card fields for this fill; without it a call for one is refused. */
  allowSensitive?: boolean;
  onProposal?: (proposal: FillProposal) => void;
  onRefusal?: (refusal: FillRefusal) => void;
}

const TEXT_CONTROLS = new Set(['input', 'textarea']);

/** A password or card field: marked so by the page (type, autocomplete) or recognised so by the rules (a CVV in a plain text box). */
export function isSensitive(field: LogicalField): boolean {
  return field.parts.some((part) => part.sensitive) || (field.type !== undefined && isSensitiveType(field.type));
}

/** Text cut to `chars` with an ellipsis: what the panel shows of a call or a reason (the schemas bound them). */
export const shorten = (text: string, chars = 300): string => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

/** A registry whose tools propose values for `fields` into `output`; a tool whose field list would be empty is left out. */
export function fillTools(fields: readonly LogicalField[], output: FillToolOutput, options: FillToolOptions = {}): ToolRegistry {
  const registry = new ToolRegistry();
  const byId = new Map(fields.map((field) => [field.id, field]));
  const ids = (test: (field: LogicalField) => boolean) => fields.filter((field) => !field.parts[0]!.typed && test(field)).map((field) => field.id);
  const textIds = ids((field) => field.parts.length > 1 || TEXT_CONTROLS.has(field.parts[0]!.control));
  const listIds = ids((field) => field.parts.length === 1 && (field.parts[0]!.control === 'select' || field.parts[0]!.control === 'radio-group'));
  const boxIds = ids((field) => field.parts[0]!.control === 'checkbox');

  const refuse = (refusal: FillRefusal): JsonValue => {
    output.refused.push(refusal);
    options.onRefusal?.(refusal);
    return { ok: false, error: refusal.reason };
  };
  const propose = (field: LogicalField, proposal: Omit<FillProposal, 'fieldId' | 'label' | 'source' | 'sensitive'>): JsonValue => {
    const full: FillProposal = { fieldId: field.id, label: field.label, source: 'model', sensitive: isSensitive(field), ...proposal };
    output.proposals.set(field.id, full);
    options.onProposal?.(full);
    return { ok: true, field: field.id, proposed: full.shown };
  };
  const sensitiveRefusal = (field: LogicalField, asked: string): JsonValue | undefined =>
    isSensitive(field) && !options.allowSensitive
      ? refuse({ fieldId: field.id, asked, reason: 'Password and card fields are filled only when you allow it for this fill.' })
      : undefined;
  const shaped = (name: string, id: string, value: string): JsonValue => {
    const field = byId.get(id)!;
    const asked = shorten(`${name}(${id}, ${JSON.stringify(value)})`);
    const sensitive = sensitiveRefusal(field, asked);
    if (sensitive) return sensitive;
    const result = shapeValue(field, value);
    if ('problem' in result) return refuse({ fieldId: id, asked, reason: result.problem });
    return propose(field, { shown: result.shown, writes: result.writes });
  };

  const idSchema = (list: string[]) => ({ type: 'string', enum: list, description: 'The field id from the list' });
  if (textIds.length > 0) {
    registry.register({
      definition: {
        name: 'fill_field',
        description: 'Propose a value for a text field (for a split date or phone, the whole value: it is divided among the boxes).',
        parameters: { type: 'object', properties: { id: idSchema(textIds), value: { type: 'string', maxLength: FILL_LIMITS.valueChars } }, required: ['id', 'value'], additionalProperties: false },
      },
      run: async (args) => shaped('fill_field', args.id as string, args.value as string),
    });
  }
  if (listIds.length > 0) {
    registry.register({
      definition: {
        name: 'choose_option',
        description: 'Choose an option of a list or radio group, by its text or value (a country by name or code).',
        parameters: { type: 'object', properties: { id: idSchema(listIds), option: { type: 'string', maxLength: FILL_LIMITS.optionChars } }, required: ['id', 'option'], additionalProperties: false },
      },
      run: async (args) => shaped('choose_option', args.id as string, args.option as string),
    });
  }
  if (boxIds.length > 0) {
    registry.register({
      definition: {
        name: 'set_checked',
        description: 'Check or uncheck a checkbox.',
        parameters: { type: 'object', properties: { id: idSchema(boxIds), checked: { type: 'boolean' } }, required: ['id', 'checked'], additionalProperties: false },
      },
      run: async (args) => {
        const field = byId.get(args.id as string)!;
        const checked = args.checked as boolean;
        const sensitive = sensitiveRefusal(field, shorten(`set_checked(${field.id}, ${checked})`));
        if (sensitive) return sensitive;
        return propose(field, { shown: checked ? 'checked' : 'not checked', writes: [{ id: field.parts[0]!.id, checked }] });
      },
    });
  }
  registry.register({
    definition: {
      name: 'ask_user',
      description: 'Ask the user for something the form needs that the profile and the instruction do not say.',
      parameters: { type: 'object', properties: { question: { type: 'string', maxLength: 500 } }, required: ['question'], additionalProperties: false },
    },
    run: async (args) => {
      if (output.questions.length < 10) output.questions.push(args.question as string);
      return { ok: true, asked: true };
    },
  });
  return registry;
}
