import { IDLE_SECONDS } from '../../protocol';
import type { EngineConnection } from '../shared/engine-connection';
import { errorMessage } from '../shared/format';
import { t } from '../shared/i18n';
import { readSetting, saveSetting } from '../shared/stored-setting';

/** How long the engine may sit idle before its memory is given back; the bounds come from the setting itself. */
export function mountEngineSettings(input: HTMLInputElement, status: HTMLElement): void {
  input.min = String(IDLE_SECONDS.min);
  input.max = String(IDLE_SECONDS.max);
  void readSetting('engineIdleSeconds').then((seconds) => (input.value = String(seconds)));
  input.addEventListener('change', () => {
    void saveSetting('engineIdleSeconds', input.valueAsNumber).then((saved) => {
      status.dataset['state'] = saved ? 'saved' : 'invalid';
      status.textContent = saved ? t('idleSecondsSaved', [input.value]) : t('idleSecondsInvalid', [String(IDLE_SECONDS.min), String(IDLE_SECONDS.max)]);
    });
  });
}

/** Gives the model's memory back now, without waiting for the idle time. */
export function mountUnloadButton(button: HTMLButtonElement, status: HTMLElement, connection: EngineConnection): void {
  button.addEventListener('click', () => {
    button.disabled = true;
    connection.engine
      .call('engine.unload', {})
      .then(
        ({ unloaded }) => (status.textContent = t(unloaded ? 'unloadModelDone' : 'unloadModelNone')),
        (error: unknown) => (status.textContent = errorMessage(error)),
      )
      .finally(() => (button.disabled = false));
  });
}
