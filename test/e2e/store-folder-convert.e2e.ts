// A checkpoint in a folder on this computer, picked in the options page and converted there as a person would do
// it: the form tells the checkpoint from ONNX files, asks consent with what it reads and what it stores, converts
// in a worker of the page, and the model manager then says where the model came from. The stored model must be
// the Node exporter's output byte for byte, and run; a folder that cannot become a model is refused in words.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeShardedCheckpoint } from '../../scripts/export/checkpoint-variants';
import { exportCheckpoint } from '../../scripts/export/export-checkpoint';
import { PRESETS } from '../../scripts/export/presets';
import { writeRandomCheckpoint } from '../../scripts/export/random-checkpoint';
import { ensureTestModel } from '../../scripts/export/test-models';
import { writeTokenizerFiles } from '../../scripts/export/tokenizer-files';
import { callEngine } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { fileDigests, modelRow, storedChunkCount, storedDigests } from './harness/store-pages';

let dir: string;
let ext: LaunchedExtension;
let page: Page;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

const form = (): Locator => page.locator('form.import-model');
const panel = (): Locator => form().locator('.conversion .panel');
const row = (modelId: string): Locator => page.locator(`li.model[data-model-id="${modelId}"]`);

/** Picks `folder` in the import form and asks to import it: the form plans and shows the consent (or a refusal). */
async function pickAndImport(folder: string): Promise<void> {
  await page.setInputFiles('input[name="folder"]', folder);
  await form().locator('button[type="submit"]').click();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-folder-convert-e2e-'));
  ext = await launchExtension();
  page = await ext.openExtensionPage('ui/options/options.html');
  await page.locator('summary', { hasText: 'Import model files' }).click();
});
afterAll(async () => {
  await ext?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a checkpoint folder picked in the options page', () => {
  test("is converted with consent into the Node exporter's graph byte for byte, says it came from the folder, and answers", async () => {
    const checkpoint = join(dir, 'my-checkpoint');
    writeShardedCheckpoint(ensureTestModel('tiny-dense').checkpoint, checkpoint, 2);
    const files = (await readdir(checkpoint)).sort();
    const sourceBytes = (await Promise.all(files.map(async (file) => (await stat(join(checkpoint, file))).size))).reduce((a, b) => a + b, 0);
    const modelId = 'local/my-checkpoint#convert';

    await page.setInputFiles('input[name="folder"]', checkpoint);
    expect(await form().locator('.folder-kind').textContent()).toContain('safetensors checkpoint');
    // The graph is chosen for this device: the ONNX fields do not apply.
    expect(await page.locator('#import-dtype').isDisabled()).toBe(true);
    await form().locator('button[type="submit"]').click();
    await expect.poll(() => panel().textContent(), { timeout: 30_000 }).toContain('converts it on this computer');
    const consent = (await panel().textContent())!;
    // What is read, what it becomes (this browser's WebGPU is a software adapter: the CPU graph), and the space.
    expect(consent).toContain(`my-checkpoint: Pagewise reads this checkpoint (${new Intl.NumberFormat('en-US', { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(sourceBytes / 1e6)})`);
    expect(consent).toMatch(/a model for the CPU \(int8\) that takes [\d.]+ (kB|MB) of storage/);
    expect(consent).toMatch(/This browser can store [\d.]+ (MB|GB) more/);
    expect(await storedChunkCount(page, modelId)).toBe(0);

    await panel().locator('button[data-action="convert"]').click();
    await expect.poll(() => row(modelId).locator('.model-state').getAttribute('data-state'), { timeout: 60_000 }).toBe('verified');
    await expect.poll(() => panel().textContent(), { timeout: 10_000 }).toContain('Converted my-checkpoint into a model for the CPU (int8)');

    const out = await mkdtemp(join(dir, 'export-'));
    exportCheckpoint({ checkpoint, out, dtype: 'int8', target: 'wasm' });
    const stored = await storedDigests(page, modelId);
    expect(stored).toEqual(await fileDigests(out, Object.keys(stored)));

    // Provenance: the folder, each file with the SHA-256 computed as it was read, and what converted it.
    const digests = Object.fromEntries(await Promise.all(files.map(async (file) => [file, createHash('sha256').update(await readFile(join(checkpoint, file))).digest('hex')] as const)));
    const listed = (await modelRow(page, modelId)) as unknown as { provenance: { folder: string; convertedBy: string; sources: Array<{ path: string; algorithm: string; hex: string; verified: boolean }> } };
    expect(listed.provenance.folder).toBe('my-checkpoint');
    expect(Object.fromEntries(listed.provenance.sources.map((s) => [s.path, s.hex]))).toEqual(digests);
    expect(listed.provenance.sources.every((s) => s.algorithm === 'sha256' && s.verified)).toBe(true);
    const shown = row(modelId).locator('details[data-role="provenance"]');
    await shown.locator('summary').click();
    const text = (await shown.textContent())!;
    expect(text).toContain('From the folder my-checkpoint on this computer');
    expect(text).toMatch(/Converted on this computer by Pagewise \d+\.\d+\.\d+ on .+, for the CPU \(int8\)/);
    for (const [file, hex] of Object.entries(digests)) expect(text).toContain(`${file} (SHA-256 ${hex})`);

    expect(await callEngine(page, 'engine.load', { modelId })).toMatchObject({ ok: true, result: { backend: 'wasm', dtype: 'int8' } });
    const answer = await callEngine(page, 'engine.generate', { messages: [{ role: 'user', content: 'Hello' }], sampling: greedy, maxNewTokens: 6 });
    expect(answer, JSON.stringify(answer).slice(0, 300)).toMatchObject({ ok: true });

    // Picked again, the same files need no second conversion.
    await pickAndImport(checkpoint);
    await expect.poll(() => panel().textContent(), { timeout: 30_000 }).toContain('was converted from these same files already');
  });

  test('paused mid-way, keeps what it converted; picked again, carries on from there and ends byte-identical', async () => {
    const checkpoint = wideCheckpoint('wide-checkpoint');
    const modelId = 'local/wide-checkpoint#convert';
    await pickAndImport(checkpoint);
    await panel().locator('button[data-action="convert"]').click({ timeout: 30_000 });
    await stopAtFirstFigures('pause');
    await expect.poll(() => panel().textContent(), { timeout: 10_000 }).toContain('Paused');
    const paused = await modelRow(page, modelId);
    expect(paused).toMatchObject({ state: 'partial' });
    expect(paused!.storedBytes).toBeGreaterThan(0);
    expect(await row(modelId).locator('.model-state').getAttribute('data-state')).toBe('partial');

    await pickAndImport(checkpoint);
    await expect.poll(() => panel().textContent(), { timeout: 30_000 }).toContain('of it was converted before; the conversion carries on from there');
    await panel().locator('button[data-action="convert"]').click();
    await expect.poll(() => row(modelId).locator('.model-state').getAttribute('data-state'), { timeout: 120_000 }).toBe('verified');
    const out = await mkdtemp(join(dir, 'export-'));
    exportCheckpoint({ checkpoint, out, dtype: 'int8', target: 'wasm' });
    const stored = await storedDigests(page, modelId);
    expect(stored).toEqual(await fileDigests(out, Object.keys(stored)));
  });

  test('cancelled mid-way, deletes what it had stored', async () => {
    const modelId = 'local/wide-cancelled#convert';
    await pickAndImport(wideCheckpoint('wide-cancelled'));
    await panel().locator('button[data-action="convert"]').click({ timeout: 30_000 });
    await stopAtFirstFigures('cancel');
    await expect.poll(() => panel().textContent(), { timeout: 20_000 }).toContain('Conversion cancelled and its files deleted');
    expect(await storedChunkCount(page, modelId)).toBe(0);
    expect(await modelRow(page, modelId)).toBeUndefined();
  });

  test.each([
    ['a config of another architecture', 'llama-checkpoint', (folder: string) => editConfig(folder, { model_type: 'llama' }), 'unknown model_type "llama"'],
    ['a truncated weights file', 'truncated-checkpoint', (folder: string) => truncateWeights(folder), 'truncated'],
    ["an MoE checkpoint this device's CPU cannot run", 'moe-checkpoint', undefined, 'cannot run on this device'],
  ])('with %s is refused in words before anything is converted or stored', async (_what, name, edit, message) => {
    const folder = join(dir, name);
    writeShardedCheckpoint(ensureTestModel(name === 'moe-checkpoint' ? 'tiny-moe' : 'tiny-dense').checkpoint, folder, 1);
    await edit?.(folder);
    await pickAndImport(folder);
    await expect.poll(() => panel().getAttribute('data-kind'), { timeout: 30_000 }).toBe('error');
    expect(await panel().textContent()).toContain(message);
    expect(await panel().locator('button[data-action="convert"]').count()).toBe(0);
    expect(await storedChunkCount(page, `local/${name}#convert`)).toBe(0);
    expect(await modelRow(page, `local/${name}#convert`)).toBeUndefined();
  });
});

/** Wider than the tiny models (61 MB of float32): its conversion runs long enough to be stopped by a click. */
function wideCheckpoint(name: string): string {
  const checkpoint = join(dir, name);
  writeRandomCheckpoint(checkpoint, { ...PRESETS['tiny-dense'], hidden_size: 512, num_attention_heads: 8, block_ff_dim: 1536, intermediate_size: 1536 }, 7, 'F32');
  writeTokenizerFiles(checkpoint, PRESETS['tiny-dense'].vocab_size);
  return checkpoint;
}

/** Clicks Pause or Cancel as soon as the page shows the first figures (the whole conversion takes about a second). */
async function stopAtFirstFigures(action: 'pause' | 'cancel'): Promise<void> {
  await page.waitForFunction(
    (action) => {
      const figures = document.querySelector('form.import-model .conversion .figures');
      if (!figures || !/ of 60\.9 MB/.test(figures.textContent ?? '')) return false;
      document.querySelector<HTMLButtonElement>(`form.import-model button[data-action="${action}"]`)!.click();
      return true;
    },
    action,
    { timeout: 30_000, polling: 5 },
  );
}

async function editConfig(folder: string, change: Record<string, unknown>): Promise<void> {
  const path = join(folder, 'config.json');
  await writeFile(path, JSON.stringify({ ...(JSON.parse(await readFile(path, 'utf8')) as object), ...change }));
}

async function truncateWeights(folder: string): Promise<void> {
  const path = join(folder, 'model-00001-of-00001.safetensors');
  await writeFile(path, (await readFile(path)).subarray(0, 100));
}
