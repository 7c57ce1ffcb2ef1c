import { byId } from '../shared/dom';
import { startUiPage } from '../shared/ui-page';
import { mountDiagnostics } from './diagnostics-panel';
import { mountEngineSettings, mountUnloadButton } from './engine-settings';
import { mountHardwarePanel } from './hardware-panel';
import { mountHubSetting } from './hub-setting';
import { mountModelManager } from './models/model-manager';
import { mountProfileSettings } from './profile-settings';
import { mountTranslateSettings } from './translate-settings';
import './options.css';

// The one place the options page is put together: one engine connection, shared by every section.
const connection = startUiPage();
mountModelManager(byId('models-section', HTMLElement), connection);
mountHardwarePanel(byId('hardware-section', HTMLElement), connection);
mountEngineSettings(byId('idle-seconds', HTMLInputElement), byId('idle-seconds-status', HTMLOutputElement));
mountUnloadButton(byId('unload-model', HTMLButtonElement), byId('unload-model-status', HTMLOutputElement), connection);
mountHubSetting(byId('hub-base-url', HTMLInputElement), byId('hub-base-url-status', HTMLOutputElement));
mountTranslateSettings(byId('translate-section', HTMLElement), connection);
mountProfileSettings(byId('profile-section', HTMLElement));
mountDiagnostics(byId('diagnostics-section', HTMLElement), connection);
