import * as v from 'valibot';
import { ERROR_CODES, PagewiseError, toWireError, type ErrorCode } from './errors';

/** The envelope of every one-shot message; `channel` keeps our traffic apart from anything else. */
export const MESSAGE_CHANNEL = 'pagewise/v1';
export const OneShotMessageSchema = v.object({
  channel: v.literal(MESSAGE_CHANNEL),
  command: v.pipe(v.string(), v.maxLength(64)),
  payload: v.unknown(),
});
export type OneShotMessage = v.InferOutput<typeof OneShotMessageSchema>;

export const OneShotReplySchema = v.variant('ok', [
  v.object({ ok: v.literal(true), result: v.unknown() }),
  v.object({ ok: v.literal(false), error: v.object({ code: v.string(), message: v.string() }) }),
]);
export type OneShotReply = v.InferOutput<typeof OneShotReplySchema>;

/** A table of one-shot commands: payload and result schemas by name. */
export type CommandTable = Record<string, { payload: v.GenericSchema; result: v.GenericSchema }>;
export type Handlers<T extends CommandTable, Ctx> = {
  [N in keyof T]: (payload: v.InferOutput<T[N]['payload']>, ctx: Ctx) => Promise<v.InferOutput<T[N]['result']>>;
};

/**
 * Validates an incoming one-shot message against `table` and runs its handler. Never throws: every failure
 * becomes an error reply, so the sender always hears back.
 */
export async function dispatchOneShot<T extends CommandTable, Ctx>(
  table: T,
  handlers: Handlers<T, Ctx>,
  message: unknown,
  ctx: Ctx,
): Promise<OneShotReply> {
  try {
    const envelope = v.safeParse(OneShotMessageSchema, message);
    if (!envelope.success) throw new PagewiseError('bad-message', 'Message is not a Pagewise message.');
    const { command, payload } = envelope.output;
    if (!Object.hasOwn(table, command)) throw new PagewiseError('unknown-command', `Unknown command "${command}".`);
    const spec = table[command]!;
    const parsed = v.safeParse(spec.payload, payload);
    if (!parsed.success) {
      throw new PagewiseError('bad-message', `Invalid payload for "${command}": ${v.summarize(parsed.issues)}`);
    }
    const handler = handlers[command as keyof T];
    const result: unknown = await handler(parsed.output, ctx);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

/** Sends a one-shot command through `send` and returns its validated result, or throws a PagewiseError. */
export async function callOneShot<T extends CommandTable, N extends keyof T & string>(
  send: (message: unknown) => Promise<unknown>,
  table: T,
  command: N,
  payload: v.InferOutput<T[N]['payload']>,
): Promise<v.InferOutput<T[N]['result']>> {
  const raw = await send({ channel: MESSAGE_CHANNEL, command, payload });
  const reply = v.safeParse(OneShotReplySchema, raw);
  if (!reply.success) throw new PagewiseError('bad-message', `Malformed reply to "${command}".`);
  if (!reply.output.ok) {
    const { code, message } = reply.output.error;
    throw new PagewiseError(isKnownCode(code) ? code : 'internal', message);
  }
  const result = v.safeParse(table[command]!.result, reply.output.result);
  if (!result.success) throw new PagewiseError('bad-message', `Invalid result for "${command}".`);
  return result.output;
}

function isKnownCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
