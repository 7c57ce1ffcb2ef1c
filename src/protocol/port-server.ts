import * as v from 'valibot';
import {
  engineCommands,
  isEngineCommandName,
  type EngineCommandName,
  type EngineEvent,
  type HostCommandName,
  type EnginePayload,
  type EngineResult,
} from './engine-commands';
import { PagewiseError, toWireError } from './errors';
import { ClientFrameSchema, type HostFrame } from './port-frames';
import type { FramePort } from './port-client';

export interface CallContext<N extends EngineCommandName> {
  signal: AbortSignal;
  emit(event: EngineEvent<N>): void;
}

export type EngineHandlers = {
  [N in HostCommandName]: (payload: EnginePayload<N>, ctx: CallContext<N>) => Promise<EngineResult<N>>;
};

/**
 * Answers engine command frames arriving on `port` with `handlers`. Each call gets an AbortSignal that a
 * `cancel` frame or the port closing aborts, so work stops when nobody is waiting for it.
 */
export function serveEnginePort(
  port: FramePort,
  handlers: EngineHandlers,
  onCallsChanged?: (running: readonly string[]) => void,
): void {
  const running = new Map<string, { command: string; controller: AbortController }>();
  const changed = (): void => onCallsChanged?.([...running.values()].map((call) => call.command));
  let open = true;
  const post = (frame: HostFrame): void => {
    if (!open) return;
    try {
      port.postMessage(frame);
    } catch {
      open = false;
    }
  };

  port.onDisconnect.addListener(() => {
    open = false;
    for (const call of running.values()) call.controller.abort();
    running.clear();
    changed();
  });

  port.onMessage.addListener((message) => {
    const parsed = v.safeParse(ClientFrameSchema, message);
    if (!parsed.success) return;
    const frame = parsed.output;
    if (frame.kind === 'cancel') {
      running.get(frame.id)?.controller.abort();
      return;
    }
    if (running.has(frame.id)) return;
    const controller = new AbortController();
    running.set(frame.id, { command: frame.command, controller });
    changed();
    void runCall(frame.command, frame.payload, frame.id, controller.signal, handlers, post).finally(() => {
      running.delete(frame.id);
      changed();
    });
  });
}

async function runCall(
  command: string,
  payload: unknown,
  id: string,
  signal: AbortSignal,
  handlers: EngineHandlers,
  post: (frame: HostFrame) => void,
): Promise<void> {
  try {
    if (!isEngineCommandName(command) || !Object.hasOwn(handlers, command)) throw new PagewiseError('unknown-command', `Unknown command "${command}".`);
    const spec = engineCommands[command];
    const input = v.safeParse(spec.payload, payload);
    if (!input.success) {
      throw new PagewiseError('bad-message', `Invalid payload for "${command}": ${v.summarize(input.issues)}`);
    }
    const handler = handlers[command as HostCommandName] as (p: unknown, ctx: CallContext<EngineCommandName>) => Promise<unknown>;
    const result = await handler(input.output, {
      signal,
      emit: (event) => post({ kind: 'event', id, event }),
    });
    if (signal.aborted) throw new PagewiseError('cancelled', 'The request was cancelled.');
    post({ kind: 'result', id, result });
  } catch (error) {
    post({ kind: 'error', id, error: signal.aborted ? { code: 'cancelled', message: 'The request was cancelled.' } : toWireError(error) });
  }
}
