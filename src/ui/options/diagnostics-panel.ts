import { BACKENDS, type Backend } from '../../protocol';
import { byId } from '../shared/dom';
import type { EngineConnection } from '../shared/engine-connection';
import { errorMessage, formatDuration, formatNumber } from '../shared/format';
import { t } from '../shared/i18n';
import { mountSpeedTest } from './measure-speed';
import { mountRefusedMessages } from './refused-messages';

/**
 * The diagnostics section: does the runtime compute correctly here (self-test), how fast (speed), and what
 * Pagewise turned away. Each check starts the engine, so each runs only when the user asks for it.
 */
export function mountDiagnostics(section: HTMLElement, connection: EngineConnection): void {
  const output = byId('self-test-output', HTMLOutputElement, section);
  for (const backend of BACKENDS) {
    const start = byId(`self-test-${backend}`, HTMLButtonElement, section);
    start.addEventListener('click', () => void selfTest(connection, backend, start, output));
  }
  mountSpeedTest(section, connection);
  mountRefusedMessages(byId('refused-messages', HTMLDetailsElement, section), connection);
}

async function selfTest(connection: EngineConnection, backend: Backend, start: HTMLButtonElement, output: HTMLElement): Promise<void> {
  start.disabled = true;
  output.textContent = t('selfTestRunning');
  try {
    const result = await connection.engine.call('diagnostics.self-test', { backend });
    const details = t('selfTestDetails', [formatNumber(result.maxAbsError, 8), formatDuration(result.createMs), formatDuration(result.runMs), formatNumber(result.wasmThreads), result.adapter ?? '—']);
    output.textContent = `${t('selfTestPassed', [t(`selfTestWhere_${backend}`)])}\n${details}`;
  } catch (error) {
    output.textContent = t('selfTestFailed', [t(`selfTestWhere_${backend}`), errorMessage(error)]);
  } finally {
    start.disabled = false;
  }
}
