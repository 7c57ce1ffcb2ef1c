import * as v from 'valibot';
import { parseSetting, SETTINGS, type SettingKey, type SettingValue } from '../../protocol';

/**
 * A UI page's side of `chrome.storage.local`: settings are judged by the same schema the worker reads
 * them with, so the page can never save a value the engine would then quietly replace with the fallback.
 */
export async function readSetting<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
  return parseSetting(key, (await chrome.storage.local.get(key))[key]);
}

/** False, and nothing stored, when the value fails the setting's schema. */
export async function saveSetting<K extends SettingKey>(key: K, value: unknown): Promise<boolean> {
  if (!v.is(SETTINGS[key].schema, value)) return false;
  await chrome.storage.local.set({ [key]: value });
  return true;
}
