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

  test('the settings recommend the model that fits this device, and the hardware section names the adapter', async () => {
    await ext.worker.evaluate(() => chrome.offscreen.closeDocument());
    const options = await ext.openExtensionPage('ui/options/options.html');
    // The model list asks the engine host what this device runs (a probe, no model loaded): the software
    // adapter does not count as a GPU, so the CPU model is recommended first, with the primary button.
    const first = options.locator('li.model').first();
    await expect.poll(() => first.getAttribute('data-recommended'), { timeout: 30_000 }).toBe('yes');
    expect(await first.locator('.model-label').textContent()).toMatch(/LFM2\.5-(1\.2B|350M)/);
    expect(await first.locator('.model-fit').textContent()).toMatch(/^Recommended for this device: runs on the processor/);
    expect(await first.locator('button[data-action="download"]').getAttribute('class')).toBe('');
    const gpuRow = options.locator('li.model', { hasText: 'LFM2.5-8B-A1B' });
    expect(await gpuRow.locator('.model-fit').textContent()).toMatch(/^Does not run on this device: it needs a graphics card/);
    // A model that does not run here is not offered for download: the line above says why.
    expect(await gpuRow.locator('button[data-action="download"]').count()).toBe(0);
    expect(await offscreenExists(ext.worker)).toBe(true);
    await options.click('#hardware-section summary');
    const section = options.locator('#hardware-section');
    await expect.poll(() => section.textContent(), { timeout: 30_000 }).toMatch(/swiftshader/i);
    expect(await section.textContent()).toMatch(/LFM2\.5/);
    await options.close();
  });

  test('the options page diagnostics show the check to a person', async () => {
    const options = await ext.openExtensionPage('ui/options/options.html');
    await options.click('#self-test-wasm');
    await expect.poll(() => options.locator('#self-test-output').textContent(), { timeout: 60_000 }).toMatch(/^The processor \(WebAssembly\) works: .*came out right\.\nFor the curious: largest error/);
  });
});
