import {
  OFFSCREEN_PATH,
  PagewiseError,
  HANG_SECONDS,
  PortClient,
  STOPPED_STATE,
  type CallOptions,
  type CommandPayload,
  type CommandResult,
  type EngineState,
  type FramePort,
  type HostCommandName,
} from '../protocol';
import { readSetting } from './settings';

/** How long to wait for a freshly created offscreen document to connect back. */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * The engine host's offscreen document as the worker sees it: creates it on demand, keeps it while calls are
 * in flight, closes it after the idle timeout (which is how an idle model gives its memory back), and fails
 * every waiting call with a clear error if it dies.
 */
export class HostDocument {
  private client: PortClient | null = null;
  private starting: Promise<PortClient> | null = null;
  private connectWaiters: Array<(client: PortClient) => void> = [];
  private inFlight = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private state: EngineState = STOPPED_STATE;
  /** Fires when the host has sent nothing for the hang limit while working (see HANG_SECONDS). */
  private hangTimer: ReturnType<typeof setTimeout> | undefined;
  private hangMs: number = HANG_SECONDS.default * 1000;
  private hungClient: PortClient | null = null;
  private closing: Promise<void> | null = null;
  private readonly stateListeners = new Set<(state: EngineState) => void>();

  get currentState(): EngineState {
    return this.state;
  }

  onState(listener: (state: EngineState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called when the offscreen document connects its port (on creation, or again after the worker restarted). */
  attach(port: FramePort): void {
    this.client?.disconnect();
    const client: PortClient = new PortClient(port, () =>
      this.hungClient === client
        ? new PagewiseError('engine-crashed', `The engine stopped responding (nothing for ${Math.round(this.hangMs / 1000)} s) and was closed. Try again.`)
        : new PagewiseError('engine-crashed', 'The engine stopped while working on this request. Try again.'),
    );
    this.client = client;
    client.onState((state) => this.setState(state));
    // Any frame (heartbeat, state, event, result) is a sign of life.
    port.onMessage.addListener(() => this.watchForHang(client));
    port.onDisconnect.addListener(() => {
      if (this.client !== client) return;
      this.client = null;
      clearTimeout(this.hangTimer);
      this.setState(STOPPED_STATE);
    });
    void readSetting('engineHangSeconds').then((seconds) => (this.hangMs = seconds * 1000));
    for (const resolve of this.connectWaiters.splice(0)) resolve(client);
    this.scheduleIdleClose();
    this.watchForHang(client);
  }

  /**
   * (Re)starts the hang clock while the host works. A host silent past the limit is hung: its requests fail with
   * a clear error and its document is closed, so the next request starts a fresh one instead of waiting forever.
   */
  private watchForHang(client: PortClient): void {
    clearTimeout(this.hangTimer);
    if (!this.working || this.client !== client) return;
    this.hangTimer = setTimeout(() => {
      if (this.client !== client || !this.working) return;
      this.hungClient = client;
      client.disconnect();
      void this.close();
    }, this.hangMs);
  }

  async call<N extends HostCommandName>(command: N, payload: CommandPayload<N>, options: CallOptions<N> = {}): Promise<CommandResult<N>> {
    this.inFlight++;
    clearTimeout(this.idleTimer);
    try {
      const client = await this.ensure();
      if (this.inFlight === 1) this.watchForHang(client);
      return await client.call(command, payload, options);
    } finally {
      this.inFlight--;
      if (!this.working) clearTimeout(this.hangTimer);
      this.scheduleIdleClose();
    }
  }

  /** Closes the document now (the idle timer, a hang). A request meanwhile waits for it and starts a new one. */
  close(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.client = null;
    this.closing ??= (async () => {
      // Closing the document drops its port, which fails anything still pending with a clear error.
      if (await hasOffscreenDocument()) await chrome.offscreen.closeDocument();
    })().finally(() => {
      this.closing = null;
    });
    this.setState(STOPPED_STATE);
    return this.closing;
  }

  private ensure(): Promise<PortClient> {
    if (this.client && !this.client.isClosed) return Promise.resolve(this.client);
    this.starting ??= this.start().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async start(): Promise<PortClient> {
    // A document being closed still exists: wait until it is gone, or the new one would never be created.
    await this.closing?.catch(() => undefined);
    const connected = new Promise<PortClient>((resolve) => this.connectWaiters.push(resolve));
    if (!(await hasOffscreenDocument())) {
      await chrome.offscreen.createDocument({
        url: OFFSCREEN_PATH,
        reasons: [chrome.offscreen.Reason.WORKERS],
        justification: 'Runs the on-device language model (onnxruntime-web) for summaries, translation and form filling.',
      });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PagewiseError('engine-unavailable', 'The engine did not start in time. Try again.')),
        CONNECT_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([connected, timeout]);
    } catch (error) {
      // A document that never connected is useless; remove it so the next call starts clean.
      if (await hasOffscreenDocument()) await chrome.offscreen.closeDocument();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Calls in flight keep the document, and so do the downloads it runs: the page that started one may be closed
   * (and the worker restarted since), but the state the document reports lists them.
   */
  private get working(): boolean {
    return this.inFlight > 0 || (this.state.downloads?.length ?? 0) > 0;
  }

  private scheduleIdleClose(): void {
    clearTimeout(this.idleTimer);
    if (this.working || !this.client) return;
    void readSetting('engineIdleSeconds').then((engineIdleSeconds) => {
      if (this.working) return;
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        if (!this.working) void this.close();
      }, engineIdleSeconds * 1000);
    });
  }

  private setState(state: EngineState): void {
    const downloadsEnded = (this.state.downloads?.length ?? 0) > 0 && !state.downloads?.length;
    this.state = state;
    if (downloadsEnded) this.scheduleIdleClose();
    else if (state.downloads?.length) clearTimeout(this.idleTimer);
    for (const listener of this.stateListeners) listener(state);
  }
}

export async function hasOffscreenDocument(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_PATH)],
  });
  return contexts.length > 0;
}
