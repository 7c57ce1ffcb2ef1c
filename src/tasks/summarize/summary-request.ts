import * as v from 'valibot';

/**
 * A summary asked for from a context menu or the keyboard shortcut. The worker must open the side panel
 * synchronously in the gesture handler, so it cannot wait for the panel to load; it leaves the request in
 * chrome.storage.session (readable by extension pages only, never by content scripts or pages), and the
 * panel takes it when it opens, or at once when it is already open.
 */
export const PENDING_SUMMARY_KEY = 'pendingSummary';

export const PendingSummarySchema = v.object({
  scope: v.picklist(['page', 'selection']),
  /** The window whose panel should run it (each window has its own panel). */
  windowId: v.number(),
  /** When it was asked; an old request (the panel never opened) is dropped rather than run by surprise. */
  at: v.number(),
});
export type PendingSummary = v.InferOutput<typeof PendingSummarySchema>;

export const PENDING_SUMMARY_MAX_AGE_MS = 30_000;
