// @vitest-environment happy-dom
// The side panel's answer box, on the real template from sidepanel.html; chrome.i18n answers with the English
// messages file, as the extension would.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { AnswerView } from '../../../src/ui/sidepanel/answer-view';

const ROOT = resolve(import.meta.dirname, '../../..');
const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** chrome.i18n.getMessage as Chrome does it: $NAME$ is the placeholder's content, "$1" the first substitution. */
function getMessage(key: string, substitutions: string[] = []): string {
  const entry = messages[key];
  if (!entry) return '';
  return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$(\d)/g, (__, n: string) => substitutions[Number(n) - 1] ?? '');
  });
}

let template: HTMLTemplateElement;

beforeAll(() => {
  (globalThis as unknown as { chrome: unknown }).chrome = {
    i18n: { getMessage: (key: string, subs?: string | string[]) => getMessage(key, typeof subs === 'string' ? [subs] : subs), getUILanguage: () => 'en' },
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
    // The first text shows at once; what arrives within the same frame waits for the next one (or the final text).
    expect(part(view, 'output').textContent).toBe('First ');
    view.finish('First point.', '');
    expect(part(view, 'output').textContent).toBe('First point.');
    expect(view.root.dataset['state']).toBe('done');
    expect(part(view, 'error').hidden).toBe(true);
    expect(part(view, 'copy').hidden).toBe(false);
    expect(part(view, 'regenerate').hidden).toBe(false);
  });

  test('2,000 streamed events render the answer a few times, not 2,000 times, and the last text arrives', async () => {
    const view = new AnswerView(template, 'markdown', { onCancel: () => undefined });
    const output = part(view, 'output');
    let renders = 0;
    const observer = new MutationObserver((records) => (renders += records.filter((r) => r.target === output && r.type === 'childList').length > 0 ? 1 : 0));
    observer.observe(output, { childList: true });
    const started = performance.now();
    for (let i = 0; i < 2000; i++) view.onEvent({ type: 'answer', text: `- point ${i} with **bold** text\n` });
    const streamed = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 150));
    observer.disconnect();
    expect(output.querySelectorAll('li')).toHaveLength(2000);
    expect(renders).toBeLessThanOrEqual(3);
    expect(streamed).toBeLessThan(200);
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

  test('a failure shows its message as an alert, and offers Regenerate only when trying again can help', () => {
    const stopped = newView();
    stopped.fail('Stopped.', { retry: true });
    expect(part(stopped, 'error').textContent).toBe('Stopped.');
    expect(part(stopped, 'error').getAttribute('role')).toBe('alert');
    expect(stopped.root.dataset['state']).toBe('done');
    expect(part(stopped, 'regenerate').hidden).toBe(false);
    const noModel = newView();
    noModel.fail('No model.', { openModels: () => undefined, retry: false });
    expect(part(noModel, 'regenerate').hidden).toBe(true);
    expect(part(noModel, 'open-models').hidden).toBe(false);
  });

  test('a long page says which part of the page it reads, then the time left at the pace so far; none of it stays after the answer', async () => {
    const view = newView();
    const label = () => part(view, 'progress-label').textContent;
    view.onEvent({ type: 'progress', stage: 'map', part: 1, parts: 33, pageParts: 28 });
    expect(label()).toBe('Reading part 1 of 28 of the page');
    expect(part(view, 'progress-bar').getAttribute('aria-labelledby')).toBe(part(view, 'progress-label').id);
    await new Promise((r) => setTimeout(r, 20));
    view.onEvent({ type: 'progress', stage: 'map', part: 2, parts: 33, pageParts: 28 });
    expect(label()).toMatch(/^Reading part 2 of 28 of the page · about \d+ sec left$/);
    view.onEvent({ type: 'progress', stage: 'reduce', part: 29, parts: 33, pageParts: 28 });
    expect(label()).toMatch(/^Combining the notes on each part · about/);
    view.onEvent({ type: 'progress', stage: 'final', part: 33, parts: 33, pageParts: 28 });
    expect(label()).toMatch(/^Writing the summary · about/);
    expect(part(view, 'output').getAttribute('aria-busy')).toBe('true');
    view.finish('Done.', '');
    expect(part(view, 'progress').hidden).toBe(true);
    expect(part(view, 'output').getAttribute('aria-busy')).toBe('false');
  });
});
