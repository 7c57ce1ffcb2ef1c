import * as v from 'valibot';

/**
 * Every failure that crosses a context boundary carries one of these codes, so the UI can explain it
 * ("the engine stopped", "the page sent something odd") instead of showing a raw exception.
 */
export const ERROR_CODES = [
  'bad-message', // a message failed validation or came from a context that may not send it
  'untrusted-sender',
  'unknown-command',
  'engine-unavailable', // the offscreen host could not be started or did not answer in time
  'engine-crashed', // the offscreen host went away while the request was in flight
  'connection-lost', // a UI's line to the service worker dropped (the worker was stopped or restarted)
  'cancelled',
  'timeout',
  'no-content-script', // the tab has no content script (chrome:// page, store page, not yet loaded)
  'unsupported', // the requested backend or feature is not available on this machine
  'no-model', // no downloaded model fits this device: the UI offers the model manager
  'model-downloading', // nothing is stored yet, but a download or conversion is running: the UI says how far it is
  'conversation-lost', // the host no longer holds the conversation (closed, or it made room): the panel sends it again
  'busy', // another context is writing the same model (a download, an import): try again when it is done
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const WireErrorSchema = v.object({
  code: v.picklist(ERROR_CODES),
  message: v.string(),
});
export type WireError = v.InferOutput<typeof WireErrorSchema>;

/** The one error type our own code throws across boundaries; it survives structured cloning as a WireError. */
export class PagewiseError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'PagewiseError';
    this.code = code;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }

  static fromWire(wire: WireError): PagewiseError {
    return new PagewiseError(wire.code, wire.message);
  }
}

/** Turns anything thrown into a WireError without leaking stack traces or non-cloneable values. */
export function toWireError(error: unknown): WireError {
  if (error instanceof PagewiseError) return error.toWire();
  if (error instanceof DOMException && error.name === 'AbortError') {
    return { code: 'cancelled', message: 'The request was cancelled.' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}
