// Compares an exported graph with the Float64 reference: a whole prompt, 32+ cached decode steps, and a
// left-padded batch of two prompts of different lengths. Shared by the node, WASM and WebGPU test files; the
// ORT side is a `ForwardRunner` (a session in this process, or one in a browser page).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type Lfm2Config } from '../../../src/model/config';
import type { ExportDtype } from '../../../src/model/export-dtype';
import { Lfm2Reference } from '../../support/lfm2-reference';
import { CheckpointReader } from '../../../scripts/export/checkpoint-reader';
import type { TestModel } from '../../../scripts/export/test-models';
import { argmax, OrtDecoder, relativeError, type ForwardRunner } from './ort-decoder';

export const PROMPTS = [
  [1, 6, 300, 17, 401, 88, 120, 7, 6, 250, 99],
  [1, 6, 42, 310, 77],
];
export const DECODE_STEPS = 34;

export interface Comparison {
  /** Largest ‖ort − ref‖ / ‖ref‖ over every compared logits row. */
  maxRelativeError: number;
  /** The same, over the prompt's rows only and over the decode steps only. */
  promptRelativeError: number;
  decodeRelativeError: number;
  /** Greedy tokens chosen from the reference, and whether ORT's argmax agreed at every step. */
  tokens: number[][];
  greedyAgrees: boolean;
}

export function loadModel(model: TestModel): Lfm2Config {
  return parseConfig(JSON.parse(readFileSync(join(model.dir, 'config.json'), 'utf8')));
}

export async function compareWithReference(
  runner: ForwardRunner,
  model: TestModel,
  dtype: ExportDtype,
  prompts: number[][],
  steps: number,
  positionShift = 0,
): Promise<Comparison> {
  const config = loadModel(model);
  const reference = new Lfm2Reference(config, new CheckpointReader(model.checkpoint), dtype);
  const decoder = new OrtDecoder(runner, config, dtype === 'q4f16' ? 'float16' : 'float32', positionShift);
  const states = prompts.map(() => reference.newState());
  let promptRelativeError = 0;
  let decodeRelativeError = 0;
  let greedyAgrees = true;
  const check = (ortRow: Float32Array, refRow: Float64Array, phase: 'prompt' | 'decode') => {
    // Math.max keeps a NaN, so a NaN row fails every `toBeLessThan` below.
    const error = relativeError(ortRow, refRow);
    if (phase === 'prompt') promptRelativeError = Math.max(promptRelativeError, error);
    else decodeRelativeError = Math.max(decodeRelativeError, error);
    if (argmax(ortRow) !== argmax(refRow)) greedyAgrees = false;
  };
  const ortPrompt = await decoder.prefill(prompts);
  const tokens = prompts.map(() => [] as number[]);
  let next = prompts.map((p, row) => {
    const refRows = reference.forward(p, states[row]!);
    refRows.forEach((r, t) => check(ortPrompt[row]![t]!, r, 'prompt'));
    return argmax(refRows[refRows.length - 1]!);
  });
  for (let step = 0; step < steps; step++) {
    next.forEach((t, row) => tokens[row]!.push(t));
    const ortRows = await decoder.step(next);
    next = next.map((t, row) => {
      const [refRow] = reference.forward([t], states[row]!);
      check(ortRows[row]!, refRow!, 'decode');
      return argmax(refRow!);
    });
  }
  return { maxRelativeError: Math.max(promptRelativeError, decodeRelativeError), promptRelativeError, decodeRelativeError, tokens, greedyAgrees };
}
