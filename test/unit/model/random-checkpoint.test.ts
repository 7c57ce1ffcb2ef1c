// The random checkpoint writer: BF16 like the published LFM2.5 checkpoints, written in bounded chunks so a
// full-size preset (lfm2.5-8b-a1b: 8.3B values) never needs its weights, or one whole tensor, in memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/model/config';
import { parseSafetensorsHeader, toBfloat16Bits } from '../../../src/model/safetensors';
import { expectedWeights } from '../../../src/model/weight-names';
import { CheckpointReader } from '../../../scripts/export/checkpoint-reader';
import { PRESETS } from '../../../scripts/export/presets';
import { writeRandomCheckpoint } from '../../../scripts/export/random-checkpoint';

const bits = (value: number) => new Uint32Array(new Float32Array([value]).buffer)[0]!;

describe('random checkpoints', () => {
  it('rounds float32 to bfloat16 to nearest, ties to even', () => {
    expect(toBfloat16Bits(bits(1))).toBe(0x3f80);
    expect(toBfloat16Bits(bits(-2))).toBe(0xc000);
    expect(toBfloat16Bits(0x3f808000)).toBe(0x3f80); // halfway, even stays
    expect(toBfloat16Bits(0x3f818000)).toBe(0x3f82); // halfway, odd rounds up
    expect(toBfloat16Bits(0x3f808001)).toBe(0x3f81);
    expect(toBfloat16Bits(bits(Infinity))).toBe(0x7f80);
    expect(toBfloat16Bits(bits(NaN)) & 0x7fff).toBeGreaterThan(0x7f80);
  });

  it('are BF16 safetensors the exporter reads back, every tensor of the config present', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lfm2-bf16-'));
    writeRandomCheckpoint(dir, { ...PRESETS['tiny-moe'] }, 3);
    const file = join(dir, 'model.safetensors');
    const specs = expectedWeights(parseConfig({ ...PRESETS['tiny-moe'] }));
    const entries = parseSafetensorsHeader(readFileSync(file), statSync(file).size, file);
    expect(entries.map((e) => e.dtype)).toEqual(specs.map(() => 'BF16'));
    const values = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(statSync(file).size - entries[0]!.begin).toBe(2 * values);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).torch_dtype).toBe('bfloat16');

    const reader = new CheckpointReader(dir);
    const norm = reader.read('model.layers.0.operator_norm.weight', [64]);
    expect(Math.min(...norm)).toBeGreaterThan(0.79);
    expect(Math.max(...norm)).toBeLessThan(1.21);
    // Every value is exactly a bfloat16: the low half of its float32 bits is zero.
    expect(new Uint32Array(norm.buffer).every((b) => (b & 0xffff) === 0)).toBe(true);
  });

  it('stream: a 64M-value embedding (256 MB as float32) is written with far less memory than that', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lfm2-big-'));
    const config = {
      ...PRESETS['tiny-dense'], vocab_size: 65536, hidden_size: 1024, num_hidden_layers: 1, layer_types: ['conv'],
      num_attention_heads: 16, num_key_value_heads: 8, block_ff_dim: 1536, intermediate_size: 1536,
    };
    const script = `
      import { writeRandomCheckpoint } from ${JSON.stringify(resolve(import.meta.dirname, '../../../scripts/export/random-checkpoint.ts'))};
      writeRandomCheckpoint(${JSON.stringify(dir)}, ${JSON.stringify(config)}, 5);
      process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));`;
    const { maxRssKiB } = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as { maxRssKiB: number };
    const embedding = 65536 * 1024;
    expect(statSync(join(dir, 'model.safetensors')).size).toBeGreaterThan(2 * embedding);
    console.log(`peak RSS writing ${(statSync(join(dir, 'model.safetensors')).size / 2 ** 20).toFixed(0)} MiB of BF16: ${(maxRssKiB / 1024).toFixed(0)} MiB`);
    // Node with tsx alone takes ~100 MiB; one float32 copy of the embedding would add 256 MiB.
    expect(maxRssKiB * 1024).toBeLessThan(200 * 2 ** 20);
  }, 120_000);
});
