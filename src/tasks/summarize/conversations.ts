import { FOLLOW_UP_TURNS_KEPT, type SummaryOptions } from '../../protocol/commands/summarize-commands';

/** What a follow-up question stands on: the page (or its part notes), the summary and the turns so far. */
export interface Conversation {
  title: string;
  grounding: string;
  options: SummaryOptions;
  summary: string;
  turns: Array<{ question: string; answer: string }>;
}

/**
 * The conversations the engine host remembers, so a follow-up sends only its question. Bounded: the oldest
 * conversation goes when a new one would exceed `capacity`, and each keeps its most recent turns only (the
 * prompt drops older ones first anyway, follow-up.ts). Lost with the host; the panel then restores it.
 */
export class Conversations {
  private readonly byId = new Map<string, Conversation>();

  constructor(private readonly capacity = 8) {}

  put(id: string, conversation: Conversation): void {
    this.byId.delete(id);
    this.byId.set(id, { ...conversation, turns: conversation.turns.slice(-FOLLOW_UP_TURNS_KEPT) });
    for (const oldest of this.byId.keys()) {
      if (this.byId.size <= this.capacity) break;
      this.byId.delete(oldest);
    }
  }

  get(id: string): Conversation | undefined {
    return this.byId.get(id);
  }

  addTurn(id: string, turn: { question: string; answer: string }): void {
    const conversation = this.byId.get(id);
    if (conversation) this.put(id, { ...conversation, turns: [...conversation.turns, turn] });
  }
}
