import { PORT_NAMES, serveHostCommands, type HostFrame, type HostHandlers } from '../protocol';
import type { EngineStatus } from './engine-status';

/** Sent while the host lives, so the worker can tell a hung host from a slow one. */
const HEARTBEAT_MS = 10_000;
const RECONNECT_MS = 1000;

/**
 * Connects the engine host to the service worker and serves `handlers` on the port. If the worker restarts
 * (MV3 workers stop when idle) the port drops and the host connects again, which wakes the worker. State
 * changes and heartbeats go to whichever port is current.
 */
export function linkToWorker(handlers: HostHandlers, status: EngineStatus): void {
  let port: chrome.runtime.Port | null = null;

  const post = (frame: HostFrame): void => {
    try {
      port?.postMessage(frame);
    } catch {
      // The port closed under us; onDisconnect reconnects.
    }
  };

  const connect = (): void => {
    const current = chrome.runtime.connect({ name: PORT_NAMES.engineHost });
    port = current;
    serveHostCommands(current, handlers, (running) => {
      // Asking for the state is not work; it must not make the engine look busy.
      status.setInFlight(running.filter((command) => command !== 'engine.get-state').length);
    });
    current.onDisconnect.addListener(() => {
      if (port === current) port = null;
      setTimeout(connect, RECONNECT_MS);
    });
    post({ kind: 'state', state: status.state });
  };

  status.onChange((state) => post({ kind: 'state', state }));
  connect();
  setInterval(() => post({ kind: 'heartbeat', at: Date.now() }), HEARTBEAT_MS);
}
