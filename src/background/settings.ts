/**
 * User settings the service worker needs, read from chrome.storage.local with defaults. The options page
 * writes them; the worker reads them each time it needs one, so a change applies without a reload.
 */
export interface WorkerSettings {
  /** Seconds the engine may sit idle before its offscreen document is closed to give memory back. */
  engineIdleSeconds: number;
}

export const DEFAULT_SETTINGS: WorkerSettings = { engineIdleSeconds: 300 };

export async function readSettings(): Promise<WorkerSettings> {
  const stored = await chrome.storage.local.get(Object.keys(DEFAULT_SETTINGS));
  const idle = stored['engineIdleSeconds'];
  return {
    engineIdleSeconds: typeof idle === 'number' && idle >= 1 && idle <= 86_400 ? idle : DEFAULT_SETTINGS.engineIdleSeconds,
  };
}
