import { EngineConnection } from '../shared/engine-connection';
import { renderEngineState } from '../shared/engine-state-view';
import { localizeDocument } from '../shared/i18n';

localizeDocument();
const connection = new EngineConnection();
const stateView = document.getElementById('engine-state')!;
connection.onState((state) => renderEngineState(stateView, state));
document.getElementById('open-options')!.addEventListener('click', () => void chrome.runtime.openOptionsPage());
