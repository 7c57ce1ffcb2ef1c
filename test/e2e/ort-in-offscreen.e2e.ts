import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callEngine, offscreenExists } from './harness/engine-client';
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
    const outcome = await callEngine(ui, 'diagnostics.self-test', { backend: 'wasm' });
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    const result = (outcome as { result: SelfTest }).result;
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.wasmThreads).toBeGreaterThanOrEqual(2);
    expect(result.maxAbsError).toBeLessThan(1e-5);
    expect(outcome.events).toContainEqual({ type: 'progress', stage: 'done', fraction: 1 });
  });

  test('runs the same model on the WebGPU backend', async () => {
    const ui = await ext.openExtensionPage('ui/options/options.html');
    const outcome = await callEngine(ui, 'diagnostics.self-test', { backend: 'webgpu' });
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    const result = (outcome as { result: SelfTest }).result;
    console.log('WebGPU self-test', JSON.stringify(result));
    expect(result.adapter).toBeTruthy();
    expect(result.maxAbsError).toBeLessThan(1e-4);
  });

  test('the hardware section probes only when opened, then names the adapter and the model it picked', async () => {
    await ext.worker.evaluate(() => chrome.offscreen.closeDocument());
    const options = await ext.openExtensionPage('ui/options/options.html');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await offscreenExists(ext.worker)).toBe(false);
    await options.click('#hardware-section summary');
    const section = options.locator('#hardware-section');
    await expect.poll(() => section.textContent(), { timeout: 30_000 }).toMatch(/swiftshader/i);
    expect(await section.textContent()).toMatch(/LFM2\.5/);
    await options.close();
  });

  test('the options page diagnostics show the check to a person', async () => {
    const options = await ext.openExtensionPage('ui/options/options.html');
    await options.click('#self-test-wasm');
    await expect.poll(() => options.locator('#self-test-output').textContent(), { timeout: 60_000 }).toMatch(/^wasm works: max error/);
  });
});
