import { jobFraction, PagewiseError, type SummaryOptions } from '../../protocol';
import { errorMessage, formatPercent, formatTimeLeft } from '../shared/format';
import { t } from '../shared/i18n';
import { startUiPage } from '../shared/ui-page';
import { AnswerView } from './answer-view';
import { FillSection } from './fill-section';
import { takePendingSummaries } from './pending-summary';
import { SummaryOptionsForm } from './summary-options-form';
import { SummarySession } from './summary-session';

const connection = startUiPage();
document.getElementById('open-options')!.addEventListener('click', () => void chrome.runtime.openOptionsPage());

const template = document.getElementById('answer-template') as HTMLTemplateElement;
const optionsForm = new SummaryOptionsForm(document.getElementById('summary-options') as HTMLFormElement);
/** Each window has its own panel: this one works on its own window's active tab. */
const panelWindow = chrome.windows.getCurrent().then((window) => window.id, () => undefined);
const session = new SummarySession(() => connection.engine, () => panelWindow);
const summarySlot = document.getElementById('summary-slot')!;
const followUp = document.getElementById('follow-up')!;
const conversation = document.getElementById('conversation')!;
const askForm = document.getElementById('ask-form') as HTMLFormElement;
(askForm.elements.namedItem('question') as HTMLInputElement).placeholder = t('askPlaceholder');

function explain(error: unknown): string {
  const code = error instanceof PagewiseError ? error.code : undefined;
  if (code === 'no-model') return t('noModelDownloaded');
  if (code === 'model-downloading') return stillDownloading();
  if (code === 'timeout') return t('error_timeout');
  return errorMessage(error);
}

/** The model is on its way: how far it is and how long it should take, from the engine state. */
function stillDownloading(): string {
  const job = connection.currentState.downloads?.[0];
  if (!job) return t('modelDownloadingSoon');
  return t(job.converting ? 'modelConvertingNow' : 'modelDownloadingNow', [job.label, formatPercent(jobFraction(job)), formatTimeLeft(job.etaSeconds)]);
}

/** Failures that trying again can change: a stop, a crash or a timeout, not a missing model or an unreadable page. */
const RETRYABLE = new Set(['cancelled', 'engine-crashed', 'engine-unavailable', 'connection-lost', 'timeout', 'internal', 'conversation-lost', 'busy']);

/** With no model for this device the only way forward is the model manager: offer it right there. */
function failView(view: AnswerView, error: unknown): void {
  const code = error instanceof PagewiseError ? error.code : 'internal';
  const tone = code === 'cancelled' || code === 'model-downloading' ? 'info' : 'error';
  view.fail(explain(error), { ...(code === 'no-model' ? { openModels: () => void chrome.runtime.openOptionsPage() } : {}), retry: RETRYABLE.has(code), tone });
}

async function summarize(scope: SummaryOptions['scope']): Promise<void> {
  const options: SummaryOptions = { ...optionsForm.values(), scope };
  const view = new AnswerView(template, options.format, {
    onCancel: () => session.cancel(),
    onRegenerate: () => void summarize(scope),
  });
  summarySlot.replaceChildren(view.root);
  conversation.replaceChildren();
  followUp.hidden = true;
  try {
    const result = await session.summarize(options, view);
    view.finish(result.text, result.thinking);
    followUp.hidden = false;
  } catch (error) {
    failView(view, error);
  }
}

async function ask(question: string): Promise<void> {
  const item = document.createElement('li');
  const asked = document.createElement('p');
  asked.className = 'question';
  asked.dir = 'auto';
  asked.textContent = question;
  const view = new AnswerView(template, optionsForm.values().format, {
    onCancel: () => session.cancel(),
    // A question that failed (the connection dropped, the engine stopped) is asked again without typing it again.
    onRegenerate: () => {
      item.remove();
      void ask(question);
    },
    regenerateOnlyOnFailure: true,
  });
  item.append(asked, view.root);
  conversation.append(item);
  try {
    const result = await session.ask(question, view);
    view.finish(result.text, result.thinking);
    view.root.dataset['reusedTokens'] = String(result.reusedTokens);
  } catch (error) {
    failView(view, error);
  }
}

document.getElementById('summarize-page')!.addEventListener('click', () => void summarize('page'));
document.getElementById('summarize-selection')!.addEventListener('click', () => void summarize('selection'));
askForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = askForm.elements.namedItem('question') as HTMLInputElement;
  const question = input.value.trim();
  if (!question || !session.canAsk) return;
  input.value = '';
  void ask(question);
});

new FillSection(document.getElementById('fill-section')!, () => connection.engine, explain, () => panelWindow);

void optionsForm.restore().then(() => takePendingSummaries((request) => void summarize(request.scope)));
