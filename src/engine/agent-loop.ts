// Lets the model use tools: generate, run the calls it makes, feed the results back, until it answers
// without a call or the step bound is reached. A malformed or invalid call is explained to the model once;
// a second bad call in a row ends the loop with that error. Every call is reported before and after it runs,
// so the user sees what the assistant did.
import type { ChatMessage, ToolCallMessage, ToolDefinition } from './chat-format';
import type { GenerationResult } from './generation';
import { parseToolCalls, ToolCallSyntaxError, type JsonValue } from './tool-call-parser';
import type { ToolCallProblem, ToolRegistry } from './tool-registry';

export type AgentEvent =
  | { type: 'tool-call'; step: number; call: ToolCallMessage }
  | { type: 'tool-result'; step: number; name: string; result: JsonValue }
  | { type: 'tool-error'; step: number; problem: ToolCallProblem };

export type AgentFinish = 'answer' | 'step-limit' | 'tool-error';

export interface AgentResult {
  answer: string;
  finish: AgentFinish;
  /** Set when the loop gave up on a bad call. */
  problem?: ToolCallProblem;
  messages: ChatMessage[];
  steps: number;
}

export interface AgentOptions {
  generate: (messages: readonly ChatMessage[], tools: readonly ToolDefinition[], signal?: AbortSignal) => Promise<GenerationResult>;
  registry: ToolRegistry;
  messages: readonly ChatMessage[];
  maxSteps?: number;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /**
   * Run the valid calls of a turn that also holds invalid ones, answering each invalid call with its error
   * (for tools that only propose, like form filling: one mistyped id should not cost the whole plan). By
   * default a turn runs whole or not at all.
   */
  partialTurns?: boolean;
}

export async function runAgent(options: AgentOptions): Promise<AgentResult> {
  const { registry, signal } = options;
  const maxSteps = options.maxSteps ?? 6;
  const messages = [...options.messages];
  let retried = false;
  for (let step = 1; step <= maxSteps; step++) {
    signal?.throwIfAborted();
    const generation = await options.generate(messages, registry.definitions(), signal);
    if (generation.toolCallText.trim() === '') {
      messages.push({ role: 'assistant', content: generation.answer });
      return { answer: generation.answer, finish: 'answer', messages, steps: step };
    }
    const checked = checkCalls(generation.toolCallText, registry, options.partialTurns ?? false);
    if ('problem' in checked) {
      options.onEvent?.({ type: 'tool-error', step, problem: checked.problem });
      if (retried) return { answer: generation.answer, finish: 'tool-error', problem: checked.problem, messages, steps: step };
      retried = true;
      messages.push({ role: 'assistant', content: `${generation.answer}\n${generation.toolCallText}`.trim() });
      messages.push({ role: 'tool', content: JSON.stringify({ error: checked.problem.code, message: checked.problem.message }) });
      continue;
    }
    retried = false;
    messages.push({ role: 'assistant', content: generation.answer, toolCalls: checked.calls.map((c) => c.call) });
    for (const { call, run, problem } of checked.calls) {
      if (problem) {
        options.onEvent?.({ type: 'tool-error', step, problem });
        messages.push({ role: 'tool', content: JSON.stringify({ error: problem.code, message: problem.message }) });
        continue;
      }
      options.onEvent?.({ type: 'tool-call', step, call });
      signal?.throwIfAborted();
      const result = await run(signal);
      options.onEvent?.({ type: 'tool-result', step, name: call.name, result });
      messages.push({ role: 'tool', content: JSON.stringify(result) });
    }
  }
  return { answer: '', finish: 'step-limit', messages, steps: maxSteps };
}

type CheckedCall = { call: ToolCallMessage; run: (signal?: AbortSignal) => Promise<JsonValue>; problem?: ToolCallProblem };
type CheckedCalls = { calls: CheckedCall[] } | { problem: ToolCallProblem };

/**
 * All calls of one turn are checked before any runs: a turn runs whole or not at all, unless `partial`, where
 * the valid calls run and each invalid one carries its problem (a turn with no valid call is still a problem).
 */
function checkCalls(text: string, registry: ToolRegistry, partial: boolean): CheckedCalls {
  let parsed;
  try {
    parsed = parseToolCalls(text);
  } catch (error) {
    if (error instanceof ToolCallSyntaxError) return { problem: { code: 'malformed', message: `The tool call could not be read: ${error.message}.` } };
    throw error;
  }
  const calls: CheckedCall[] = [];
  for (const call of parsed) {
    const checked = registry.check(call);
    if ('problem' in checked) {
      if (!partial) return checked;
      calls.push({ call, run: async () => null, problem: checked.problem });
      continue;
    }
    calls.push({ call, run: (signal?: AbortSignal) => checked.tool.run(call.arguments, signal) });
  }
  const invalid = calls.find((call) => call.problem);
  if (invalid && calls.every((call) => call.problem)) return { problem: invalid.problem! };
  return { calls };
}
