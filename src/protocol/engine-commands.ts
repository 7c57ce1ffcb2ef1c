import type * as v from 'valibot';
import { generationCommands } from './commands/generation-commands';
import { hostCommands } from './commands/host-commands';
import { storeCommands } from './commands/store-commands';
import { summarizeCommands } from './commands/summarize-commands';
import { tabCommands, type TabCommandName } from './commands/tab-commands';

/**
 * The command table of the UI ports: every request a UI can make, with the payload it takes, the result it
 * resolves to, and the stream events it may send first. The service worker answers `tab.*` commands
 * itself and relays everything else to the offscreen engine host.
 * Sender and receiver are both typed from this one table, so a payload cannot drift from its handler.
 * Each capability defines its commands in `commands/<capability>-commands.ts`; they meet here.
 */
export const engineCommands = {
  ...hostCommands,
  ...generationCommands,
  ...storeCommands,
  ...summarizeCommands,
  ...tabCommands,
} as const;

export type EngineCommandName = keyof typeof engineCommands;
export type EnginePayload<N extends EngineCommandName> = v.InferOutput<(typeof engineCommands)[N]['payload']>;
export type EngineResult<N extends EngineCommandName> = v.InferOutput<(typeof engineCommands)[N]['result']>;
export type EngineEvent<N extends EngineCommandName> = v.InferOutput<(typeof engineCommands)[N]['event']>;

/** Commands the offscreen host answers (everything but the worker's own `tab.*` commands). */
export type HostCommandName = Exclude<EngineCommandName, TabCommandName>;

export function isEngineCommandName(name: string): name is EngineCommandName {
  return Object.hasOwn(engineCommands, name);
}
