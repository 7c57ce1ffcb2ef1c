import { describe, expect, it } from 'vitest';
import { runAgent, type AgentEvent } from '../../../src/engine/agent-loop';
import type { ChatMessage } from '../../../src/engine/chat-format';
import type { GenerationResult } from '../../../src/engine/generation';
import { ToolRegistry } from '../../../src/engine/tool-registry';

const base: GenerationResult = { answer: '', thinking: '', toolCallText: '', thinkingUnclosed: false, finishReason: 'stop', tokens: [], promptTokens: 0, reusedTokens: 0, ttftMs: 0, totalMs: 0 };

/** A model that replies with each scripted turn in order, recording what it was shown. */
function scriptedModel(turns: Partial<GenerationResult>[]) {
  const seen: ChatMessage[][] = [];
  return {
    seen,
    generate: async (messages: readonly ChatMessage[]) => {
      seen.push([...messages]);
      return { ...base, ...turns[seen.length - 1] };
    },
  };
}

function registry(log: unknown[] = []) {
  return new ToolRegistry().register({
    definition: {
      name: 'fill_field',
      description: 'Fill a form field',
      parameters: { type: 'object', properties: { id: { type: 'string' }, value: { type: 'string' } }, required: ['id', 'value'], additionalProperties: false },
    },
    run: async (args) => {
      log.push(args);
      return { ok: true };
    },
  });
}

const user: ChatMessage[] = [{ role: 'user', content: 'Fill my name' }];

describe('runAgent', () => {
  it('runs a valid call, shows it, feeds the result back and returns the answer', async () => {
    const ran: unknown[] = [];
    const events: AgentEvent[] = [];
    const model = scriptedModel([{ toolCallText: "[fill_field(id='f3', value='Priya')]" }, { answer: 'Done.' }]);
    const result = await runAgent({ generate: model.generate, registry: registry(ran), messages: user, onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ answer: 'Done.', finish: 'answer', steps: 2 });
    expect(ran).toEqual([{ id: 'f3', value: 'Priya' }]);
    expect(events.map((e) => e.type)).toEqual(['tool-call', 'tool-result']);
    expect(model.seen[1]?.at(-1)).toEqual({ role: 'tool', content: '{"ok":true}' });
    expect(model.seen[1]?.at(-2)).toMatchObject({ role: 'assistant', toolCalls: [{ name: 'fill_field', arguments: { id: 'f3', value: 'Priya' } }] });
  });

  it('explains a bad call to the model once, then succeeds when it corrects itself', async () => {
    const ran: unknown[] = [];
    const model = scriptedModel([{ toolCallText: "[fill_field(id='f3')]" }, { toolCallText: "[fill_field(id='f3', value='P')]" }, { answer: 'ok' }]);
    const result = await runAgent({ generate: model.generate, registry: registry(ran), messages: user });
    expect(result.finish).toBe('answer');
    expect(ran).toHaveLength(1);
    const feedback = JSON.parse(model.seen[1]?.at(-1)?.content ?? '{}');
    expect(feedback).toMatchObject({ error: 'invalid-arguments' });
    expect(feedback.message).toContain('value');
  });

  it('gives up with a structured error after a second bad call, running nothing', async () => {
    const ran: unknown[] = [];
    const model = scriptedModel([{ toolCallText: '[fill_field(id=' }, { toolCallText: '[delete_everything()]' }]);
    const result = await runAgent({ generate: model.generate, registry: registry(ran), messages: user });
    expect(result).toMatchObject({ finish: 'tool-error', problem: { code: 'unknown-tool', tool: 'delete_everything' } });
    expect(ran).toEqual([]);
  });

  it('stops at the step bound when the model keeps calling tools', async () => {
    const model = scriptedModel(Array.from({ length: 10 }, () => ({ toolCallText: "[fill_field(id='a', value='b')]" })));
    const result = await runAgent({ generate: model.generate, registry: registry(), messages: user, maxSteps: 3 });
    expect(result).toMatchObject({ finish: 'step-limit', steps: 3 });
    expect(model.seen).toHaveLength(3);
  });
});
