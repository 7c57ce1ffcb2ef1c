// What the side panel says when a tab has no content script to answer, by the tab's URL and the file-access switch.
import { afterEach, describe, expect, test } from 'vitest';
import { whyUnreachable } from '../../../src/background/handlers/unreachable-tab';

function stubChrome(fileAccess: boolean): void {
  (globalThis as unknown as { chrome: unknown }).chrome = {
    extension: { isAllowedFileSchemeAccess: async () => fileAccess },
    i18n: { getMessage: (key: string) => key },
  };
}

afterEach(() => {
  delete (globalThis as unknown as { chrome?: unknown }).chrome;
});

describe('a tab Pagewise cannot reach', () => {
  test('a file with file access off says how to turn it on; with it on, to reload the tab', async () => {
    stubChrome(false);
    expect(await whyUnreachable({ url: 'file:///home/a/notes.html' } as chrome.tabs.Tab)).toBe('tabFileAccess');
    stubChrome(true);
    expect(await whyUnreachable({ url: 'file:///home/a/notes.html' } as chrome.tabs.Tab)).toBe('tabFileReload');
  });

  test('a browser page, a loading page, and a tab whose address Pagewise may not see', async () => {
    stubChrome(false);
    expect(await whyUnreachable({ url: 'chrome://settings/' } as chrome.tabs.Tab)).toBe('tabOffLimits');
    expect(await whyUnreachable({ url: 'https://example.org/', status: 'loading' } as chrome.tabs.Tab)).toBe('tabStillLoading');
    expect(await whyUnreachable({} as chrome.tabs.Tab)).toBe('tabUnreachable');
  });
});
