import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callEngine } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';

interface SelfTest {
  backend: string;
  maxAbsError: number;
  crossOriginIsolated: boolean;
  wasmThreads: number;
  adapter?: string;
}

describe('onnxruntime-web inside the offscreen document', () => {
  let ext: LaunchedExtension;

  beforeAll(async () => {
    ext = await launchExtension({ webgpu: true });
  });
  afterAll(async () => ext?.close());

  test('runs a model on WASM with threads, cross-origin isolated, and computes the right numbers', async () => {
    const ui = await ext.openExtensionPage('ui/options/options.html');
    const outcome = await callEngine(ui, 'engine.self-test', { backend: 'wasm' });
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    const result = (outcome as { result: SelfTest }).result;
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.wasmThreads).toBeGreaterThanOrEqual(2);
    expect(result.maxAbsError).toBeLessThan(1e-5);
    expect(outcome.events).toContainEqual({ type: 'progress', stage: 'done', fraction: 1 });
  });

  test('runs the same model on the WebGPU backend', async () => {
    const ui = await ext.openExtensionPage('ui/options/options.html');
    const outcome = await callEngine(ui, 'engine.self-test', { backend: 'webgpu' });
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    const result = (outcome as { result: SelfTest }).result;
    console.log('WebGPU self-test', JSON.stringify(result));
    expect(result.adapter).toBeTruthy();
    expect(result.maxAbsError).toBeLessThan(1e-4);
  });

  test('the options page diagnostics show the check to a person', async () => {
    const options = await ext.openExtensionPage('ui/options/options.html');
    await options.click('#self-test-wasm');
    await expect.poll(() => options.locator('#self-test-output').textContent(), { timeout: 60_000 }).toMatch(/^wasm works: max error/);
  });
});
