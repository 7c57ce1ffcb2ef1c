import * as v from 'valibot';
import { PageToWorkerSchema, PagewiseError, TRANSLATE_PORT, toWireError, type TranslateStatus, type TranslateUsage, type WorkerToPage } from '../protocol';
import type { HostDocument } from './host-document';
import { readSetting } from './settings';
import type { Refusals } from './refusals';

/** Batches one tab may have in flight: the page side pipelines two; more is a page misbehaving. */
const MAX_IN_FLIGHT = 4;

interface Session {
  port: chrome.runtime.Port;
  status?: TranslateStatus;
  usage: TranslateUsage;
  running: Map<number, AbortController>;
}

/**
 * One translation channel per tab, opened by the worker when the user starts a translation there. The content
 * script asks for batches over it; the worker passes them to the engine host and streams each unit back. The
 * channel is the only way a content script reaches the engine, it exists only after the user asked, and it
 * carries batches of text and nothing else.
 */
export class TranslateSessions {
  private readonly sessions = new Map<number, Session>();

  constructor(
    private readonly host: HostDocument,
    private readonly refusals: Refusals,
  ) {}

  status(tabId: number): TranslateStatus | undefined {
    return this.sessions.get(tabId)?.status;
  }

  usage(tabId: number): TranslateUsage | undefined {
    return this.sessions.get(tabId)?.usage;
  }

  /** Sends `message` to the tab's content script, opening the channel first when there is none. */
  send(tabId: number, message: WorkerToPage): void {
    let session = this.sessions.get(tabId);
    if (!session) {
      if (message.kind !== 'start') return;
      session = this.open(tabId);
    }
    session.port.postMessage(message);
  }

  /** Waits for the content script's next status report (it sends one after each command), up to `ms`. */
  async nextStatus(tabId: number, ms = 3000): Promise<TranslateStatus | undefined> {
    const session = this.sessions.get(tabId);
    if (!session) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), ms);
      const listener = (message: unknown): void => {
        if (v.is(PageToWorkerSchema, message) && message.kind === 'status') finish();
      };
      const finish = (): void => {
        clearTimeout(timer);
        session.port.onMessage.removeListener(listener);
        // The session's own listener ran first (added first), so the status is current.
        queueMicrotask(() => resolve(this.sessions.get(tabId)?.status));
      };
      session.port.onMessage.addListener(listener);
    });
  }

  private open(tabId: number): Session {
    const port = chrome.tabs.connect(tabId, { name: TRANSLATE_PORT, frameId: 0 });
    const session: Session = { port, running: new Map(), usage: { batches: 0, calls: 0, cachedUnits: 0, pageTokens: 0, formatTokens: 0, promptTokens: 0, reusedTokens: 0, writtenTokens: 0, decodeMs: 0 } };
    this.sessions.set(tabId, session);
    port.onDisconnect.addListener(() => {
      for (const controller of session.running.values()) controller.abort();
      if (this.sessions.get(tabId) === session) this.sessions.delete(tabId);
    });
    port.onMessage.addListener((message: unknown) => this.receive(session, message));
    return session;
  }

  private receive(session: Session, message: unknown): void {
    const parsed = v.safeParse(PageToWorkerSchema, message);
    if (!parsed.success) {
      this.refusals.record('a malformed message on a translation channel', session.port.sender?.url);
      return;
    }
    const frame = parsed.output;
    if (frame.kind === 'status') {
      session.status = frame.status;
      return;
    }
    if (frame.kind === 'cancel') {
      session.running.get(frame.request)?.abort();
      return;
    }
    const { request, batch } = frame;
    const post = (reply: WorkerToPage): void => {
      try {
        session.port.postMessage(reply);
      } catch {
        // The tab navigated away or closed: nobody is left to tell.
      }
    };
    if (session.running.has(request) || session.running.size >= MAX_IN_FLIGHT) {
      post({ kind: 'batch-error', request, message: 'Too many translation requests at once.' });
      return;
    }
    const controller = new AbortController();
    session.running.set(request, controller);
    // The glossary is the user's, from the settings: whatever the page side put there is replaced.
    readSetting('translateGlossary')
      .then((glossary) => this.host.call('translate.batch', { ...batch, glossary }, {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type !== 'unit') return;
          if (event.cached) session.usage.cachedUnits++;
          post({ kind: 'unit', request, id: event.id, pieces: event.pieces });
        },
      }))
      .then(
        (result) => {
          const usage = session.usage;
          usage.batches++;
          usage.calls += result.calls;
          usage.pageTokens += result.pageTokens;
          usage.formatTokens += result.formatTokens;
          usage.promptTokens += result.promptTokens;
          usage.reusedTokens += result.reusedTokens;
          usage.writtenTokens += result.writtenTokens;
          usage.decodeMs += result.decodeMs;
          post({ kind: 'batch-done', request, failed: result.failed });
        },
        (error: unknown) => post({ kind: 'batch-error', request, message: wireMessage(error) }),
      )
      .finally(() => session.running.delete(request));
  }
}

function wireMessage(error: unknown): string {
  const wire = error instanceof PagewiseError ? error.toWire() : toWireError(error);
  return wire.message.slice(0, 300);
}
