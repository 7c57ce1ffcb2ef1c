import type { SummaryEvent, SummaryFormat } from '../../protocol';
import { localizeDocument, t } from '../shared/i18n';
import { renderMarkdown } from './markdown-renderer';

export interface AnswerActions {
  onCancel(): void;
  onRegenerate?: () => void;
}

/**
 * One streamed answer (the summary, or a reply to a follow-up): progress for long pages, thinking folded in
 * a <details>, the answer as it arrives, copy / cancel / regenerate. Text is only ever set as text or as
 * nodes from the safe Markdown renderer.
 */
export class AnswerView {
  readonly root: HTMLElement;
  private answer = '';
  private thinking = '';
  private readonly part = <T extends HTMLElement>(role: string): T => this.root.querySelector<T>(`[data-role="${role}"]`)!;

  constructor(
    template: HTMLTemplateElement,
    private readonly format: SummaryFormat,
    actions: AnswerActions,
  ) {
    this.root = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    localizeDocument(this.root);
    this.part('output').dataset['format'] = format;
    this.part('cancel').addEventListener('click', actions.onCancel);
    this.part('copy').addEventListener('click', () => void this.copy());
    const regenerate = actions.onRegenerate;
    if (regenerate) this.part('regenerate').addEventListener('click', regenerate);
    this.part('regenerate').dataset['enabled'] = regenerate ? 'yes' : 'no';
    this.setRunning(true);
  }

  get text(): string {
    return this.answer;
  }

  onEvent(event: SummaryEvent): void {
    if (event.type === 'loading') this.loading(event.fraction);
    else if (event.type === 'progress') this.progress(event.stage, event.part, event.parts);
    else if (event.type === 'thinking') this.addThinking(event.text);
    else this.setAnswer(this.answer + event.text);
  }

  /** The final text from the result: authoritative, whatever the stream delivered. */
  finish(answer: string, thinking: string): void {
    if (thinking && !this.thinking) this.addThinking(thinking);
    this.setAnswer(answer);
    // A model can close its answer at once (or write only thinking): say so, rather than leave an empty box.
    if (answer.trim() === '') this.note(t('answerEmpty'));
    this.part('progress').hidden = true;
    this.part('thinking').removeAttribute('open');
    this.setRunning(false);
  }

  /** Shows what went wrong; `openModels` adds the way out when the fix is downloading a model. */
  fail(message: string, openModels?: () => void): void {
    this.note(message);
    const open = this.part('open-models');
    open.hidden = !openModels;
    if (openModels) open.addEventListener('click', openModels, { once: true });
    this.part('progress').hidden = true;
    this.setRunning(false);
  }

  /** The line under the answer that says why it is missing or cut short. */
  private note(message: string): void {
    const line = this.part('error');
    line.textContent = message;
    line.hidden = false;
  }

  private setRunning(running: boolean): void {
    this.root.dataset['state'] = running ? 'running' : 'done';
    this.part('cancel').hidden = !running;
    this.part('copy').hidden = running || this.answer.trim() === '';
    this.part('regenerate').hidden = running || this.part('regenerate').dataset['enabled'] !== 'yes';
  }

  /** The model is being read from the store into the engine: first use, or after the idle timeout. */
  private loading(fraction: number): void {
    const line = this.part('progress');
    line.hidden = false;
    line.querySelector('progress')!.value = fraction;
    this.part('progress-label').textContent = t('progressLoadingModel');
    this.root.dataset['loading'] = fraction < 1 ? 'yes' : 'done';
  }

  private progress(stage: 'map' | 'reduce' | 'final', part: number, parts: number): void {
    const line = this.part('progress');
    line.hidden = parts <= 1 && stage === 'final';
    line.querySelector('progress')!.value = (part - 1) / parts;
    const key = stage === 'map' ? 'progressReadingPart' : stage === 'reduce' ? 'progressMergingNotes' : 'progressWriting';
    this.part('progress-label').textContent = t(key, [String(part), String(parts)]);
    this.root.dataset['part'] = String(part);
    this.root.dataset['parts'] = String(parts);
  }

  private addThinking(text: string): void {
    this.thinking += text;
    this.part('thinking').hidden = false;
    this.part('thinking-text').textContent = this.thinking;
  }

  private setAnswer(text: string): void {
    this.answer = text;
    const output = this.part('output');
    if (this.format === 'markdown') output.replaceChildren(renderMarkdown(text));
    else output.textContent = text;
  }

  private async copy(): Promise<void> {
    await navigator.clipboard.writeText(this.answer);
    const button = this.part('copy');
    button.textContent = t('copied');
    setTimeout(() => (button.textContent = t('copy')), 1500);
  }
}
