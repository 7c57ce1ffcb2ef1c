import * as v from 'valibot';
import { PENDING_SUMMARY_KEY, PENDING_SUMMARY_MAX_AGE_MS, PendingSummarySchema, type PendingSummary } from '../../protocol';

/** Runs `start` for each summary request a menu or the shortcut left for this window's panel, taking it once. */
export function takePendingSummaries(start: (request: PendingSummary) => void): void {
  const windowId = chrome.windows.getCurrent().then((w) => w.id);
  const take = async (): Promise<void> => {
    const stored = (await chrome.storage.session.get(PENDING_SUMMARY_KEY))[PENDING_SUMMARY_KEY] as unknown;
    const request = v.safeParse(PendingSummarySchema, stored);
    if (!request.success || request.output.windowId !== (await windowId)) return;
    await chrome.storage.session.remove(PENDING_SUMMARY_KEY);
    if (Date.now() - request.output.at < PENDING_SUMMARY_MAX_AGE_MS) start(request.output);
  };
  chrome.storage.session.onChanged.addListener((changes) => {
    if (changes[PENDING_SUMMARY_KEY]?.newValue !== undefined) void take();
  });
  void take();
}
