import { EngineConnection } from '../shared/engine-connection';
import { renderEngineState } from '../shared/engine-state-view';
import { localizeDocument } from '../shared/i18n';

localizeDocument();
const connection = new EngineConnection();
const stateView = document.getElementById('engine-state')!;
connection.onState((state) => renderEngineState(stateView, state));

document.getElementById('open-panel')!.addEventListener('click', () => {
  // sidePanel.open needs the user gesture of this click, so no await may come before it.
  void chrome.windows.getCurrent().then((win) => {
    if (win.id !== undefined) void chrome.sidePanel.open({ windowId: win.id }).then(() => window.close());
  });
});
document.getElementById('open-options')!.addEventListener('click', () => void chrome.runtime.openOptionsPage());
