import type { HostHandlers } from '../protocol';
import { WeightDb } from '../store/weight-db';
import { EngineHost } from './engine-host';
import { diagnosticsHandlers } from './handlers/diagnostics-handlers';
import { engineHandlers } from './handlers/engine-handlers';
import { fillHandlers } from './handlers/fill-handlers';
import { storeHandlers } from './handlers/store-handlers';
import { summarizeHandlers } from './handlers/summarize-handlers';
import { translateHandlers } from './handlers/translate-handlers';
import { linkToWorker } from './worker-link';

/**
 * The engine host: the offscreen document that holds the model and the weight store. One EngineHost owns the
 * model; each capability contributes its handlers from `handlers/`, each given what it uses; the worker link
 * serves them to the service worker.
 */
const db = new WeightDb();
const host = new EngineHost(db, () => location.reload());
const handlers: HostHandlers = {
  ...engineHandlers(host),
  ...storeHandlers(host, db),
  ...summarizeHandlers(host),
  ...translateHandlers(host),
  ...fillHandlers(host),
  ...diagnosticsHandlers(host),
};
linkToWorker(handlers, host.status);
