import type { workerDiagnosticsCommands } from '../../protocol';
import type { Refusals } from '../refusals';
import type { WorkerHandlers } from '../ui-relay';

type DiagnosticsHandlers = Pick<WorkerHandlers, keyof typeof workerDiagnosticsCommands>;

/** The diagnostics the worker answers itself: what it refused. */
export function diagnosticsHandlers(refusals: Refusals): DiagnosticsHandlers {
  return {
    'diagnostics.refused-messages': async () => ({ refused: refusals.list() }),
  };
}
