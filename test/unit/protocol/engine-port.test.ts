import { describe, expect, test } from 'vitest';
import { EnginePortClient, PagewiseError, serveEnginePort, type EngineHandlers } from '../../../src/protocol';
import { portPair } from './memory-port';

function handlers(overrides: Partial<EngineHandlers> = {}): EngineHandlers {
  // Only the commands these tests call; other capabilities' handlers are never reached.
  return {
    'engine.get-state': async () => ({ phase: 'no-model', inFlight: 0 }),
    'engine.self-test': async () => {
      throw new PagewiseError('unsupported', 'No WebGPU here.');
    },
    'engine.hold': async ({ ms }, { signal, emit }) => {
      for (let t = 0; t < ms && !signal.aborted; t += 10) {
        emit({ type: 'tick', elapsedMs: t });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { heldMs: ms };
    },
    ...overrides,
  } as EngineHandlers;
}

describe('engine calls over a port', () => {
  test('a call resolves with its validated result, after its events in order', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveEnginePort(hostEnd, handlers());
    const client = new EnginePortClient(clientEnd);
    const ticks: number[] = [];
    const result = await client.call('engine.hold', { ms: 50 }, { onEvent: (event) => ticks.push(event.elapsedMs) });
    expect(result).toEqual({ heldMs: 50 });
    expect(ticks).toEqual([0, 10, 20, 30, 40]);
  });

  test('a handler error arrives as the same PagewiseError code and message', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveEnginePort(hostEnd, handlers());
    const client = new EnginePortClient(clientEnd);
    await expect(client.call('engine.self-test', { backend: 'webgpu' })).rejects.toMatchObject({
      code: 'unsupported',
      message: 'No WebGPU here.',
    });
  });

  test('an invalid payload is refused by the host before its handler runs', async () => {
    const [clientEnd, hostEnd] = portPair();
    let ran = false;
    serveEnginePort(hostEnd, handlers({ 'engine.hold': async () => ((ran = true), { heldMs: 0 }) }));
    const client = new EnginePortClient(clientEnd);
    await expect(client.call('engine.hold', { ms: 1e9 })).rejects.toMatchObject({ code: 'bad-message' });
    expect(ran).toBe(false);
  });

  test('aborting the signal cancels the work on the host', async () => {
    const [clientEnd, hostEnd] = portPair();
    let sawAbort = false;
    serveEnginePort(
      hostEnd,
      handlers({
        'engine.hold': async (_payload, { signal }) => {
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          sawAbort = true;
          return { heldMs: 0 };
        },
      }),
    );
    const client = new EnginePortClient(clientEnd);
    const controller = new AbortController();
    const call = client.call('engine.hold', { ms: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toMatchObject({ code: 'cancelled' });
    expect(sawAbort).toBe(true);
  });

  test('every pending call fails with the disconnect error when the host goes away', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveEnginePort(hostEnd, handlers());
    const client = new EnginePortClient(clientEnd);
    const first = client.call('engine.hold', { ms: 10_000 });
    const second = client.call('engine.hold', { ms: 10_000 });
    setTimeout(() => hostEnd.disconnect(), 20);
    await expect(first).rejects.toMatchObject({ code: 'engine-crashed' });
    await expect(second).rejects.toMatchObject({ code: 'engine-crashed' });
    await expect(client.call('engine.get-state', {})).rejects.toMatchObject({ code: 'engine-crashed' });
  });

  test('a result that does not match the command table is refused by the client', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveEnginePort(hostEnd, handlers({ 'engine.get-state': async () => ({ phase: 'hacked' }) as never }));
    const client = new EnginePortClient(clientEnd);
    await expect(client.call('engine.get-state', {})).rejects.toMatchObject({ code: 'bad-message' });
  });

  test('frames that are not protocol frames are ignored, not fatal', async () => {
    const [clientEnd, hostEnd] = portPair();
    serveEnginePort(hostEnd, handlers());
    clientEnd.postMessage({ kind: 'request' });
    clientEnd.postMessage('garbage');
    clientEnd.postMessage(null);
    const client = new EnginePortClient(clientEnd);
    await expect(client.call('engine.get-state', {})).resolves.toEqual({ phase: 'no-model', inFlight: 0 });
  });
});
