import type * as v from 'valibot';
import { hostDiagnosticsCommands, workerDiagnosticsCommands } from './commands/diagnostics-commands';
import { engineCommands } from './commands/engine-commands';
import { fillHostCommands, fillTabCommands } from './commands/fill-commands';
import { storeCommands } from './commands/store-commands';
import { summarizeCommands } from './commands/summarize-commands';
import { tabCommands } from './commands/tab-commands';
import { translateHostCommands, translateTabCommands } from './commands/translate-commands';

/**
 * Every request a UI page (side panel, popup, options) can make over its port, with the payload it takes, the
 * result it resolves to, and the events it may stream first. Sender and receiver are both typed from these
 * tables, so a payload cannot drift from its handler. Each capability defines its commands in
 * `commands/<capability>-commands.ts`; they meet here, split by who answers:
 * - the engine host (the offscreen document that holds the model and the weight store) answers `hostCommands`;
 * - the service worker answers `workerCommands` itself (tabs, and what it refused), never starting the host.
 */
export const hostCommands = {
  ...engineCommands,
  ...storeCommands,
  ...summarizeCommands,
  ...translateHostCommands,
  ...fillHostCommands,
  ...hostDiagnosticsCommands,
} as const;

export const workerCommands = {
  ...tabCommands,
  ...translateTabCommands,
  ...fillTabCommands,
  ...workerDiagnosticsCommands,
} as const;

export const uiCommands = { ...hostCommands, ...workerCommands } as const;

export type CommandName = keyof typeof uiCommands;
export type HostCommandName = keyof typeof hostCommands;
export type WorkerCommandName = keyof typeof workerCommands;
export type CommandPayload<N extends CommandName> = v.InferOutput<(typeof uiCommands)[N]['payload']>;
export type CommandResult<N extends CommandName> = v.InferOutput<(typeof uiCommands)[N]['result']>;
export type CommandEvent<N extends CommandName> = v.InferOutput<(typeof uiCommands)[N]['event']>;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(uiCommands, name);
}

export function isHostCommandName(name: string): name is HostCommandName {
  return Object.hasOwn(hostCommands, name);
}

export function isWorkerCommandName(name: string): name is WorkerCommandName {
  return Object.hasOwn(workerCommands, name);
}
