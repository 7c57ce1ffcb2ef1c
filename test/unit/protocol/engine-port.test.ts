import { describe, expect, test } from 'vitest';
import { PagewiseError, PortClient, serveHostCommands, type HostHandlers } from '../../../src/protocol';
import { portPair } from './memory-port';

function handlers(overrides: Partial<HostHandlers> = {}): HostHandlers {
  // Only the commands these tests call; other capabilities' handlers are never reached.
  return {
    'engine.get-state': async () => ({ phase: 'no-model', inFlight: 0 }),
    'diagnostics.self-test': async () => {
      throw new PagewiseError('unsupported', 'No WebGPU here.');
    },
    'diagnostics.measure-speed': async ({ ms }, { signal, emit }) => {
      let runs = 0;
      for (let t = 0; t < ms && !signal.aborted; t += 10) {
        emit({ type: 'run', runs: ++runs, elapsedMs: t, runMs: 10 });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { runs, elapsedMs: ms, medianRunMs: 10 };
    },
    ...overrides,
  } as HostHandlers;
}

describe('host commands over a port', () => {
  test('a call resolves with its validated result, after its events in order', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveHostCommands(hostEnd, handlers());
    const client = new PortClient(clientEnd);
    const ticks: number[] = [];
    const result = await client.call('diagnostics.measure-speed', { backend: 'wasm', ms: 150 }, { onEvent: (event) => ticks.push(event.elapsedMs) });
    expect(result).toEqual({ runs: 15, elapsedMs: 150, medianRunMs: 10 });
    expect(ticks).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140]);
  });

  test('a handler error arrives as the same PagewiseError code and message', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveHostCommands(hostEnd, handlers());
    const client = new PortClient(clientEnd);
    await expect(client.call('diagnostics.self-test', { backend: 'webgpu' })).rejects.toMatchObject({
      code: 'unsupported',
      message: 'No WebGPU here.',
    });
  });

  test('an invalid payload is refused by the host before its handler runs', async () => {
    const [clientEnd, hostEnd] = portPair();
    let ran = false;
    serveHostCommands(hostEnd, handlers({ 'diagnostics.measure-speed': async () => ((ran = true), { runs: 0, elapsedMs: 0, medianRunMs: 0 }) }));
    const client = new PortClient(clientEnd);
    await expect(client.call('diagnostics.measure-speed', { backend: 'wasm', ms: 1e9 })).rejects.toMatchObject({ code: 'bad-message' });
    expect(ran).toBe(false);
  });

  test('aborting the signal cancels the work on the host', async () => {
    const [clientEnd, hostEnd] = portPair();
    let sawAbort = false;
    serveHostCommands(
      hostEnd,
      handlers({
        'diagnostics.measure-speed': async (_payload, { signal }) => {
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          sawAbort = true;
          return { runs: 0, elapsedMs: 0, medianRunMs: 0 };
        },
      }),
    );
    const client = new PortClient(clientEnd);
    const controller = new AbortController();
    const call = client.call('diagnostics.measure-speed', { backend: 'wasm', ms: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toMatchObject({ code: 'cancelled' });
    expect(sawAbort).toBe(true);
  });

  test('every pending call fails with the disconnect error when the host goes away', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveHostCommands(hostEnd, handlers());
    const client = new PortClient(clientEnd);
    const first = client.call('diagnostics.measure-speed', { backend: 'wasm', ms: 10_000 });
    const second = client.call('diagnostics.measure-speed', { backend: 'wasm', ms: 10_000 });
    setTimeout(() => hostEnd.disconnect(), 20);
    await expect(first).rejects.toMatchObject({ code: 'engine-crashed' });
    await expect(second).rejects.toMatchObject({ code: 'engine-crashed' });
    await expect(client.call('engine.get-state', {})).rejects.toMatchObject({ code: 'engine-crashed' });
  });

  test('a result that does not match the command table is refused by the client', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveHostCommands(hostEnd, handlers({ 'engine.get-state': async () => ({ phase: 'hacked' }) as never }));
    const client = new PortClient(clientEnd);
    await expect(client.call('engine.get-state', {})).rejects.toMatchObject({ code: 'bad-message' });
  });

  test('frames that are not protocol frames are ignored, not fatal', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveHostCommands(hostEnd, handlers());
    clientEnd.postMessage({ kind: 'request' });
    clientEnd.postMessage('garbage');
    clientEnd.postMessage(null);
    const client = new PortClient(clientEnd);
    await expect(client.call('engine.get-state', {})).resolves.toEqual({ phase: 'no-model', inFlight: 0 });
  });
});
