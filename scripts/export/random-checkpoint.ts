// Writes a seeded random checkpoint (config.json + model.safetensors, float32), streaming one tensor at a
// time so full-size presets do not need their weights in memory.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/model/config';
import { encodeSafetensorsHeader } from '../../src/model/safetensors';
import { expectedWeights } from '../../src/model/weight-names';

/** xorshift32: fast, seeded, and identical on every platform. */
function random(seed: number): () => number {
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
function fill(name: string, shape: number[], next: () => number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const uniform = (scale: number, center = 0) => {
    for (let i = 0; i < out.length; i++) out[i] = center + (next() * 2 - 1) * scale;
  };
  if (name.endsWith('norm.weight') || name.endsWith('layernorm.weight')) uniform(0.2, 1);
  else if (name.endsWith('expert_bias')) uniform(0.05);
  else if (name.endsWith('conv.conv.weight')) uniform(0.5);
  else if (name.endsWith('embed_tokens.weight')) uniform(1);
  else uniform(Math.sqrt(3 / (shape[shape.length - 1] as number)));
  return out;
}

export function writeRandomCheckpoint(dir: string, rawConfig: Record<string, unknown>, seed: number): void {
  mkdirSync(dir, { recursive: true });
  const specs = expectedWeights(parseConfig(rawConfig));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(rawConfig, null, 2));
  const { header } = encodeSafetensorsHeader(specs);
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  try {
    writeSync(fd, header);
    const next = random(seed);
    for (const spec of specs) {
      const values = fill(spec.name, spec.shape, next);
      const bytes = new Uint8Array(values.buffer);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    }
  } finally {
    closeSync(fd);
  }
}
