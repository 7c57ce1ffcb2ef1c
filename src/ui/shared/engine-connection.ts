import { t } from './i18n';
import { PortClient, PagewiseError, PORT_NAMES, STOPPED_STATE, type EngineState } from '../../protocol';

/**
 * A UI page's line to the engine: a port to the service worker that reconnects when the worker restarts,
 * and the latest engine state, pushed live.
 */
export class EngineConnection {
  private client: PortClient;
  private state: EngineState = STOPPED_STATE;
  private readonly listeners = new Set<(state: EngineState) => void>();

  constructor() {
    this.client = this.connect();
  }

  get engine(): PortClient {
    if (this.client.isClosed) this.client = this.connect();
    return this.client;
  }

  get currentState(): EngineState {
    return this.state;
  }

  onState(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  private connect(): PortClient {
    const port = chrome.runtime.connect({ name: PORT_NAMES.ui });
    const client = new PortClient(
      port,
      () => new PagewiseError('connection-lost', t('error_connection_lost')),
    );
    client.onState((state) => this.setState(state));
    port.onDisconnect.addListener(() => {
      // The worker restarted; reconnect so state keeps flowing.
      setTimeout(() => {
        if (this.client === client) this.client = this.connect();
      }, 500);
    });
    return client;
  }

  private setState(state: EngineState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
