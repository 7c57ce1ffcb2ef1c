import { FOLLOW_UP_TURNS_KEPT, PagewiseError, type ExtractedPage, type PortClient, type SummaryEvent, type SummaryOptions } from '../../protocol';
import { t } from '../shared/i18n';

/**
 * What the panel keeps of a conversation: its id (the engine host holds the rest), and enough to send it again
 * should the host have been closed since (idle timeout, crash): the page as extracted, the notes of a long
 * page, the summary and the recent turns.
 */
interface Conversation {
  id: string;
  page: ExtractedPage;
  options: SummaryOptions;
  summary: string;
  notes: string | undefined;
  turns: Array<{ question: string; answer: string }>;
}

export interface SummaryCallbacks {
  onEvent(event: SummaryEvent): void;
}

/**
 * The side panel's conversation about the active tab: extract the page (through the worker), summarize it
 * (streaming), then answer follow-ups on the same conversation so the engine reuses the processed page.
 * A follow-up sends only its question. One request runs at a time; starting another, or cancelling, aborts
 * the one in flight.
 */
export class SummarySession {
  private conversation: Conversation | undefined;
  private running: AbortController | undefined;

  constructor(
    private readonly engine: () => PortClient,
    /** The panel's own window: its active tab is the one summarized, whichever window was focused last. */
    private readonly windowId: () => Promise<number | undefined>,
  ) {}

  get canAsk(): boolean {
    return this.conversation !== undefined;
  }

  cancel(): void {
    this.running?.abort();
  }

  async summarize(options: SummaryOptions, target: SummaryCallbacks): Promise<{ text: string; thinking: string; chunks: number }> {
    const signal = this.start();
    this.conversation = undefined;
    const windowId = await this.windowId();
    const { page } = await this.engine().call('tab.extract-page', windowId === undefined ? {} : { windowId }, { signal });
    // Said here, before the engine loads a model for nothing, and in the reader's language.
    if (page.pdf && page.blocks.length === 0) throw new PagewiseError('unsupported', t('pdfNotSupported'));
    if (options.scope === 'selection' && !page.selection) throw new PagewiseError('unsupported', t('selectTextFirst'));
    if (options.scope === 'page' && page.blocks.length === 0) throw new PagewiseError('unsupported', t('pageHasNoText'));
    const result = await this.engine().call('task.summarize', { page, options }, { signal, onEvent: (event) => target.onEvent(event) });
    this.conversation = { id: result.conversationId, page, options, summary: result.text, notes: result.notes, turns: [] };
    return result;
  }

  async ask(question: string, target: SummaryCallbacks): Promise<{ text: string; thinking: string; reusedTokens: number }> {
    const conversation = this.conversation;
    if (!conversation) throw new PagewiseError('unsupported', t('summarizeFirst'));
    const signal = this.start();
    const call = (restore: boolean) =>
      this.engine().call(
        'task.ask',
        {
          conversationId: conversation.id,
          question,
          ...(restore
            ? {
                restore: {
                  page: conversation.page,
                  options: conversation.options,
                  summary: conversation.summary,
                  ...(conversation.notes !== undefined ? { notes: conversation.notes } : {}),
                  turns: conversation.turns.slice(-FOLLOW_UP_TURNS_KEPT),
                },
              }
            : {}),
        },
        { signal, onEvent: (event) => target.onEvent(event) },
      );
    const result = await call(false).catch((error: unknown) => {
      if (error instanceof PagewiseError && error.code === 'conversation-lost') return call(true);
      throw error;
    });
    conversation.turns = [...conversation.turns, { question, answer: result.text }].slice(-FOLLOW_UP_TURNS_KEPT);
    return result;
  }

  private start(): AbortSignal {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    return controller.signal;
  }
}
