import { describe, expect, test } from 'vitest';
import { classifySender } from '../../../src/protocol';

const id = 'abcdefghijklmnopabcdefghijklmnop';
const origin = `chrome-extension://${id}/`;

describe('classifySender', () => {
  test.each([
    [{ id, url: `${origin}offscreen/offscreen.html` }, 'offscreen-host'],
    [{ id, url: `${origin}offscreen/offscreen.html?x=1#y` }, 'offscreen-host'],
    [{ id, url: `${origin}ui/sidepanel/sidepanel.html` }, 'extension-page'],
    [{ id, url: `${origin}ui/options/options.html`, tab: { id: 4 } }, 'extension-page'],
    [{ id, url: 'https://news.example/article', tab: { id: 4 } }, 'content-script'],
    [{ id, url: 'http://127.0.0.1:8080/', tab: { id: 4 } }, 'content-script'],
    [{ id, url: 'https://news.example/article' }, 'untrusted'],
    [{ id: 'someoneelse', url: `${origin}offscreen/offscreen.html` }, 'untrusted'],
    [{ id, url: 'chrome-extension://otherextensionidotherextensionid/offscreen/offscreen.html' }, 'untrusted'],
    [{ id, url: 'file:///etc/passwd', tab: { id: 1 } }, 'untrusted'],
    [{ id }, 'untrusted'],
    [{}, 'untrusted'],
  ])('%j is %s', (sender, kind) => {
    expect(classifySender(sender, id)).toBe(kind);
  });
});
