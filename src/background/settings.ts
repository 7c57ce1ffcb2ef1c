import { parseSetting, type SettingKey, type SettingValue } from '../protocol';

/**
 * A setting as the worker reads it: fresh from chrome.storage.local each time (so a change applies at once),
 * judged by the setting's one schema in protocol/settings.ts, its fallback when missing or invalid.
 */
export async function readSetting<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
  return parseSetting(key, (await chrome.storage.local.get(key))[key]);
}
