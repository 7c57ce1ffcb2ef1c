// Evaluates JavaScript inside the extension's offscreen document (the engine host) over the Chrome DevTools
// Protocol. Playwright lists offscreen documents neither as pages nor as background pages, so this attaches
// to the `background_page` target by hand (non-flat session, messages wrapped in Target.sendMessageToTarget).
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export type OffscreenEval = <T>(expression: string) => Promise<T>;

export async function attachOffscreen(context: BrowserContext, anyPage: Page): Promise<OffscreenEval> {
  const cdp: CDPSession = await context.newCDPSession(anyPage);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'background_page' && t.url.endsWith('/offscreen/offscreen.html'));
  if (!target) throw new Error('no offscreen document to attach to');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  const pending = new Map<number, (message: { result?: { result: { value?: unknown }; exceptionDetails?: { exception?: { description?: string }; text: string } }; error?: { message: string } }) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number };
    if (message.id !== undefined) pending.get(message.id)?.(message as never);
  });
  let nextId = 1;
  return async <T>(expression: string): Promise<T> => {
    const id = nextId++;
    const reply = new Promise<Parameters<typeof pending extends Map<number, infer F> ? F : never>[0]>((resolve) => pending.set(id, resolve));
    const params = { expression, awaitPromise: true, returnByValue: true };
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.evaluate', params }) });
    const message = await reply;
    pending.delete(id);
    if (message.error) throw new Error(message.error.message);
    const details = message.result?.exceptionDetails;
    if (details) throw new Error(details.exception?.description ?? details.text);
    return message.result?.result.value as T;
  };
}
