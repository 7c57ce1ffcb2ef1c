import { describe, expect, test } from 'vitest';
import { isCommitSha, isRepoFilePath, isRepoId, isRevision, normalizeBaseUrl } from '../../../src/store/model-ids';
import { BUILT_IN_MODELS, candidateFor, customHubEntry, selectModelFiles } from '../../../src/store/model-registry';
import { ProgressMeter } from '../../../src/store/progress-meter';

describe('what users may type as a model source', () => {
  test('repository ids, revisions and paths that could escape their place are refused', () => {
    expect(isRepoId('LiquidAI/LFM2.5-8B-A1B-ONNX')).toBe(true);
    for (const bad of ['../etc', 'a/b/c', 'a/..', 'a', 'a/b?x=1', 'a/b#c', ' a/b']) expect(isRepoId(bad), bad).toBe(false);
    expect(isRevision('main')).toBe(true);
    expect(isRevision('refs/pr/1')).toBe(true);
    expect(isRevision('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    for (const bad of ['../main', 'a//b', '', 'x?y']) expect(isRevision(bad), bad).toBe(false);
    expect(isRepoFilePath('onnx/model_q4.onnx_data_1')).toBe(true);
    for (const bad of ['../x', '/abs', 'onnx/../../x', 'a\\b']) expect(isRepoFilePath(bad), bad).toBe(false);
  });

  test('the hub address must be https, except on this computer', () => {
    expect(normalizeBaseUrl('https://huggingface.co/')).toBe('https://huggingface.co');
    expect(normalizeBaseUrl('https://mirror.example/hf')).toBe('https://mirror.example/hf');
    expect(normalizeBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(normalizeBaseUrl('http://localhost:9')).toBe('http://localhost:9');
    expect(() => normalizeBaseUrl('http://mirror.example')).toThrow(/https/);
    expect(() => normalizeBaseUrl('https://user:pw@mirror.example')).toThrow(/credentials/);
    expect(() => normalizeBaseUrl('javascript:alert(1)')).toThrow();
    expect(() => customHubEntry({ format: 'onnx', repo: 'a/b', revision: 'main', dtype: 'q4', backend: 'wasm', baseUrl: 'ftp://x' })).toThrow();
  });

  test('built-in models are Liquid AI\'s own checkpoints, each pinned to a commit', () => {
    expect(BUILT_IN_MODELS.map((m) => [m.repo, m.format])).toEqual([
      ['LiquidAI/LFM2.5-8B-A1B', 'safetensors'],
      ['LiquidAI/LFM2.5-1.2B-Instruct', 'safetensors'],
      ['LiquidAI/LFM2.5-350M', 'safetensors'],
    ]);
    for (const model of BUILT_IN_MODELS) expect(isCommitSha(model.revision!), model.id).toBe(true);
  });

  test('every target of a built-in model is a graph the engine runs, with what it needs of the hardware', () => {
    for (const model of BUILT_IN_MODELS) {
      for (const target of model.targets) {
        expect(candidateFor(model, target), model.id).toMatchObject({ modelId: model.id, backend: target.backend, dtype: target.dtype });
        expect(target.needs?.weightBytes, model.id).toBeGreaterThan(0);
      }
    }
  });
});

describe('choosing a model’s files from a repository listing', () => {
  const listing = [
    'README.md', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json',
    'onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data_10',
    'onnx/model_q4.onnx_data', 'onnx/model_q4.onnx_data_2', 'onnx/model_q4.onnx_data_1', 'onnx/model_q4f16.onnx',
  ].map((path) => ({ path, size: 1 }));

  test('takes the dtype’s graph and every external data chunk, in order, and nothing else', () => {
    expect(selectModelFiles(listing, 'q4').map((f) => f.path)).toEqual([
      'config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model_q4.onnx',
      'onnx/model_q4.onnx_data', 'onnx/model_q4.onnx_data_1', 'onnx/model_q4.onnx_data_2', 'onnx/model_q4.onnx_data_10',
    ]);
  });

  test('an ONNX model takes only its graph and its data, not the repository’s other dtypes', () => {
    const repo = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data', 'onnx/model_int8.onnx', 'onnx/model_int8.onnx_data', 'onnx/model_int8.onnx_data_1', 'onnx/model_q4f16.onnx']
      .map((path) => ({ path, size: 1 }));
    expect(selectModelFiles(repo, 'int8').map((f) => f.path).filter((p) => p.startsWith('onnx/'))).toEqual([
      'onnx/model_int8.onnx', 'onnx/model_int8.onnx_data', 'onnx/model_int8.onnx_data_1',
    ]);
  });

  test('names what is missing', () => {
    expect(() => selectModelFiles(listing, 'fp16')).toThrow('onnx/model_fp16.onnx');
  });
});

describe('progress figures', () => {
  test('rate over the last seconds and the time left at that rate', () => {
    let now = 0;
    const meter = new ProgressMeter(1_000, 11_000, () => now);
    for (let i = 0; i < 4; i++) {
      now += 1000;
      meter.add(1000);
    }
    expect(meter.figures()).toEqual({ bytes: 5_000, totalBytes: 11_000, rateBps: 1000, etaSeconds: 6 });
  });

  test('a stall drops the rate to 0; the time left follows the pace of the whole session, not a burst', () => {
    let now = 0;
    const meter = new ProgressMeter(0, 100_000, () => now);
    // 20 s of a conversion: 4 kB/s on average, read in bursts of 20 kB every 5 s.
    for (let i = 0; i < 4; i++) {
      now += 4900;
      meter.add(20_000);
      now += 100;
    }
    expect(meter.figures().etaSeconds).toBeCloseTo(20_000 / 4000, 5);
    now += 6000;
    expect(meter.figures().rateBps).toBe(0);
  });
});
