import { startUiPage } from '../shared/ui-page';
import { mountTranslateControls } from './translate-controls';

const connection = startUiPage();
mountTranslateControls(document.getElementById('translate')!, () => connection.engine);

// sidePanel.open must run inside the click's user gesture, so the window id is looked up beforehand.
let windowId: number | undefined;
void chrome.windows.getCurrent().then((win) => (windowId = win.id));
document.getElementById('open-panel')!.addEventListener('click', () => {
  if (windowId === undefined) return;
  void chrome.sidePanel.open({ windowId }).then(() => window.close());
});
document.getElementById('open-options')!.addEventListener('click', () => void chrome.runtime.openOptionsPage());
