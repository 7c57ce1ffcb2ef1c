import * as v from 'valibot';
import { EngineStateSchema } from './engine-state';

/**
 * One-shot messages between content scripts and the service worker. Content scripts live next to hostile
 * pages, so everything arriving from one is validated against these schemas and checked for its sender.
 */

export const PageInfoSchema = v.object({
  url: v.pipe(v.string(), v.maxLength(8192)),
  title: v.pipe(v.string(), v.maxLength(2048)),
  /** The page's declared language (`<html lang>`), empty when it declares none. */
  lang: v.pipe(v.string(), v.maxLength(64)),
});
export type PageInfo = v.InferOutput<typeof PageInfoSchema>;

/** Content script -> service worker. */
export const contentCommands = {
  /** Sent once when the content script starts, so the worker knows the tab can be worked on. */
  'content.hello': {
    payload: PageInfoSchema,
    result: v.object({ tabId: v.number(), engine: EngineStateSchema }),
  },
} as const;

/** Service worker -> content script. */
export const pageCommands = {
  'page.ping': {
    payload: v.object({}),
    result: v.object({ page: PageInfoSchema, startedAt: v.number() }),
  },
} as const;

export type ContentCommandName = keyof typeof contentCommands;
export type PageCommandName = keyof typeof pageCommands;

type Table = Record<string, { payload: v.GenericSchema; result: v.GenericSchema }>;
export type PayloadOf<T extends Table, N extends keyof T> = v.InferOutput<T[N]['payload']>;
export type ResultOf<T extends Table, N extends keyof T> = v.InferOutput<T[N]['result']>;

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
