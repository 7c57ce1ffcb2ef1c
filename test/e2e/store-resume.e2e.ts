import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { awaitEngineCall, callEngine, startEngineCall, stopServiceWorker, waitFor } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, writeFixtureModel, type FixtureModel, type LocalHub } from './harness/local-hub';
import { addHubModel, fileDigests, modelRow, planAndDownload, storedDigests } from './harness/store-pages';

/**
 * A download interrupted by a closed browser, a killed engine document or a branch that moved on the server
 * carries on from its last stored chunk, on the commit it started with.
 */
const CHUNK = 128 * 1024;
const SLOW = 1_500_000;
let dir: string;
let model: FixtureModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-resume-e2e-'));
  model = await writeFixtureModel(join(dir, 'v1'), { width: 512, dataFiles: 3, weightsPerFile: 2 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function startSlowDownload(ext: LaunchedExtension, hub: LocalHub) {
  const ui = await ext.openExtensionPage('ui/options/options.html');
  const modelId = await addHubModel(ui, hub);
  hub.setThrottle(SLOW);
  const plan = (await callEngine(ui, 'store.plan-download', { modelId })) as { result: { totalBytes: number } };
  const call = await startEngineCall(ui, 'store.download', { modelId, consent: { approvedBytes: plan.result.totalBytes }, chunkBytes: CHUNK, stallTimeoutMs: 2_000 });
  let stored = 0;
  await waitFor(
    async () => {
      stored = (await modelRow(ui, modelId))?.storedBytes ?? 0;
      return stored > model.totalBytes * 0.45;
    },
    30_000,
    'half of the model to be stored (mid-file)',
  );
  return { ui, modelId, call, stored };
}

describe('resuming an interrupted download', () => {
  test('after the browser is closed and opened again with the same profile, it resumes from its last chunk', async () => {
    const hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/restart' });
    const profile = await mkdtemp(join(tmpdir(), 'pagewise-profile-'));
    let ext = await launchExtension({ userDataDir: profile });
    try {
      const { stored } = await startSlowDownload(ext, hub);
      await ext.close({ keepProfile: true });

      ext = await launchExtension({ userDataDir: profile });
      const ui = await ext.openExtensionPage('ui/options/options.html');
      const modelId = await addHubModel(ui, hub);
      const row = await modelRow(ui, modelId);
      expect(row).toMatchObject({ state: 'partial' });
      expect(row!.storedBytes).toBeGreaterThanOrEqual(stored);

      hub.setThrottle(undefined);
      const before = hub.contentRequests().length;
      const outcome = await planAndDownload(ui, modelId, { chunkBytes: CHUNK });
      expect(outcome).toMatchObject({ ok: true, result: { status: 'verified' } });
      const { fetchedBytes } = (outcome as { result: { fetchedBytes: number } }).result;
      expect(fetchedBytes).toBeLessThanOrEqual(model.totalBytes - row!.storedBytes);
      const resumed = hub.contentRequests().slice(before);
      expect(resumed[0]!.rangeStart).toBeGreaterThan(0);
      const digests = await storedDigests(ui, modelId);
      expect(digests).toEqual(await fileDigests(model.dir, Object.keys(digests)));
    } finally {
      await ext.close();
      await hub.close();
    }
  });

  test('the service worker stopped mid-download: the page watching it hears so, the download goes on in the engine, and the settings page sees it finish', async () => {
    const hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/worker-stop' });
    const ext = await launchExtension();
    try {
      const { ui, modelId, call, stored } = await startSlowDownload(ext, hub);
      await stopServiceWorker(ui);
      // The watching call loses its line to the worker, and says so at once.
      const lost = await awaitEngineCall(ui, call);
      expect(lost).toMatchObject({ ok: false });
      // A new worker starts for the next request; the engine document kept downloading meanwhile.
      await waitFor(async () => ((await modelRow(ui, modelId))?.storedBytes ?? 0) > stored, 30_000, 'the download to go on after the worker restarted');
      const state = await callEngine(ui, 'engine.get-state', {});
      expect(state).toMatchObject({ ok: true, result: { downloads: [{ modelId }] } });
      hub.setThrottle(undefined);
      await waitFor(async () => (await modelRow(ui, modelId))?.state === 'verified', 60_000, 'the download to finish');
      const digests = await storedDigests(ui, modelId);
      expect(digests).toEqual(await fileDigests(model.dir, Object.keys(digests)));
    } finally {
      await ext.close();
      await hub.close();
    }
  });

  test('after the engine document is killed mid-download, the next download resumes', async () => {
    const hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/killed' });
    const ext = await launchExtension();
    try {
      const { ui, modelId, call, stored } = await startSlowDownload(ext, hub);
      const session = await ext.context.newCDPSession(ui);
      const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; url: string }> };
      const offscreen = targetInfos.find((target) => target.url.endsWith('/offscreen/offscreen.html'));
      await session.send('Target.closeTarget', { targetId: offscreen!.targetId });
      expect(await awaitEngineCall(ui, call)).toMatchObject({ ok: false, error: { code: 'engine-crashed' } });

      hub.setThrottle(undefined);
      const before = hub.contentRequests().length;
      const outcome = await planAndDownload(ui, modelId, { chunkBytes: CHUNK });
      expect(outcome).toMatchObject({ ok: true, result: { status: 'verified' } });
      expect((outcome as { result: { fetchedBytes: number } }).result.fetchedBytes).toBeLessThanOrEqual(model.totalBytes - stored);
      expect(hub.contentRequests().slice(before)[0]!.rangeStart).toBeGreaterThan(0);
      const digests = await storedDigests(ui, modelId);
      expect(digests).toEqual(await fileDigests(model.dir, Object.keys(digests)));
    } finally {
      await ext.close();
      await hub.close();
    }
  });

  test('when the branch moves on the server mid-download, the model stays whole on the commit it started with', async () => {
    const hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/moving' });
    const ext = await launchExtension();
    try {
      const pinned = hub.commit;
      const { ui, call } = await startSlowDownload(ext, hub);
      const v2 = await writeFixtureModel(join(dir, 'v2'), { width: 512, dataFiles: 3, weightsPerFile: 2, seed: 42 });
      expect(await hub.moveRevision(v2.dir)).not.toBe(pinned);
      hub.setThrottle(undefined);
      const outcome = await awaitEngineCall(ui, call);
      expect(outcome).toMatchObject({ ok: true, result: { status: 'verified', commit: pinned } });
      const modelId = await addHubModel(ui, hub);
      const digests = await storedDigests(ui, modelId);
      expect(digests).toEqual(await fileDigests(model.dir, Object.keys(digests)));
    } finally {
      await ext.close();
      await hub.close();
    }
  });
});
