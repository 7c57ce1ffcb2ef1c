import { describe, expect, test } from 'vitest';
import { callOneShot, contentCommands, dispatchOneShot, MESSAGE_CHANNEL, type Handlers } from '../../../src/protocol';

const handlers: Handlers<typeof contentCommands, { tabId: number }> = {
  'content.hello': async (_page, { tabId }) => ({ tabId, engine: { phase: 'stopped', inFlight: 0 } }),
};

describe('one-shot messages', () => {
  test('a valid command reaches its handler with the trusted context, not anything from the payload', async () => {
    const reply = await dispatchOneShot(
      contentCommands,
      handlers,
      { channel: MESSAGE_CHANNEL, command: 'content.hello', payload: { url: 'http://x/', title: 't', lang: 'en', tabId: 999 } },
      { tabId: 7 },
    );
    expect(reply).toEqual({ ok: true, result: { tabId: 7, engine: { phase: 'stopped', inFlight: 0 } } });
  });

  test.each([
    ['not an object', 'hello'],
    ['another channel', { channel: 'other', command: 'content.hello', payload: {} }],
    ['a missing payload field', { channel: MESSAGE_CHANNEL, command: 'content.hello', payload: { url: 'x' } }],
    ['an oversized field', { channel: MESSAGE_CHANNEL, command: 'content.hello', payload: { url: 'x', title: 'y'.repeat(5000), lang: '' } }],
  ])('refuses %s as bad-message', async (_name, message) => {
    const reply = await dispatchOneShot(contentCommands, handlers, message, { tabId: 1 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-message' } });
  });

  test('refuses commands outside the table, including inherited property names', async () => {
    for (const command of ['engine.self-test', 'toString', '__proto__', 'constructor']) {
      const reply = await dispatchOneShot(contentCommands, handlers, { channel: MESSAGE_CHANNEL, command, payload: {} }, { tabId: 1 });
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    }
  });

  test('the caller gets the result, or the error as a PagewiseError', async () => {
    const send = (message: unknown) => dispatchOneShot(contentCommands, handlers, message, { tabId: 3 });
    await expect(callOneShot(send, contentCommands, 'content.hello', { url: 'u', title: 't', lang: '' })).resolves.toMatchObject({ tabId: 3 });
    const failing = async () => ({ ok: false, error: { code: 'timeout', message: 'slow' } });
    await expect(callOneShot(failing, contentCommands, 'content.hello', { url: 'u', title: 't', lang: '' })).rejects.toMatchObject({ code: 'timeout' });
    const lying = async () => ({ ok: true, result: { tabId: 'seven' } });
    await expect(callOneShot(lying, contentCommands, 'content.hello', { url: 'u', title: 't', lang: '' })).rejects.toMatchObject({ code: 'bad-message' });
  });
});
