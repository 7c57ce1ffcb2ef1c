// Plans a fill: fields the rules recognise with confidence get the profile's value at once (no model, as browser
// autofill does); the model then sees every field, what is already proposed, the profile and the user's
// instruction, and proposes through tool calls, each checked before it counts. The result is a proposal per
// field for the user to accept or reject; nothing here touches the page.
import type { AgentEvent, AgentResult } from '../../engine/agent-loop';
import type { ChatMessage } from '../../engine/chat-format';
import type { ToolRegistry } from '../../engine/tool-registry';
import type { FillPlan, FillProposal, FillRefusal, FormField, FormListing, Profile } from '../../protocol';
import { isSensitiveType } from './field-types';
import { profileValue, shapeValue } from './field-values';
import { FILL_INSTRUCTIONS, fillMessage } from './fill-prompts';
import { fillTools, shorten, type FillToolOutput } from './fill-tools';
import { isPrompt } from './select-options';
import { groupFields, type LogicalField } from './split-fields';

export interface FillRequest {
  listing: FormListing;
  profile: Profile;
  instruction: string;
  allowSensitive: boolean;
}

/** Runs the engine's agent loop on `messages` with `registry`; undefined when no model is available. */
export type FillAgent = (messages: ChatMessage[], registry: ToolRegistry, onEvent: (event: AgentEvent) => void) => Promise<AgentResult>;

export interface FillPlanEvents {
  onStep?: (step: number) => void;
  onProposal?: (proposal: FillProposal) => void;
  onRefusal?: (refusal: FillRefusal) => void;
}

/** Model turns one fill may take: one to call, one to read the results and answer, two to put right what was refused. */
export const FILL_MAX_STEPS = 4;

export async function planFill(request: FillRequest, agent: FillAgent | undefined, events: FillPlanEvents = {}): Promise<FillPlan> {
  const fields = groupFields(request.listing.fields);
  const output: FillToolOutput = { proposals: new Map(), refused: [], questions: [] };
  for (const field of fields) {
    const proposal = fromProfile(field, request.profile);
    if (proposal) {
      output.proposals.set(field.id, proposal);
      events.onProposal?.(proposal);
    }
  }
  const open = fields.filter((field) => !output.proposals.has(field.id) && !field.parts[0]!.typed);
  if (!agent || (request.instruction.trim() === '' && open.length === 0)) {
    const note = request.instruction.trim() ? 'No model is ready, so your instruction was not used: only the fields recognised from your profile were proposed.' : 'No model is ready: only the fields recognised from your profile were proposed.';
    return finish(output, agent ? '' : note, 0);
  }
  const registry = fillTools(fields, output, { ...events, allowSensitive: request.allowSensitive });
  const messages = [FILL_INSTRUCTIONS, fillMessage(request.listing.title, fields.map((field) => ({ field, proposed: output.proposals.get(field.id)?.shown })), request.profile, request.instruction)];
  const result = await agent(messages, registry, (event) => {
    if (event.type === 'tool-call') events.onStep?.(event.step);
    if (event.type === 'tool-error') {
      const refusal: FillRefusal = { asked: shorten(event.problem.tool ?? 'a tool call'), reason: shorten(explain(event.problem.message), 500) };
      output.refused.push(refusal);
      events.onRefusal?.(refusal);
    }
  });
  return finish(output, result.answer, result.steps);
}

/** A field the rules recognise with confidence, empty, not sensitive, for which the profile has a value that fits. */
function fromProfile(field: LogicalField, profile: Profile): FillProposal | undefined {
  const first = field.parts[0]!;
  if (!field.type || field.confidence !== 'certain' || isSensitiveType(field.type) || field.parts.some((part) => part.sensitive || part.typed || !looksEmpty(part))) return undefined;
  const value = profileValue(field.type, profile);
  if (!value) return undefined;
  const shaped = shapeValue(field, value);
  if ('problem' in shaped) return undefined;
  return { fieldId: field.id, label: field.label || first.placeholder || first.name, shown: shaped.shown, writes: shaped.writes, source: 'profile', sensitive: false };
}

/**
 * Nothing chosen or written yet: an empty value, a select still on its prompt ("Select…"), or a select on the
 * page's own default that nobody changed (a country list opening on "United States" is the page's guess, not the
 * user's answer).
 */
function looksEmpty(part: FormField): boolean {
  if (part.value === '') return true;
  if (part.control !== 'select') return false;
  if (!part.typed) return true;
  const chosen = part.options?.find((option) => option.value === part.value);
  return chosen !== undefined && isPrompt(chosen);
}

function finish(output: FillToolOutput, answer: string, steps: number): FillPlan {
  return {
    proposals: [...output.proposals.values()],
    refused: output.refused.slice(0, 200),
    questions: output.questions,
    answer: shorten(answer.trim(), 4000),
    steps,
  };
}

/** The validator's words for an id outside the enumeration, said as the user needs it. */
function explain(message: string): string {
  return /^arguments\/id: .*does not match any of/.test(message) ? 'The model named a field Pagewise did not list for it (or one it may not change).' : message;
}
