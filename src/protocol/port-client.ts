import * as v from 'valibot';
import { PagewiseError } from './errors';
import { uiCommands, type CommandEvent, type CommandName, type CommandPayload, type CommandResult } from './command-tables';
import type { EngineState } from './engine-state';
import { HostFrameSchema, type ClientFrame, type HostFrame } from './port-frames';

/** The part of `chrome.runtime.Port` we use; lets the client run over any port-like transport. */
export interface FramePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(cb: (message: unknown) => void): void };
  onDisconnect: { addListener(cb: () => void): void };
}

interface PendingCall {
  command: CommandName;
  resolve(result: unknown): void;
  reject(error: PagewiseError): void;
  onEvent: ((event: unknown) => void) | undefined;
}

export interface CallOptions<N extends CommandName> {
  signal?: AbortSignal;
  onEvent?: (event: CommandEvent<N>) => void;
}

/**
 * Calls commands over a port (a UI to the worker, the worker to the engine host): one pending entry per request, results and events validated against
 * the command table. When the port goes away every pending call fails with `disconnectError`, so a caller
 * never waits on a host that died.
 */
export class PortClient {
  private readonly pending = new Map<string, PendingCall>();
  private readonly stateListeners = new Set<(state: EngineState) => void>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly port: FramePort,
    private readonly disconnectError: () => PagewiseError = () =>
      new PagewiseError('engine-crashed', 'The engine stopped while working on this request.'),
  ) {
    port.onMessage.addListener((message) => this.receive(message));
    port.onDisconnect.addListener(() => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onState(listener: (state: EngineState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  call<N extends CommandName>(
    command: N,
    payload: CommandPayload<N>,
    options: CallOptions<N> = {},
  ): Promise<CommandResult<N>> {
    if (this.closed) return Promise.reject(this.disconnectError());
    const id = `c${++this.nextId}`;
    return new Promise<CommandResult<N>>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(new PagewiseError('cancelled', 'The request was cancelled.'));
        return;
      }
      const onAbort = (): void => this.send({ kind: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        command,
        resolve: (result) => {
          cleanup();
          resolve(result as CommandResult<N>);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
        onEvent: options.onEvent as ((event: unknown) => void) | undefined,
      });
      this.send({ kind: 'request', id, command, payload });
    });
  }

  disconnect(): void {
    this.port.disconnect();
    this.close();
  }

  private send(frame: ClientFrame): void {
    try {
      this.port.postMessage(frame);
    } catch {
      this.close();
    }
  }

  private receive(message: unknown): void {
    const parsed = v.safeParse(HostFrameSchema, message);
    if (!parsed.success) return;
    const frame: HostFrame = parsed.output;
    if (frame.kind === 'heartbeat') return;
    if (frame.kind === 'state') {
      for (const listener of this.stateListeners) listener(frame.state);
      return;
    }
    const call = this.pending.get(frame.id);
    if (!call) return;
    const spec = uiCommands[call.command];
    if (frame.kind === 'event') {
      const event = v.safeParse(spec.event, frame.event);
      if (event.success) call.onEvent?.(event.output);
      return;
    }
    this.pending.delete(frame.id);
    if (frame.kind === 'error') {
      call.reject(PagewiseError.fromWire(frame.error));
      return;
    }
    const result = v.safeParse(spec.result, frame.result);
    if (result.success) call.resolve(result.output);
    else call.reject(new PagewiseError('bad-message', `Invalid result for "${call.command}".`));
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    const error = this.disconnectError();
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}

