// Writes a seeded random checkpoint (config.json + model.safetensors) in BF16, as LiquidAI publishes theirs
// (config.json "torch_dtype": "bfloat16"), streaming a bounded chunk at a time so a full-size preset needs
// neither its weights in memory nor twice its size on disk (lfm2.5-8b-a1b: ~16.7 GB rather than ~33 GB).
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/model/config';
import { encodeSafetensorsHeader, toBfloat16Bits } from '../../src/model/safetensors';
import { expectedWeights } from '../../src/model/weight-names';

/** xorshift32: fast, seeded, and identical on every platform. */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Values a trained model would roughly have: unit-ish norms, fan-in scaled projections, small biases. */
export function distribution(name: string, shape: number[]): { center: number; scale: number } {
  if (name.endsWith('norm.weight') || name.endsWith('layernorm.weight')) return { center: 1, scale: 0.2 };
  if (name.endsWith('expert_bias')) return { center: 0, scale: 0.05 };
  if (name.endsWith('conv.conv.weight')) return { center: 0, scale: 0.5 };
  if (name.endsWith('embed_tokens.weight')) return { center: 0, scale: 1 };
  return { center: 0, scale: Math.sqrt(3 / (shape[shape.length - 1] as number)) };
}

/**
 * Fields transformers types as float. JSON.stringify writes 1.0 as 1, and transformers 5's strict config
 * classes refuse an int there ("Field 'routed_scaling_factor' expected float, got int"), as seen when the
 * upstream model loaded our tiny-moe checkpoint (test/fixtures/upstream/).
 */
const FLOAT_FIELDS = ['norm_eps', 'routed_scaling_factor', 'block_ffn_dim_multiplier', 'initializer_range'];

export function configJson(config: Record<string, unknown>): string {
  let text = JSON.stringify(config, null, 2);
  for (const key of FLOAT_FIELDS) {
    const value = config[key];
    if (typeof value === 'number' && Number.isInteger(value)) text = text.replace(`"${key}": ${value}`, `"${key}": ${value}.0`);
  }
  return text;
}

/** Values per write (4 MiB of BF16), whatever the tensor's size. */
export const CHUNK_VALUES = 2 * 1024 * 1024;

/**
 * `F32` keeps the tiny test models' numbers as they were measured (see test-models.ts); full-size presets
 * use the default.
 */
export function writeRandomCheckpoint(dir: string, rawConfig: Record<string, unknown>, seed: number, dtype: 'BF16' | 'F32' = 'BF16'): void {
  mkdirSync(dir, { recursive: true });
  const specs = expectedWeights(parseConfig(rawConfig));
  writeFileSync(join(dir, 'config.json'), configJson({ torch_dtype: dtype === 'BF16' ? 'bfloat16' : 'float32', ...rawConfig }));
  const { header } = encodeSafetensorsHeader(specs, dtype);
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const chunk = dtype === 'BF16' ? new Uint16Array(CHUNK_VALUES) : new Float32Array(CHUNK_VALUES);
  const bytes = new Uint8Array(chunk.buffer);
  const width = chunk.BYTES_PER_ELEMENT;
  try {
    writeSync(fd, header);
    const next = random(seed);
    for (const spec of specs) {
      const { center, scale } = distribution(spec.name, spec.shape);
      let left = spec.shape.reduce((a, b) => a * b, 1);
      while (left > 0) {
        const n = Math.min(left, CHUNK_VALUES);
        for (let i = 0; i < n; i++) {
          f32[0] = center + (next() * 2 - 1) * scale;
          chunk[i] = dtype === 'BF16' ? toBfloat16Bits(u32[0] as number) : (f32[0] as number);
        }
        for (let done = 0; done < width * n; ) done += writeSync(fd, bytes, done, width * n - done);
        left -= n;
      }
    }
  } finally {
    closeSync(fd);
  }
}
