import * as v from 'valibot';
import { WireErrorSchema } from './errors';
import { EngineStateSchema } from './engine-state';

/**
 * Frames that travel over long-lived ports (UI <-> service worker <-> offscreen host). A request opens a
 * call; the host answers with any number of `event` frames then exactly one `result` or `error`.
 * Payloads and results are validated against the command table by whoever handles them.
 */

export const PORT_NAMES = {
  /** A UI page (side panel, popup, options) connecting to the service worker. */
  ui: 'pagewise/ui',
  /** The offscreen document connecting to the service worker to host the engine. */
  engineHost: 'pagewise/engine-host',
} as const;

const CallId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const ClientFrameSchema = v.variant('kind', [
  v.object({ kind: v.literal('request'), id: CallId, command: v.string(), payload: v.unknown() }),
  v.object({ kind: v.literal('cancel'), id: CallId }),
]);
export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;

export const HostFrameSchema = v.variant('kind', [
  v.object({ kind: v.literal('event'), id: CallId, event: v.unknown() }),
  v.object({ kind: v.literal('result'), id: CallId, result: v.unknown() }),
  v.object({ kind: v.literal('error'), id: CallId, error: WireErrorSchema }),
  v.object({ kind: v.literal('state'), state: EngineStateSchema }),
  /** Sent by the offscreen host while it works, so a hung host is told apart from a slow one. */
  v.object({ kind: v.literal('heartbeat'), at: v.number() }),
]);
export type HostFrame = v.InferOutput<typeof HostFrameSchema>;
