import { PORT_NAMES, serveEnginePort, type EngineHandlers, type EngineState, type HostFrame } from '../protocol';
import { runSelfTest } from './self-test';

/**
 * The engine host. It connects to the service worker and answers engine commands. If the worker restarts
 * (MV3 workers stop when idle), the port drops and the host connects again, which wakes the worker.
 */
const HEARTBEAT_MS = 10_000;

let inFlight = 0;
let port: chrome.runtime.Port | null = null;

function currentState(): EngineState {
  return { phase: inFlight > 0 ? 'busy' : 'no-model', inFlight };
}

function post(frame: HostFrame): void {
  try {
    port?.postMessage(frame);
  } catch {
    // The port closed under us; onDisconnect reconnects.
  }
}

const handlers: EngineHandlers = {
  'engine.get-state': async () => currentState(),
  'engine.self-test': (payload, { signal, emit }) =>
    runSelfTest(payload.backend, signal, (stage, fraction) => emit({ type: 'progress', stage, fraction })),
  'engine.hold': async ({ ms }, { signal, emit }) => {
    const start = performance.now();
    while (performance.now() - start < ms && !signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, ms)));
      emit({ type: 'tick', elapsedMs: performance.now() - start });
    }
    return { heldMs: performance.now() - start };
  },
};

function connect(): void {
  const current = chrome.runtime.connect({ name: PORT_NAMES.engineHost });
  port = current;
  serveEnginePort(current, handlers, (running) => {
    // Asking for the state is not work; it must not make the engine look busy.
    inFlight = running.filter((command) => command !== 'engine.get-state').length;
    post({ kind: 'state', state: currentState() });
  });
  current.onDisconnect.addListener(() => {
    if (port === current) port = null;
    setTimeout(connect, 1000);
  });
  post({ kind: 'state', state: currentState() });
}

connect();
setInterval(() => post({ kind: 'heartbeat', at: Date.now() }), HEARTBEAT_MS);
