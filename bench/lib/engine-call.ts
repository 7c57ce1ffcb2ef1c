import type { Page } from 'playwright-core';
import { callEngine } from '../../test/e2e/harness/engine-client';

/** An engine command from an extension page: its result, or a thrown error naming the command. */
export async function call<T>(page: Page, command: string, payload: unknown): Promise<T> {
  const outcome = await callEngine(page, command, payload);
  if (!outcome.ok) throw new Error(`${command}: ${JSON.stringify(outcome.error)}`);
  return outcome.result as T;
}
