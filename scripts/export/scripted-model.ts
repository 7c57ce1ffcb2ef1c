// A "scripted" test model: loads and runs like any LFM2 folder (real tokenizer, chat template and ONNX graph in
// real onnxruntime) but its greedy answer to each assistant turn is text fixed in advance. Random-weight test
// models only emit noise, so e2e tests of tool calling (form filling) need this to script the model's calls
// while the engine's generation, sampling, chat format, tool-call parsing and agent loop all run for real.
//
// The graph keeps two numbers in its one conv state, so prefill chunks, prefix-cache reuse and token-by-token
// decoding all see the same thing: tokens since the last <|im_start|>, and <|im_start|> tokens seen so far.
// Its only logit above the rest (by a margin no sampling default can undo) is
// script[starts][tokens since <|im_start|> − tokens of "assistant\n"], or <|im_end|> past the end or where
// no script is given.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChatFormat } from '../../src/engine/chat-format';
import { encodeGraph, GraphBuilder } from '../../src/model/onnx/graph-builder';
import { DataType } from '../../src/model/onnx/onnx-proto';
import { sourceHash } from './test-models';
import { writeTokenizerFiles } from './tokenizer-files';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The graph the CPU (WASM) engine asks for; the scripted graph has no weights, so any dtype name would do. */
export const SCRIPTED_DTYPE = 'int8';
const VOCAB = 512;
/** Logit of the scripted token; every other token gets its negative. Far beyond temperature, top-k or repetition penalty. */
const MARGIN = 100;
/** The conv state holds [tokens since the last <|im_start|>, <|im_start|> count]: hidden 2, one column. */
const STATE_ROWS = 2;

const config = {
  model_type: 'lfm2',
  architectures: ['Lfm2ForCausalLM'],
  vocab_size: VOCAB,
  hidden_size: STATE_ROWS,
  num_hidden_layers: 1,
  layer_types: ['conv'],
  conv_L_cache: 1,
  num_attention_heads: 1,
  num_key_value_heads: 1,
  intermediate_size: STATE_ROWS,
  block_auto_adjust_ff_dim: false,
  max_position_embeddings: 128000,
  bos_token_id: 1,
  eos_token_id: 7,
  pad_token_id: 0,
  tie_word_embeddings: true,
};

/**
 * The folder of a model whose answer, when the prompt holds `starts` <|im_start|> tokens (the assistant's own
 * opening included), is `scripts[starts]`; built once per script set and generator version. Script text is
 * tokenized with the model's tokenizer, so `<|tool_call_start|>` and the like become their single tokens.
 */
export function ensureScriptedModel(scripts: Record<number, string>): string {
  const template = readFileSync(join(ROOT, 'scripts/export/chat-template.jinja'));
  const transformers = readFileSync(join(ROOT, 'node_modules/@huggingface/transformers/package.json'));
  const hash = createHash('sha256').update(JSON.stringify(Object.entries(scripts).sort())).update(sourceHash()).update(template).update(transformers).digest('hex').slice(0, 12);
  const dir = join(ROOT, '.cache/test-models', `scripted-${hash}`);
  const graphFile = join(dir, `onnx/model_${SCRIPTED_DTYPE}.onnx`);
  if (existsSync(graphFile)) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'onnx'), { recursive: true });
  writeTokenizerFiles(staging, VOCAB);
  writeFileSync(join(staging, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(staging, 'generation_config.json'), JSON.stringify({ bos_token_id: 1, eos_token_id: 7, pad_token_id: 0 }, null, 2));
  const json = (name: string) => JSON.parse(readFileSync(join(staging, name), 'utf8')) as Record<string, unknown>;
  const chat = new ChatFormat({ config, generationConfig: {}, tokenizer: json('tokenizer.json'), tokenizerConfig: json('tokenizer_config.json') });
  writeFileSync(join(staging, `onnx/model_${SCRIPTED_DTYPE}.onnx`), scriptedGraph(chat, scripts));
  if (!existsSync(graphFile)) {
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } else rmSync(staging, { recursive: true, force: true });
  return dir;
}

function scriptedGraph(chat: ChatFormat, scripts: Record<number, string>): Uint8Array {
  const imStart = chat.tokenId('<|im_start|>');
  const imEnd = chat.tokenId('<|im_end|>');
  if (imStart === undefined || imEnd === undefined) throw new Error('the tokenizer has no <|im_start|> or <|im_end|> token');
  // What the template puts after the assistant's <|im_start|>, as the engine will have tokenized it.
  const opening = chat.prompt([{ role: 'user', content: 'x' }]);
  const skip = opening.length - 1 - opening.lastIndexOf(imStart);

  const turns = Object.entries(scripts).map(([starts, text]) => {
    const ids = chat.encode(text);
    if (!Number.isInteger(Number(starts)) || Number(starts) < 0) throw new Error(`script key ${starts} is not a count of <|im_start|> tokens`);
    if (ids.includes(imStart) || ids.some((id) => chat.stopTokenIds.has(id))) throw new Error(`script ${starts} holds <|im_start|> or a stop token`);
    return { starts: Number(starts), ids };
  });
  // One row per start count, one column per answer position; the extra last row and column are all <|im_end|>,
  // where counts and positions past the table are clipped to.
  const rows = Math.max(0, ...turns.map((t) => t.starts)) + 2;
  const cols = Math.max(0, ...turns.map((t) => t.ids.length)) + 1;
  const table = new BigInt64Array(rows * cols).fill(BigInt(imEnd));
  for (const { starts, ids } of turns) ids.forEach((id, j) => (table[starts * cols + j] = BigInt(id)));

  const g = new GraphBuilder('pagewise_scripted');
  const f32 = (prefix: string, value: number) => g.constant(prefix, 'float32', [], new Float32Array([value]));
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  // Declared because the engine feeds what LFM2 graphs take; the script does not need it.
  g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const past = g.input('past_conv.0', 'float32', ['batch_size', STATE_ROWS, 1]);

  const isStart = g.op1('Cast', [g.op1('Equal', [inputIds, g.constInt64('im_start', [imStart])])], { to: DataType.float32 });
  const length = g.op1('Cast', [g.op1('Gather', [g.op1('Shape', [inputIds]), g.constInt64('seq_axis', [1], [])], { axis: 0 })], { to: DataType.float32 });
  const axis1 = g.constInt64('axis1', [1]);
  // 1 + index of the chunk's last <|im_start|>, or 0 when it has none.
  const positions = g.op1('Add', [g.op1('Range', [f32('zero', 0), length, f32('one', 1)]), f32('one', 1)]);
  const lastStart = g.op1('ReduceMax', [g.op1('Mul', [isStart, positions]), axis1], { keepdims: 1 });
  const previousSince = g.op1('Gather', [past, g.constInt64('since_row', [0], [])], { axis: 1 });
  const previousStarts = g.op1('Gather', [past, g.constInt64('starts_row', [1], [])], { axis: 1 });
  const since = g.op1('Where', [g.op1('Greater', [lastStart, f32('zero', 0)]), g.op1('Sub', [length, lastStart]), g.op1('Add', [previousSince, length])]);
  const starts = g.op1('Add', [previousStarts, g.op1('ReduceSum', [isStart, axis1], { keepdims: 1 })]);
  g.op1('Unsqueeze', [g.op1('Concat', [since, starts], { axis: 1 }), g.constInt64('state_axis', [2])], {}, { outputs: ['present_conv.0'] });
  g.output('present_conv.0', 'float32', ['batch_size', STATE_ROWS, 1]);

  const row = g.op1('Clip', [starts, f32('row_min', 0), f32('row_max', rows - 1)]);
  const col = g.op1('Clip', [g.op1('Sub', [since, f32('skip', skip)]), f32('col_min', 0), f32('col_max', cols - 1)]);
  const flat = g.op1('Cast', [g.op1('Add', [g.op1('Mul', [row, f32('cols', cols)]), col])], { to: DataType.int64 });
  const token = g.op1('Gather', [g.constInt64('script', [...table].map(Number)), flat], { axis: 0 });
  const chosen = g.op1('Cast', [g.op1('Equal', [token, g.constInt64('vocab', [...Array(VOCAB).keys()])])], { to: DataType.float32 });
  const logits = g.op1('Sub', [g.op1('Mul', [chosen, f32('twice_margin', 2 * MARGIN)]), f32('margin', MARGIN)]);
  // Only the last position's logits, [batch, 1, vocab], as the int8 (WASM) LFM2 graphs return them.
  g.op1('Unsqueeze', [logits, axis1], {}, { outputs: ['logits'] });
  g.output('logits', 'float32', ['batch_size', 1, VOCAB]);
  return encodeGraph(g.build());
}
