import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { callOneShot, dispatchOneShot, MESSAGE_CHANNEL, type Handlers } from '../../../src/protocol';

// A table of this test's own: dispatch is generic over tables (the worker's questions to content scripts use it).
const table = {
  'test.describe': {
    payload: v.object({ url: v.pipe(v.string(), v.maxLength(100)), title: v.string() }),
    result: v.object({ tabId: v.number(), url: v.string() }),
  },
} as const;

const handlers: Handlers<typeof table, { tabId: number }> = {
  'test.describe': async ({ url }, { tabId }) => ({ tabId, url }),
};

describe('one-shot messages', () => {
  test('a valid command reaches its handler with the trusted context, not anything from the payload', async () => {
    const reply = await dispatchOneShot(table, handlers, { channel: MESSAGE_CHANNEL, command: 'test.describe', payload: { url: 'http://x/', title: 't', tabId: 999 } }, { tabId: 7 });
    expect(reply).toEqual({ ok: true, result: { tabId: 7, url: 'http://x/' } });
  });

  test.each([
    ['not an object', 'hello'],
    ['another channel', { channel: 'other', command: 'test.describe', payload: {} }],
    ['a missing payload field', { channel: MESSAGE_CHANNEL, command: 'test.describe', payload: { url: 'x' } }],
    ['an oversized field', { channel: MESSAGE_CHANNEL, command: 'test.describe', payload: { url: 'y'.repeat(5000), title: '' } }],
  ])('refuses %s as bad-message', async (_name, message) => {
    const reply = await dispatchOneShot(table, handlers, message, { tabId: 1 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-message' } });
  });

  test('refuses commands outside the table, including inherited property names', async () => {
    for (const command of ['engine.generate', 'toString', '__proto__', 'constructor']) {
      const reply = await dispatchOneShot(table, handlers, { channel: MESSAGE_CHANNEL, command, payload: {} }, { tabId: 1 });
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    }
  });

  test('the caller gets the result, or the error as a PagewiseError', async () => {
    const send = (message: unknown) => dispatchOneShot(table, handlers, message, { tabId: 3 });
    await expect(callOneShot(send, table, 'test.describe', { url: 'u', title: 't' })).resolves.toMatchObject({ tabId: 3 });
    const failing = async () => ({ ok: false, error: { code: 'timeout', message: 'slow' } });
    await expect(callOneShot(failing, table, 'test.describe', { url: 'u', title: 't' })).rejects.toMatchObject({ code: 'timeout' });
    const lying = async () => ({ ok: true, result: { tabId: 'seven' } });
    await expect(callOneShot(lying, table, 'test.describe', { url: 'u', title: 't' })).rejects.toMatchObject({ code: 'bad-message' });
  });
});
