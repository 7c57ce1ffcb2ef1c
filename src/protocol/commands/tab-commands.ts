import * as v from 'valibot';
import { ExtractedPageSchema, PageInfoSchema } from '../content-messages';
import { WindowScopeSchema } from './window-scope';

/**
 * Commands a UI makes about the tab it works on. The service worker answers them itself, asking the tab's
 * content script; they never reach the engine host.
 */
export const tabCommands = {
  /** The active tab of the window the UI belongs to, as its content script sees it. */
  'tab.describe-active': {
    payload: WindowScopeSchema,
    result: v.object({ tabId: v.number(), page: PageInfoSchema }),
    event: v.never(),
  },
  /** The readable text of the active tab (and the user's selection there), extracted by its content script. */
  'tab.extract-page': {
    payload: WindowScopeSchema,
    result: v.object({ tabId: v.number(), page: ExtractedPageSchema }),
    event: v.never(),
  },
} as const;
