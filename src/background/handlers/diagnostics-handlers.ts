import type { CommandPayload, CommandResult, workerDiagnosticsCommands } from '../../protocol';
import type { Refusals } from '../refusals';

type DiagnosticsHandlers = { [N in keyof typeof workerDiagnosticsCommands]: (payload: CommandPayload<N>) => Promise<CommandResult<N>> };

/** The diagnostics the worker answers itself: what it refused. */
export function diagnosticsHandlers(refusals: Refusals): DiagnosticsHandlers {
  return {
    'diagnostics.refused-messages': async () => ({ refused: refusals.list() }),
  };
}
