import { PagewiseError, type Backend } from '../../protocol';
import { t } from '../shared/i18n';
import { startUiPage } from '../shared/ui-page';
import { mountHubSetting } from './hub-setting';
import './model-manager';
import './hardware-panel';

const connection = startUiPage();

const idleInput = document.getElementById('idle-seconds') as HTMLInputElement;
void chrome.storage.local.get('engineIdleSeconds').then(({ engineIdleSeconds }) => {
  idleInput.value = String(typeof engineIdleSeconds === 'number' ? engineIdleSeconds : 300);
});
idleInput.addEventListener('change', () => {
  const seconds = Math.round(Number(idleInput.value));
  if (Number.isFinite(seconds) && seconds >= 10 && seconds <= 86_400) {
    void chrome.storage.local.set({ engineIdleSeconds: seconds });
  }
});

mountHubSetting(document.getElementById('hub-base-url') as HTMLInputElement, document.getElementById('hub-base-url-status')!);

const output = document.getElementById('self-test-output')!;
async function selfTest(backend: Backend, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  output.textContent = t('selfTestRunning');
  try {
    const result = await connection.engine.call('engine.self-test', { backend });
    output.textContent = t('selfTestPassed', [
      backend,
      result.maxAbsError.toExponential(2),
      result.createMs.toFixed(0),
      result.runMs.toFixed(1),
      String(result.wasmThreads),
      result.adapter ?? '—',
    ]);
  } catch (error) {
    output.textContent = t('selfTestFailed', [backend, error instanceof PagewiseError ? error.message : String(error)]);
  } finally {
    button.disabled = false;
  }
}
for (const backend of ['wasm', 'webgpu'] as const) {
  const button = document.getElementById(`self-test-${backend}`) as HTMLButtonElement;
  button.addEventListener('click', () => void selfTest(backend, button));
}
