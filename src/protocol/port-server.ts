import * as v from 'valibot';
import { hostCommands, isHostCommandName, type CommandEvent, type CommandName, type CommandPayload, type CommandResult, type HostCommandName } from './command-tables';
import { PagewiseError, toWireError } from './errors';
import { ClientFrameSchema, type HostFrame } from './port-frames';
import type { FramePort } from './port-client';

export interface CallContext<N extends CommandName> {
  signal: AbortSignal;
  emit(event: CommandEvent<N>): void;
}

/** A handler for every command the engine host answers. */
export type HostHandlers = {
  [N in HostCommandName]: (payload: CommandPayload<N>, ctx: CallContext<N>) => Promise<CommandResult<N>>;
};

/**
 * Answers the host's command frames arriving on `port` with `handlers`. Each call gets an AbortSignal that a
 * `cancel` frame or the port closing aborts, so work stops when nobody is waiting for it.
 */
export function serveHostCommands(
  port: FramePort,
  handlers: HostHandlers,
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
  handlers: HostHandlers,
  post: (frame: HostFrame) => void,
): Promise<void> {
  try {
    if (!isHostCommandName(command) || !Object.hasOwn(handlers, command)) throw new PagewiseError('unknown-command', `Unknown command "${command}".`);
    const spec = hostCommands[command];
    const input = v.safeParse(spec.payload, payload);
    if (!input.success) {
      throw new PagewiseError('bad-message', `Invalid payload for "${command}": ${v.summarize(input.issues)}`);
    }
    const handler = handlers[command] as (p: unknown, ctx: CallContext<CommandName>) => Promise<unknown>;
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
