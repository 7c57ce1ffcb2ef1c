import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/**
 * Evaluates code inside our content script's isolated world through DevTools, to stand in for a content
 * script a hostile page has subverted: whatever it sends, the worker must judge by what it is allowed.
 */
export class ContentWorld {
  private constructor(
    private readonly session: CDPSession,
    private readonly contextId: number,
  ) {}

  static async attach(context: BrowserContext, page: Page, extensionName = 'Pagewise'): Promise<ContentWorld> {
    const session = await context.newCDPSession(page);
    const contexts: Array<{ id: number; name: string; auxData?: { type?: string } }> = [];
    session.on('Runtime.executionContextCreated', (event: { context: (typeof contexts)[number] }) => contexts.push(event.context));
    await session.send('Runtime.enable');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.name === extensionName);
      if (world) return new ContentWorld(session, world.id);
      if (Date.now() > deadline) throw new Error(`No isolated world named ${extensionName}: ${JSON.stringify(contexts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.session.send('Runtime.evaluate', {
      expression,
      contextId: this.contextId,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } };
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  }
}
