import type { EngineHandlers, hostCommands } from '../../protocol';
import type { EngineStatus } from '../engine-status';
import { runSelfTest } from '../self-test';

type HostHandlers = Pick<EngineHandlers, keyof typeof hostCommands>;

export function hostHandlers(status: EngineStatus): HostHandlers {
  return {
    'engine.get-state': async () => status.state,
    'engine.self-test': (payload, { signal, emit }) =>
      runSelfTest(payload.backend, signal, (stage, fraction) => emit({ type: 'progress', stage, fraction })),
    'engine.hold': async ({ ms }, { signal, emit }) => {
      const start = performance.now();
      while (performance.now() - start < ms && !signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, ms)));
        emit({ type: 'tick', elapsedMs: performance.now() - start });
      }
      return { heldMs: performance.now() - start };
    },
  };
}
