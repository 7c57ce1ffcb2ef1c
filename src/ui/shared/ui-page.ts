import { EngineConnection } from './engine-connection';
import { mountEngineState } from './engine-state-view';
import { localizeDocument } from './i18n';

/** What every UI page does first: localize, connect to the engine, and show its state in `#engine-state`. */
export function startUiPage(): EngineConnection {
  localizeDocument();
  const connection = new EngineConnection();
  const badge = document.getElementById('engine-state');
  if (badge) mountEngineState(badge, connection);
  return connection;
}
