import type * as v from 'valibot';
import { hostCommands } from './commands/host-commands';

/**
 * The engine's command table: every request a UI (through the service worker) can make of the offscreen
 * host, with the payload it takes, the result it resolves to, and the stream events it may send first.
 * Sender and receiver are both typed from this one table, so a payload cannot drift from its handler.
 * Each capability defines its commands in `commands/<capability>-commands.ts`; they meet here.
 */
export const engineCommands = {
  ...hostCommands,
} as const;


export type EngineCommandName = keyof typeof engineCommands;
export type EnginePayload<N extends EngineCommandName> = v.InferOutput<(typeof engineCommands)[N]['payload']>;
export type EngineResult<N extends EngineCommandName> = v.InferOutput<(typeof engineCommands)[N]['result']>;
export type EngineEvent<N extends EngineCommandName> = v.InferOutput<(typeof engineCommands)[N]['event']>;

export function isEngineCommandName(name: string): name is EngineCommandName {
  return Object.hasOwn(engineCommands, name);
}
