import * as v from 'valibot';
import {
  ClientFrameSchema,
  isCommandName,
  isWorkerCommandName,
  PagewiseError,
  toWireError,
  workerCommands,
  type CommandPayload,
  type CommandResult,
  type HostFrame,
  type WorkerCommandName,
} from '../protocol';
import type { HostDocument } from './host-document';

/** The commands the worker answers itself, by name; `signal` aborts when the UI cancels or closes. */
export type WorkerHandlers = { [N in WorkerCommandName]: (payload: CommandPayload<N>, context: { signal: AbortSignal }) => Promise<CommandResult<N>> };

/**
 * Serves one UI port (side panel, popup, options): answers the worker's own commands, relays the rest to the
 * engine host, streams events and results back, and pushes every engine state change so the UI is always
 * current. Calls still running when the UI closes are cancelled.
 */
export function relayUiPort(port: chrome.runtime.Port, host: HostDocument, handlers: WorkerHandlers): void {
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
    if (!isCommandName(command)) {
      post({ kind: 'error', id, error: new PagewiseError('unknown-command', `Unknown command "${command}".`).toWire() });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    const answer = isWorkerCommandName(command)
      ? answerHere(handlers, command, payload, controller.signal)
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

async function answerHere(handlers: WorkerHandlers, command: WorkerCommandName, payload: unknown, signal: AbortSignal): Promise<unknown> {
  const input = v.safeParse(workerCommands[command].payload, payload);
  if (!input.success) throw new PagewiseError('bad-message', `Invalid payload for "${command}".`);
  return (handlers[command] as (payload: unknown, context: { signal: AbortSignal }) => Promise<unknown>)(input.output, { signal });
}
