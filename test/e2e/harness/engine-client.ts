import type { Page } from 'playwright-core';
import { contentScriptTab } from '../../../scripts/lib/content-script-tab';

export type CallOutcome =
  | { ok: true; result: unknown; events: unknown[] }
  | { ok: false; error: { code: string; message: string }; events: unknown[] };

/**
 * Talks to the engine from an extension page exactly as a UI would: a `pagewise/ui` port and raw frames.
 * Written against the wire format on purpose, so these tests notice if the protocol drifts.
 */
export async function startEngineCall(page: Page, command: string, payload: unknown): Promise<string> {
  return page.evaluate(
    ({ command, payload }) => {
      type Calls = Map<string, Promise<unknown>>;
      const w = window as unknown as { __pagewiseCalls?: Calls; __pagewiseNext?: number };
      w.__pagewiseCalls ??= new Map();
      const id = `t${(w.__pagewiseNext = (w.__pagewiseNext ?? 0) + 1)}`;
      const port = chrome.runtime.connect({ name: 'pagewise/ui' });
      const events: unknown[] = [];
      ((window as unknown as { __pagewiseEvents?: Map<string, unknown[]> }).__pagewiseEvents ??= new Map()).set(id, events);
      const done = new Promise((resolve) => {
        port.onMessage.addListener((frame: { kind: string; id?: string; result?: unknown; error?: unknown; event?: unknown }) => {
          if (frame.id !== id) return;
          if (frame.kind === 'event') events.push(frame.event);
          if (frame.kind === 'result') resolve({ ok: true, result: frame.result, events });
          if (frame.kind === 'error') resolve({ ok: false, error: frame.error, events });
          if (frame.kind === 'result' || frame.kind === 'error') port.disconnect();
        });
        port.onDisconnect.addListener(() =>
          resolve({ ok: false, error: { code: 'port-closed', message: 'UI port closed' }, events }),
        );
      });
      port.postMessage({ kind: 'request', id, command, payload });
      w.__pagewiseCalls.set(id, done);
      ((window as unknown as { __pagewisePorts?: Map<string, chrome.runtime.Port> }).__pagewisePorts ??= new Map()).set(id, port);
      return id;
    },
    { command, payload },
  );
}

export async function awaitEngineCall(page: Page, id: string): Promise<CallOutcome> {
  return page.evaluate(
    (id) => (window as unknown as { __pagewiseCalls: Map<string, Promise<unknown>> }).__pagewiseCalls.get(id),
    id,
  ) as Promise<CallOutcome>;
}

/** Waits until the call has streamed at least `count` events (so a test acts mid-stream on any backend's speed). */
export async function waitForEvents(page: Page, id: string, count: number, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(
    ({ id, count }) => ((window as unknown as { __pagewiseEvents: Map<string, unknown[]> }).__pagewiseEvents.get(id)?.length ?? 0) >= count,
    { id, count },
    { timeout: timeoutMs, polling: 20 },
  );
}

/** Sends the call's cancel frame, as a UI's stop button does, and waits for its outcome. */
export async function cancelEngineCall(page: Page, id: string): Promise<CallOutcome> {
  return page.evaluate((id) => {
    const w = window as unknown as { __pagewiseCalls: Map<string, Promise<unknown>>; __pagewisePorts: Map<string, chrome.runtime.Port> };
    w.__pagewisePorts.get(id)?.postMessage({ kind: 'cancel', id });
    return w.__pagewiseCalls.get(id);
  }, id) as Promise<CallOutcome>;
}

export async function callEngine(page: Page, command: string, payload: unknown): Promise<CallOutcome> {
  return awaitEngineCall(page, await startEngineCall(page, command, payload));
}

/** Whether the offscreen document exists right now, asked of Chrome from the service worker. */
export function offscreenExists(worker: import('playwright-core').Worker): Promise<boolean> {
  return worker.evaluate(async () => {
    const contexts = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] });
    return contexts.length > 0;
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The id of the tab showing `url`, once its content script answers (see contentScriptTab). */
/** Opens `url` in a new tab, waits for its content script, and brings it to the front: the active tab a UI works on. */
export async function openActiveTab(ext: { context: import('playwright-core').BrowserContext; worker: import('playwright-core').Worker }, url: string): Promise<import('playwright-core').Page> {
  const tab = await ext.context.newPage();
  await tab.goto(url);
  await readyTabId(ext.worker, url);
  await tab.bringToFront();
  return tab;
}

export async function readyTabId(worker: import('playwright-core').Worker, url: string): Promise<number> {
  let tabId: number | undefined;
  await waitFor(async () => (tabId = await contentScriptTab(worker, url)) !== undefined, 10_000, `the content script of ${url}`);
  return tabId!;
}

/** Stops the extension's service worker over DevTools, as Chrome does to an idle one (or a user in chrome://serviceworker-internals). */
export async function stopServiceWorker(ui: import('playwright-core').Page): Promise<void> {
  const session = await ui.context().newCDPSession(ui);
  await session.send('ServiceWorker.enable');
  await session.send('ServiceWorker.stopAllWorkers');
  await session.detach();
}
