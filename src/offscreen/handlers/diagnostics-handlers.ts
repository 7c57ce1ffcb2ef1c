import { yieldToEventLoop } from '../../engine/yield-to-event-loop';
import type { HostHandlers, hostDiagnosticsCommands } from '../../protocol';
import type { EngineHost } from '../engine-host';
import { openSelfTestSession, runSelfTest } from '../self-test';

type DiagnosticsHandlers = Pick<HostHandlers, keyof typeof hostDiagnosticsCommands>;

/** Speed reports at most this often while measuring: the runs themselves take well under a millisecond. */
const REPORT_EVERY_MS = 100;

/** The options page's checks of this machine: does ORT compute right here, and how fast. */
export function diagnosticsHandlers(host: EngineHost): DiagnosticsHandlers {
  return {
    'diagnostics.self-test': ({ backend }, { signal, emit }) =>
      runSelfTest(host.ort, backend, signal, (stage, fraction) => emit({ type: 'progress', stage, fraction })),

    'diagnostics.measure-speed': async ({ backend, ms }, { signal, emit }) => {
      const test = await openSelfTestSession(host.ort, backend);
      try {
        const times: number[] = [];
        const start = performance.now();
        let reported = start;
        while (performance.now() - start < ms && !signal.aborted) {
          times.push(await test.run());
          const now = performance.now();
          if (now - reported >= REPORT_EVERY_MS) {
            reported = now;
            emit({ type: 'run', runs: times.length, elapsedMs: now - start, runMs: times.at(-1)! });
          }
          // A run resolves as a microtask on WASM: give the cancel frame its turn.
          await yieldToEventLoop();
        }
        const sorted = [...times].sort((a, b) => a - b);
        return { runs: times.length, elapsedMs: performance.now() - start, medianRunMs: sorted[Math.floor(sorted.length / 2)] ?? 0 };
      } finally {
        await test.release();
      }
    },
  };
}
