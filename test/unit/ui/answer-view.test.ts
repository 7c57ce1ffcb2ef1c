// @vitest-environment happy-dom
// The side panel's answer box, on the real template from sidepanel.html; chrome.i18n answers with the English
// messages file, as the extension would.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { AnswerView } from '../../../src/ui/sidepanel/answer-view';

const ROOT = resolve(import.meta.dirname, '../../..');
const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;

let template: HTMLTemplateElement;

beforeAll(() => {
  (globalThis as unknown as { chrome: unknown }).chrome = {
    i18n: { getMessage: (key: string) => messages[key]?.message ?? '', getUILanguage: () => 'en' },
  };
  // Only the template: the rest of the page would have happy-dom fetch its stylesheets.
  const markup = /<template id="answer-template">[\s\S]*?<\/template>/.exec(readFileSync(join(ROOT, 'src/ui/sidepanel/sidepanel.html'), 'utf8'))![0];
  const page = new DOMParser().parseFromString(markup, 'text/html');
  template = document.importNode(page.getElementById('answer-template') as HTMLTemplateElement, true);
  document.body.append(template);
});

const part = (view: AnswerView, role: string) => view.root.querySelector<HTMLElement>(`[data-role="${role}"]`)!;
const newView = () => new AnswerView(template, 'plain-text', { onCancel: () => undefined, onRegenerate: () => undefined });

describe('an answer in the side panel', () => {
  test('streams text, then offers copy and regenerate with no note', () => {
    const view = newView();
    expect(view.root.dataset['state']).toBe('running');
    view.onEvent({ type: 'answer', text: 'First ' });
    view.onEvent({ type: 'answer', text: 'point.' });
    expect(part(view, 'output').textContent).toBe('First point.');
    view.finish('First point.', '');
    expect(view.root.dataset['state']).toBe('done');
    expect(part(view, 'error').hidden).toBe(true);
    expect(part(view, 'copy').hidden).toBe(false);
    expect(part(view, 'regenerate').hidden).toBe(false);
  });

  test('an empty answer says the model wrote none, and offers no copy of nothing', () => {
    for (const [answer, thinking] of [['', ''], [' \n\t', 'It thought, then stopped.']] as const) {
      const view = newView();
      view.finish(answer, thinking);
      expect(part(view, 'error').hidden).toBe(false);
      expect(part(view, 'error').textContent).toBe(messages['answerEmpty']!.message);
      expect(part(view, 'copy').hidden).toBe(true);
      expect(part(view, 'thinking').hidden).toBe(thinking === '');
    }
  });

  test('a failure shows its message', () => {
    const view = newView();
    view.fail('Stopped.');
    expect(part(view, 'error').textContent).toBe('Stopped.');
    expect(view.root.dataset['state']).toBe('done');
  });
});
