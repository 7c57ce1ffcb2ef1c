import { PagewiseError, type EnginePortClient, type SummaryEvent, type SummaryOptions } from '../../protocol';

/** What a follow-up needs from the summary it continues. */
interface Conversation {
  title: string;
  grounding: string;
  options: SummaryOptions;
  summary: string;
  turns: Array<{ question: string; answer: string }>;
}

export interface SummaryCallbacks {
  onEvent(event: SummaryEvent): void;
}

/**
 * The side panel's conversation about the active tab: extract the page (through the worker), summarize it
 * (streaming), then answer follow-ups on the same conversation so the engine reuses the processed page.
 * One request runs at a time; starting another, or cancelling, aborts the one in flight.
 */
export class SummarySession {
  private conversation: Conversation | undefined;
  private running: AbortController | undefined;

  constructor(private readonly engine: () => EnginePortClient) {}

  get canAsk(): boolean {
    return this.conversation !== undefined;
  }

  cancel(): void {
    this.running?.abort();
  }

  async summarize(options: SummaryOptions, target: SummaryCallbacks): Promise<{ text: string; thinking: string; chunks: number }> {
    const signal = this.start();
    this.conversation = undefined;
    const { page } = await this.engine().call('tab.extract-page', {}, { signal });
    if (options.scope === 'selection' && !page.selection) throw new PagewiseError('unsupported', 'Select some text on the page first.');
    const result = await this.engine().call('task.summarize', { page, options }, { signal, onEvent: (event) => target.onEvent(event) });
    this.conversation = { title: page.title, grounding: result.grounding, options, summary: result.text, turns: [] };
    return result;
  }

  async ask(question: string, target: SummaryCallbacks): Promise<{ text: string; thinking: string; reusedTokens: number }> {
    const conversation = this.conversation;
    if (!conversation) throw new PagewiseError('unsupported', 'Summarize the page first.');
    const signal = this.start();
    const result = await this.engine().call('task.ask', { ...conversation, turns: [...conversation.turns], question }, { signal, onEvent: (event) => target.onEvent(event) });
    conversation.turns.push({ question, answer: result.text });
    return result;
  }

  private start(): AbortSignal {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    return controller.signal;
  }
}
