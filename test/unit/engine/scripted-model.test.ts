// The scripted test model (scripts/export/scripted-model.ts) through the real engine, on onnxruntime-node and on
// onnxruntime-web's WASM backend: its answers are the scripts, token for token, under the engine's default
// sampling, and the agent loop runs the tool call it scripts. What form-filling e2e tests build on.
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ensureScriptedModel, SCRIPTED_DTYPE } from '../../../scripts/export/scripted-model';
import { runAgent } from '../../../src/engine/agent-loop';
import type { ChatMessage, ToolDefinition } from '../../../src/engine/chat-format';
import { Engine } from '../../../src/engine/engine';
import { PREFILL_CHUNK, type GenerationResult } from '../../../src/engine/generation';
import type { OrtApi, OrtSession } from '../../../src/engine/ort-types';
import { ToolRegistry } from '../../../src/engine/tool-registry';
import { FolderModelSource } from '../../support/folder-model-source';

const CALL = "<|tool_call_start|>[fill_field(id='f1', value='Priya')]<|tool_call_end|>";
const FINAL = 'I filled in your name.';
// Keys count the <|im_start|> tokens of the whole prompt. First turn: system (the tool list) + user + the
// assistant's opening = 3. After it: that turn (now the assistant's call) + one tool result + the next opening
// = 3 + 1 + 1 = 5.
const scripts = { 3: CALL, 5: FINAL };

ortWeb.env.wasm.numThreads = 1;

/** onnxruntime-node, or onnxruntime-web's WASM backend: the runtime the extension ships for the CPU. */
async function loadEngine(runtime: 'node' | 'wasm' = 'node'): Promise<Engine> {
  const ort = runtime === 'node' ? ortNode : ortWeb;
  return Engine.load({
    ort: ort as unknown as OrtApi,
    source: new FolderModelSource(ensureScriptedModel(scripts)),
    dtype: SCRIPTED_DTYPE,
    createSession: async (graph) =>
      (runtime === 'node'
        ? await ortNode.InferenceSession.create(graph.bytes, { externalData: graph.externalData })
        : await ortWeb.InferenceSession.create(graph.bytes, { executionProviders: ['wasm'] })) as unknown as OrtSession,
  });
}

function registry(ran: unknown[]): ToolRegistry {
  return new ToolRegistry().register({
    definition: {
      name: 'fill_field',
      description: 'Fill a form field',
      parameters: { type: 'object', properties: { id: { type: 'string' }, value: { type: 'string' } }, required: ['id', 'value'], additionalProperties: false },
    },
    run: async (args) => {
      ran.push(args);
      return { ok: true };
    },
  });
}

const user: ChatMessage[] = [{ role: 'user', content: 'Fill in my name: Priya.' }];

function starts(engine: Engine, messages: readonly ChatMessage[], tools: readonly ToolDefinition[]): number {
  return engine.chat.prompt(messages, tools).filter((id) => id === engine.chat.tokenId('<|im_start|>')).length;
}

describe('scripted test model', () => {
  it('answers the first turn with the scripted tool call, which the engine splits off as tool-call text', async () => {
    const engine = await loadEngine();
    const tools = registry([]).definitions();
    expect(starts(engine, user, tools)).toBe(3);
    // The engine's default sampling (temperature 0.2, top-k 80, repetition penalty 1.05) cannot move it.
    const result = await engine.generate({ messages: user, tools });
    expect(engine.chat.decode(result.tokens)).toBe(CALL);
    expect(result.toolCallText).toBe("[fill_field(id='f1', value='Priya')]");
    expect(result).toMatchObject({ answer: '', finishReason: 'stop' });
    // The tool list makes the prompt longer than one prefill run: the count survives the chunking.
    expect(result.promptTokens).toBeGreaterThan(PREFILL_CHUNK);
    await engine.dispose();
  });

  it.each(['node', 'wasm'] as const)('runs the call through the agent loop and gives the scripted answer on the turn after the tool result (%s)', async (runtime) => {
    const engine = await loadEngine(runtime);
    const ran: unknown[] = [];
    const seen: number[] = [];
    const generations: GenerationResult[] = [];
    const generate = (messages: readonly ChatMessage[], tools: readonly ToolDefinition[], signal?: AbortSignal) => {
      seen.push(starts(engine, messages, tools));
      return engine.generate({ messages, tools }, signal).then((generation) => (generations.push(generation), generation));
    };
    const result = await runAgent({ generate, registry: registry(ran), messages: user });
    expect(seen).toEqual([3, 5]);
    // The second turn starts from the state the first one ended in (prefix cache), fed only the rest.
    const [first, second] = generations as [GenerationResult, GenerationResult];
    expect(second.reusedTokens).toBe(first.promptTokens + first.tokens.length);
    expect(ran).toEqual([{ id: 'f1', value: 'Priya' }]);
    expect(result).toMatchObject({ answer: FINAL, finish: 'answer', steps: 2 });
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    await engine.dispose();
  });

  it('ends a turn with no script at once, with an empty answer', async () => {
    const engine = await loadEngine();
    // No tools: no system turn, so user + opening = 2 starts, which has no script.
    expect(starts(engine, user, [])).toBe(2);
    const result = await engine.generate({ messages: user });
    expect(result).toMatchObject({ answer: '', toolCallText: '', tokens: [], finishReason: 'stop' });
    await engine.dispose();
  });
});
