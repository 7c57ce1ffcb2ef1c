import { BACKENDS, type Backend } from '../../protocol';
import { byId } from '../shared/dom';
import type { EngineConnection } from '../shared/engine-connection';
import { errorMessage, formatDuration, formatNumber, isCancelled } from '../shared/format';
import { t } from '../shared/i18n';

/** Long enough for a steady figure, short enough that nobody wonders whether it hung. */
const MEASURE_MS = 5000;

const perSecond = (runs: number, elapsedMs: number): string => formatNumber(elapsedMs > 0 ? (runs * 1000) / elapsedMs : 0, 1);

/**
 * Runs the self-test model on one backend for a few seconds, showing runs per second as they come and the
 * median run time at the end. One measurement at a time: two would share the machine and slow each other.
 */
export function mountSpeedTest(section: HTMLElement, connection: EngineConnection): void {
  const output = byId('measure-speed-output', HTMLOutputElement, section);
  const stop = byId('measure-speed-stop', HTMLButtonElement, section);
  const starts = BACKENDS.map((backend) => [backend, byId(`measure-speed-${backend}`, HTMLButtonElement, section)] as const);
  let running: AbortController | undefined;
  stop.addEventListener('click', () => running?.abort());

  const measure = async (backend: Backend): Promise<void> => {
    const controller = new AbortController();
    running = controller;
    for (const [, start] of starts) start.disabled = true;
    stop.hidden = false;
    output.textContent = t('speedRunning', [backend]);
    try {
      const result = await connection.engine.call(
        'diagnostics.measure-speed',
        { backend, ms: MEASURE_MS },
        {
          signal: controller.signal,
          onEvent: (run) => (output.textContent = t('speedLive', [backend, String(run.runs), perSecond(run.runs, run.elapsedMs), formatDuration(run.runMs)])),
        },
      );
      output.textContent = t('speedDone', [backend, String(result.runs), perSecond(result.runs, result.elapsedMs), formatDuration(result.medianRunMs)]);
    } catch (error) {
      output.textContent = isCancelled(error) ? t('speedStopped', [backend]) : t('speedFailed', [backend, errorMessage(error)]);
    } finally {
      running = undefined;
      for (const [, start] of starts) start.disabled = false;
      stop.hidden = true;
    }
  };
  for (const [backend, start] of starts) start.addEventListener('click', () => void measure(backend));
}
