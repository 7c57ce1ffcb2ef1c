import { PORT_NAMES, serveEnginePort, type EngineHandlers, type HostFrame } from '../protocol';
import { EngineStatus } from './engine-status';
import { generationHandlers } from './handlers/generation-handlers';
import { hostHandlers } from './handlers/host-handlers';
import { storeHandlers } from './handlers/store-handlers';
import { summarizeHandlers } from './handlers/summarize-handlers';

/**
 * The engine host. It connects to the service worker and answers engine commands. If the worker restarts
 * (MV3 workers stop when idle), the port drops and the host connects again, which wakes the worker.
 * Each capability contributes its handlers from `handlers/`.
 */
const HEARTBEAT_MS = 10_000;

const status = new EngineStatus();
const handlers: EngineHandlers = {
  ...hostHandlers(status),
  ...generationHandlers(status),
  ...storeHandlers(status),
  ...summarizeHandlers(),
};

let port: chrome.runtime.Port | null = null;

function post(frame: HostFrame): void {
  try {
    port?.postMessage(frame);
  } catch {
    // The port closed under us; onDisconnect reconnects.
  }
}

status.onChange((state) => post({ kind: 'state', state }));

function connect(): void {
  const current = chrome.runtime.connect({ name: PORT_NAMES.engineHost });
  port = current;
  serveEnginePort(current, handlers, (running) => {
    // Asking for the state is not work; it must not make the engine look busy.
    status.setInFlight(running.filter((command) => command !== 'engine.get-state').length);
  });
  current.onDisconnect.addListener(() => {
    if (port === current) port = null;
    setTimeout(connect, 1000);
  });
  post({ kind: 'state', state: status.state });
}

connect();
setInterval(() => post({ kind: 'heartbeat', at: Date.now() }), HEARTBEAT_MS);
