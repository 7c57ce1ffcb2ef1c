import * as v from 'valibot';
import * as p from '../protocol';
import { ClientFrameSchema, isEngineCommandName, isTabCommandName, PagewiseError, toWireError, type HostFrame } from '../protocol';
import { tabHandlers } from './tab-commands';
import type { OffscreenHost } from './offscreen-host';

/**
 * Serves one UI port (side panel, popup, options): relays its engine requests to the offscreen host,
 * streams events and results back, and pushes every engine state change so the UI is always current.
 * Calls still running when the UI closes are cancelled.
 */
export function relayUiPort(port: chrome.runtime.Port, host: OffscreenHost): void {
  const running = new Map<string, AbortController>();
  let open = true;
  const post = (frame: HostFrame): void => {
    if (open) port.postMessage(frame);
  };
  const stopListening = host.onState((state) => post({ kind: 'state', state }));
  post({ kind: 'state', state: host.currentState });

  port.onDisconnect.addListener(() => {
    open = false;
    stopListening();
    for (const controller of running.values()) controller.abort();
  });

  port.onMessage.addListener((message: unknown) => {
    const parsed = v.safeParse(ClientFrameSchema, message);
    if (!parsed.success) return;
    const frame = parsed.output;
    if (frame.kind === 'cancel') {
      running.get(frame.id)?.abort();
      return;
    }
    const { id, command, payload } = frame;
    if (running.has(id)) return;
    if (!isEngineCommandName(command)) {
      post({ kind: 'error', id, error: new PagewiseError('unknown-command', `Unknown command "${command}".`).toWire() });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    const answer = isTabCommandName(command)
      ? answerTabCommand(command, payload)
      : // The host validates the payload against the command table; the worker only routes.
        host.call(command, payload as never, {
          signal: controller.signal,
          onEvent: (event: unknown) => post({ kind: 'event', id, event }),
        });
    answer
      .then(
        (result) => post({ kind: 'result', id, result }),
        (error: unknown) => post({ kind: 'error', id, error: toWireError(error) }),
      )
      .finally(() => running.delete(id));
  });
}

async function answerTabCommand(command: p.TabCommandName, payload: unknown): Promise<unknown> {
  const input = v.safeParse(p.engineCommands[command].payload, payload);
  if (!input.success) throw new PagewiseError('bad-message', `Invalid payload for "${command}".`);
  return tabHandlers[command](input.output);
}
