import type { SummaryEvent, SummaryFormat } from '../../protocol';
import { formatApproxDuration, formatNumber } from '../shared/format';
import { localizeDocument, t } from '../shared/i18n';
import { renderMarkdown } from './markdown-renderer';

/** One frame at 60 Hz: the streamed answer is rendered at most this often. */
const FRAME_MS = 16;
/** A job estimated to take at least this long says so before it starts, with where it runs. */
const LONG_JOB_SECONDS = 15;

export interface AnswerActions {
  onCancel(): void;
  onRegenerate?: () => void;
  /** Offer Regenerate only when the answer failed (a follow-up asked again after an answer would repeat a turn). */
  regenerateOnlyOnFailure?: boolean;
}

/**
 * One streamed answer (the summary, or a reply to a follow-up): progress for long pages, thinking folded in
 * a <details>, the answer as it arrives, copy / cancel / regenerate. Text is only ever set as text or as
 * nodes from the safe Markdown renderer.
 */
export class AnswerView {
  private static count = 0;
  readonly root: HTMLElement;
  private answer = '';
  private thinking = '';
  /** When the first step of a long page began: the pace of the steps since gives the time left. */
  private stepsStartedAt: number | undefined;
  /** Cancels the render scheduled for the answer streamed so far (see setAnswer). */
  private pendingRender: (() => void) | undefined;
  private renderedAt = -Infinity;
  private readonly regenerateOnlyOnFailure: boolean;
  private readonly part = <T extends HTMLElement>(role: string): T => this.root.querySelector<T>(`[data-role="${role}"]`)!;

  constructor(
    template: HTMLTemplateElement,
    private readonly format: SummaryFormat,
    actions: AnswerActions,
  ) {
    this.root = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    localizeDocument(this.root);
    this.part('output').dataset['format'] = format;
    // The bar is named by the line beside it, which says what is being done.
    const label = this.part('progress-label');
    label.id = `progress-label-${++AnswerView.count}`;
    this.part('progress-bar').setAttribute('aria-labelledby', label.id);
    this.part('cancel').addEventListener('click', actions.onCancel);
    this.part('copy').addEventListener('click', () => void this.copy());
    const regenerate = actions.onRegenerate;
    if (regenerate) this.part('regenerate').addEventListener('click', regenerate);
    this.part('regenerate').dataset['enabled'] = regenerate ? 'yes' : 'no';
    this.regenerateOnlyOnFailure = actions.regenerateOnlyOnFailure ?? false;
    this.setRunning(true);
  }

  get text(): string {
    return this.answer;
  }

  onEvent(event: SummaryEvent): void {
    if (event.type === 'loading') this.loading(event.fraction);
    else if (event.type === 'progress') this.progress(event);
    else if (event.type === 'thinking') this.addThinking(event.text);
    else this.setAnswer(this.answer + event.text);
  }

  /** The final text from the result: authoritative, whatever the stream delivered. */
  finish(answer: string, thinking: string): void {
    if (thinking && !this.thinking) this.addThinking(thinking);
    this.setAnswer(answer, true);
    // A model can close its answer at once (or write only thinking): say so, rather than leave an empty box.
    if (answer.trim() === '') this.note(t('answerEmpty'));
    this.part('progress').hidden = true;
    this.part('thinking').removeAttribute('open');
    if (this.regenerateOnlyOnFailure) this.part('regenerate').dataset['enabled'] = 'no';
    this.setRunning(false);
  }

  /**
   * Shows what went wrong, with only the ways out that can help: `openModels` when the fix is downloading a
   * model, Regenerate only when trying again can change the outcome (`retry`).
   */
  fail(message: string, ways: { openModels?: () => void; retry: boolean; tone?: 'error' | 'info' }): void {
    this.note(message);
    // A stop the user asked for, or a model still on its way, is news, not an error: said calmly, not alerted.
    const line = this.part('error');
    line.dataset['tone'] = ways.tone ?? 'error';
    line.setAttribute('role', ways.tone === 'info' ? 'status' : 'alert');
    const open = this.part('open-models');
    open.hidden = !ways.openModels;
    if (ways.openModels) open.addEventListener('click', ways.openModels, { once: true });
    if (!ways.retry) this.part('regenerate').dataset['enabled'] = 'no';
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
    // Screen readers read the answer once it is whole, not token by token.
    this.part('output').setAttribute('aria-busy', String(running));
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

  /**
   * A long page's steps: which part is being read (of the page's parts, not of every step), merging, writing. Where
   * the engine has measured this device, the bar moves by each step's estimated cost and the line says how long the
   * whole summary should take before it starts ("about 3 minutes on this computer's CPU"), then the time left;
   * before any measurement, the time left at the pace of the steps so far.
   */
  private progress(event: Extract<SummaryEvent, { type: 'progress' }>): void {
    const { stage, part, parts, pageParts, secondsLeft } = event;
    const line = this.part('progress');
    const long = secondsLeft !== undefined && secondsLeft >= LONG_JOB_SECONDS;
    line.hidden = parts <= 1 && stage === 'final' && !long;
    // One step has no parts to count: the bar only says that work goes on.
    const bar = line.querySelector('progress')!;
    if (parts <= 1) bar.removeAttribute('value');
    else bar.value = event.fraction ?? (part - 1) / parts;
    const what = stage === 'map' ? t('progressReadingPart', [formatNumber(part), formatNumber(pageParts)]) : t(stage === 'reduce' ? 'progressMergingNotes' : 'progressWriting');
    this.stepsStartedAt ??= performance.now();
    const done = part - 1;
    const paced = done > 0 ? ((performance.now() - this.stepsStartedAt) / done) * (parts - done) : undefined;
    const leftMs = secondsLeft !== undefined ? secondsLeft * 1000 : paced;
    let label = what;
    if (done === 0 && long) label = t(event.runsOn === 'gpu' ? 'progressEstimateGpu' : 'progressEstimateCpu', [what, formatApproxDuration(leftMs!)]);
    else if (done > 0 && leftMs !== undefined) label = t('progressWithTimeLeft', [what, formatApproxDuration(leftMs)]);
    this.part('progress-label').textContent = label;
    this.root.dataset['part'] = String(part);
    this.root.dataset['parts'] = String(parts);
  }

  private addThinking(text: string): void {
    this.thinking += text;
    this.part('thinking').hidden = false;
    this.part('thinking-text').textContent = this.thinking;
  }

  /**
   * Keeps the text and shows it at most once a frame: at once after a quiet frame, else at the next frame (or
   * within 100 ms where frames do not come, a panel in the background), so a stream of many small events renders
   * the whole answer once per frame, not once per event.
   * `now` shows it at once (the final text).
   */
  private setAnswer(text: string, now = false): void {
    this.answer = text;
    if (now) {
      this.showAnswer();
      return;
    }
    if (this.pendingRender) return;
    // The first text after a quiet frame shows at once; what follows within the frame waits for the next one.
    if (performance.now() - this.renderedAt >= FRAME_MS) {
      this.showAnswer();
      return;
    }
    const frame = requestAnimationFrame(() => this.showAnswer());
    const timer = setTimeout(() => this.showAnswer(), 100);
    this.pendingRender = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }

  private showAnswer(): void {
    this.pendingRender?.();
    this.pendingRender = undefined;
    this.renderedAt = performance.now();
    const output = this.part('output');
    if (this.format === 'markdown') output.replaceChildren(renderMarkdown(this.answer));
    else output.textContent = this.answer;
  }

  private async copy(): Promise<void> {
    await navigator.clipboard.writeText(this.answer);
    const button = this.part('copy');
    button.textContent = t('copied');
    setTimeout(() => (button.textContent = t('copy')), 1500);
  }
}
