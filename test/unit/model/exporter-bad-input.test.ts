import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSafetensorsHeader } from '../../../src/model/safetensors';
import { expectedWeights } from '../../../src/model/weight-names';
import { parseConfig } from '../../../src/model/config';
import { exportCheckpoint } from '../../../scripts/export/export-checkpoint';
import { PRESETS } from '../../../scripts/export/presets';
import { writeRandomCheckpoint } from '../../../scripts/export/random-checkpoint';

function checkpoint(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lfm2-bad-'));
  writeRandomCheckpoint(dir, { ...PRESETS['tiny-dense'] }, 1);
  return dir;
}

const exportTo = (dir: string) => () => exportCheckpoint({ checkpoint: dir, out: join(dir, 'out'), dtype: 'q4' });

/** Rewrites model.safetensors with `edit` applied to the list of tensors (random values). */
function rewrite(dir: string, edit: (specs: { name: string; shape: number[] }[]) => { name: string; shape: number[] }[]): void {
  const specs = edit(expectedWeights(parseConfig({ ...PRESETS['tiny-dense'] })));
  const { header } = encodeSafetensorsHeader(specs);
  const size = specs.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const file = new Uint8Array(header.length + size);
  file.set(header);
  writeFileSync(join(dir, 'model.safetensors'), file);
}

describe('exporter refuses bad input with a message naming the problem', () => {
  it('unknown model_type', () => {
    const dir = checkpoint();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), model_type: 'llama' }));
    expect(exportTo(dir)).toThrow(/unknown model_type "llama"/);
  });

  it('a missing tensor', () => {
    const dir = checkpoint();
    rewrite(dir, (specs) => specs.filter((s) => s.name !== 'model.layers.2.self_attn.k_proj.weight'));
    expect(exportTo(dir)).toThrow(/has no tensor model\.layers\.2\.self_attn\.k_proj\.weight/);
  });

  it('a shape that disagrees with the config', () => {
    const dir = checkpoint();
    rewrite(dir, (specs) => specs.map((s) => (s.name === 'model.layers.0.feed_forward.w1.weight' ? { ...s, shape: [192, 64] } : s)));
    expect(exportTo(dir)).toThrow(/model\.layers\.0\.feed_forward\.w1\.weight has shape \[192, 64\], but the config implies \[128, 64\]/);
  });

  it('a truncated safetensors file', () => {
    const dir = checkpoint();
    const file = join(dir, 'model.safetensors');
    truncateSync(file, statSync(file).size - 1000);
    expect(exportTo(dir)).toThrow(/truncated: tensor .* ends at byte \d+ but the file has \d+/);
  });
});
