import { startUiPage } from '../shared/ui-page';

startUiPage();
document.getElementById('open-options')!.addEventListener('click', () => void chrome.runtime.openOptionsPage());
