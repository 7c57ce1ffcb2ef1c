// Talks to the extension's offscreen document (the engine host) over the Chrome DevTools Protocol. Playwright
// lists offscreen documents neither as pages nor as background pages, so this attaches to the `background_page`
// target by hand (non-flat session, messages wrapped in Target.sendMessageToTarget). Benches evaluate there;
// tests also hang or crash the host for real.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export type OffscreenEval = <T>(expression: string) => Promise<T>;

interface Reply {
  result?: { result?: { value?: unknown }; exceptionDetails?: { exception?: { description?: string }; text: string } };
  error?: { message: string };
}

export interface OffscreenSession {
  /** Runs `expression` (awaiting a promise) in the offscreen document and returns its value. */
  evaluate: OffscreenEval;
  /** Sends a DevTools command; with `reply: false` it does not wait (Page.crash never answers). */
  command(method: string, params?: Record<string, unknown>, options?: { reply?: boolean }): Promise<Reply['result']>;
}

export async function offscreenSession(context: BrowserContext, anyPage: Page): Promise<OffscreenSession> {
  const cdp: CDPSession = await context.newCDPSession(anyPage);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'background_page' && t.url.endsWith('/offscreen/offscreen.html'));
  if (!target) throw new Error('no offscreen document to attach to');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  const pending = new Map<number, (message: Reply) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as Reply & { id?: number };
    if (message.id !== undefined) pending.get(message.id)?.(message);
  });
  let nextId = 1;
  const command: OffscreenSession['command'] = async (method, params = {}, { reply = true } = {}) => {
    const id = nextId++;
    const answered = new Promise<Reply>((resolve) => pending.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    if (!reply) return undefined;
    const message = await answered;
    pending.delete(id);
    if (message.error) throw new Error(message.error.message);
    return message.result;
  };
  const evaluate = async <T>(expression: string): Promise<T> => {
    const result = await command('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    const details = result?.exceptionDetails;
    if (details) throw new Error(details.exception?.description ?? details.text);
    return result?.result?.value as T;
  };
  return { evaluate, command };
}

/** Just the evaluate: what the benches use. */
export async function attachOffscreen(context: BrowserContext, anyPage: Page): Promise<OffscreenEval> {
  return (await offscreenSession(context, anyPage)).evaluate;
}
