import * as ort from 'onnxruntime-node';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFusedCheckpoint, writeShardedCheckpoint } from '../../../scripts/export/checkpoint-variants';
import { exportCheckpoint } from '../../../scripts/export/export-checkpoint';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { parseConfig } from '../../../src/model/config';
import { OrtDecoder, sessionRunner } from './ort-decoder';
import { PROMPTS } from './lfm2-vs-reference';

/**
 * Checkpoints as they are published: experts per expert or fused, one file or shards. Each exports to a graph
 * that computes exactly what the per-expert single-file checkpoint's export computes (the same quantized
 * weights, placed in the order that checkpoint stores them).
 */
async function logitsOf(dir: string, dtype: 'q4'): Promise<Float32Array[]> {
  const config = parseConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  const session = await ort.InferenceSession.create(join(dir, `onnx/model_${dtype}.onnx`));
  const decoder = new OrtDecoder(sessionRunner(ort, session), config, 'float32');
  const prompt = await decoder.prefill([PROMPTS[0]!]);
  const steps = [await decoder.step([7]), await decoder.step([42])];
  return [...prompt[0]!, ...steps.map((s) => s[0]!)];
}

describe('checkpoint shapes', () => {
  const moe = ensureTestModel('tiny-moe');

  it.each([
    ['fused experts', (to: string) => writeFusedCheckpoint(moe.checkpoint, to)],
    ['three shards', (to: string) => writeShardedCheckpoint(moe.checkpoint, to, 3)],
  ])('%s export to a graph that computes the same logits', async (_what, write) => {
    const root = mkdtempSync(join(tmpdir(), 'lfm2-shape-'));
    write(join(root, 'checkpoint'));
    exportCheckpoint({ checkpoint: join(root, 'checkpoint'), out: join(root, 'out'), dtype: 'q4' });
    const expected = await logitsOf(moe.dir, 'q4');
    const actual = await logitsOf(join(root, 'out'), 'q4');
    expect(actual.length).toBe(expected.length);
    actual.forEach((row, i) => expect(Array.from(row)).toEqual(Array.from(expected[i]!)));
  });

  it('a fused tensor of the wrong shape is named', () => {
    const root = mkdtempSync(join(tmpdir(), 'lfm2-shape-'));
    writeFusedCheckpoint(moe.checkpoint, join(root, 'checkpoint'));
    const config = JSON.parse(readFileSync(join(root, 'checkpoint/config.json'), 'utf8')) as Record<string, unknown>;
    const wrong = { ...config, moe_intermediate_size: 32 };
    writeFileSync(join(root, 'checkpoint/config.json'), JSON.stringify(wrong));
    expect(() => exportCheckpoint({ checkpoint: join(root, 'checkpoint'), out: join(root, 'out'), dtype: 'q4' })).toThrow(/gate_up_proj has shape \[8, 128, 64\], but the config implies \[8, 64, 64\]/);
  });
});
