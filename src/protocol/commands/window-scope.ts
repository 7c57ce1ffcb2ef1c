import * as v from 'valibot';
/**
 * The window whose active tab a command is about: the side panel's own window (each window has its panel, and
 * the last focused window may be another). Without it, the last focused window (the popup's is always that one).
 */
export const WindowScopeSchema = v.object({ windowId: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) });
