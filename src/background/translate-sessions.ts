import * as v from 'valibot';
import { PageToWorkerSchema, PagewiseError, TRANSLATE_PORT, toWireError, type ErrorCode, type TranslateMode, type TranslateStatus, type TranslateUsage, type WorkerToPage } from '../protocol';
import type { HostDocument } from './host-document';
import { readSetting } from './settings';
import type { Refusals } from './refusals';

/** Batches one tab may have in flight: the page side pipelines two; more is a page misbehaving. */
const MAX_IN_FLIGHT = 4;

/** A tab's translation, to go on with on the next page of the same site in the same language. */
export interface KeptTranslation {
  to: string;
  mode: TranslateMode;
  from: string;
  host: string;
}

interface Session {
  port: chrome.runtime.Port;
  /** The site the tab shows, and whether it is in a private window (its text is then not cached). */
  site: string;
  incognito: boolean;
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
  /** What each tab was last asked to translate into, so the next page in the tab in the same language follows (as Chrome's translate does). */
  private readonly kept = new Map<number, KeptTranslation>();

  constructor(
    private readonly host: HostDocument,
    private readonly refusals: Refusals,
  ) {}

  keep(tabId: number, choice: KeptTranslation | undefined): void {
    if (choice) this.kept.set(tabId, choice);
    else this.kept.delete(tabId);
  }

  keptFor(tabId: number): KeptTranslation | undefined {
    return this.kept.get(tabId);
  }

  status(tabId: number): TranslateStatus | undefined {
    return this.sessions.get(tabId)?.status;
  }

  usage(tabId: number): TranslateUsage | undefined {
    return this.sessions.get(tabId)?.usage;
  }

  /**
   * Sends `message` to the tab's content script. `page` is what the browser says of the tab (its site, from the
   * content script's own reading of its address, and whether it is private), recorded for the channel's batches.
   */
  send(tabId: number, page: { url: string; incognito: boolean }, message: WorkerToPage): void {
    // No channel (never opened, or the worker was restarted since): open one; the page keeps its translation across channels.
    const session = this.sessions.get(tabId) ?? this.open(tabId);
    session.site = siteOf(page.url);
    session.incognito = page.incognito;
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
    const session: Session = { port, site: '', incognito: true, running: new Map(), usage: { batches: 0, calls: 0, cachedUnits: 0, pageTokens: 0, formatTokens: 0, promptTokens: 0, reusedTokens: 0, writtenTokens: 0, decodeMs: 0 } };
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
      // A batch over the bounds still gets an answer, so its units are marked failed instead of waiting forever.
      const request = (message as { request?: unknown } | null)?.request;
      if (typeof request === 'number' && Number.isSafeInteger(request)) {
        session.port.postMessage({ kind: 'batch-error', request, code: 'bad-message', message: 'The text was too large or malformed to translate.' } satisfies WorkerToPage);
      }
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
      post({ kind: 'batch-error', request, code: 'busy', message: 'Too many translation requests at once.' });
      return;
    }
    const controller = new AbortController();
    session.running.set(request, controller);
    // The glossary is the user's, from the settings, and the site and privacy come from the browser's own record
    // of the sender: whatever the page side put in those fields is replaced.
    readSetting('translateGlossary')
      .then((glossary) => this.host.call('translate.batch', { ...batch, glossary, site: session.site, private: session.incognito }, {
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
        (error: unknown) => post({ kind: 'batch-error', request, ...wireError(error) }),
      )
      .finally(() => session.running.delete(request));
  }
}

function wireError(error: unknown): { code: ErrorCode; message: string } {
  const wire = error instanceof PagewiseError ? error.toWire() : toWireError(error);
  return { code: wire.code, message: wire.message.slice(0, 300) };
}

/** The host a page's text came from ('' for a local file or an address that does not parse). */
function siteOf(url: string | undefined): string {
  try {
    return url && /^https?:/.test(url) ? new URL(url).hostname.slice(0, 253) : '';
  } catch {
    return '';
  }
}
