// @vitest-environment happy-dom
// The settings' "This device" section explains the model choice in words, with what each built-in model costs
// here: a report judged by the real fit rules, shown through chrome.i18n's English messages.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { chooseModel, judgeModels } from '../../../src/engine/model-choice';
import type { Capabilities } from '../../../src/engine/capability-probe';
import type { HardwareReport } from '../../../src/protocol';
import { BUILT_IN_MODELS, candidatesOf } from '../../../src/store/model-registry';
import { mountHardwarePanel } from '../../../src/ui/options/hardware-panel';
import type { EngineConnection } from '../../../src/ui/shared/engine-connection';

const ROOT = resolve(import.meta.dirname, '../../..');
const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;

beforeAll(() => {
  const getMessage = (key: string, substitutions?: string | string[]) => {
    const values = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => values[Number(n) - 1] ?? '');
  };
  (globalThis as unknown as { chrome: unknown }).chrome = { i18n: { getMessage, getUILanguage: () => 'en' } };
});

function reportFor(caps: Capabilities): HardwareReport {
  const candidates = candidatesOf(BUILT_IN_MODELS);
  return { ...caps, choice: chooseModel(caps, candidates), verdicts: judgeModels(caps, candidates) };
}

async function shown(report: HardwareReport): Promise<string[]> {
  const section = document.createElement('section');
  const connection = { engine: { call: async () => report } } as unknown as EngineConnection;
  mountHardwarePanel(section, connection);
  const details = section.querySelector('details')!;
  details.open = true;
  details.dispatchEvent(new Event('toggle'));
  await new Promise((r) => setTimeout(r, 0));
  return [...section.querySelectorAll('li')].map((li) => li.textContent ?? '');
}

describe('the hardware section', () => {
  test('on a machine without a GPU, the 8B is explained away and the CPU models show their costs', async () => {
    const lines = await shown(reportFor({ webgpu: { unavailable: 'no-adapter' }, deviceMemoryGiB: 8, cores: 2, crossOriginIsolated: true }));
    expect(lines).toContainEqual(expect.stringMatching(/^LFM2\.5-8B-A1B \(download 16\.9 GB\): does not run here; it needs WebGPU, but no usable graphics adapter was found\./));
    expect(lines).toContainEqual(expect.stringMatching(/^LFM2\.5-1\.2B-Instruct: downloads 2\.3 GB once, then runs on the processor \(int8\), stored in 1\.3 GB, using about 1\.9 GB of memory/));
    expect(lines).toContainEqual(expect.stringMatching(/^LFM2\.5-350M: downloads 709 MB once, then runs on the processor \(fp32\)/));
  });

  test('with a capable GPU every model runs on it, at its 4-bit size', async () => {
    const gpu = { adapter: 'nvidia', maxBufferSize: 4 * 1024 ** 3, maxStorageBufferBindingSize: 2 * 1024 ** 3, shaderF16: true, software: false };
    const lines = await shown(reportFor({ webgpu: gpu, deviceMemoryGiB: 8, cores: 8, crossOriginIsolated: true }));
    expect(lines.filter((l) => l.includes('runs on the graphics card (q4f16)'))).toHaveLength(3);
  });
});
