import { describe, expect, it } from 'vitest';
import { FOLLOW_UP_TURNS_KEPT, type SummaryOptions } from '../../../src/protocol';
import { Conversations, type Conversation } from '../../../src/tasks/summarize/conversations';

const options: SummaryOptions = { type: 'tldr', length: 'short', format: 'plain-text', language: 'en', scope: 'page' };
const conversation = (title: string): Conversation => ({ title, grounding: `${title} text`, options, summary: 'S', turns: [] });

describe('the conversations the engine host remembers', () => {
  it('keeps the newest ones, dropping the oldest past its capacity', () => {
    const kept = new Conversations(2);
    kept.put('a', conversation('A'));
    kept.put('b', conversation('B'));
    kept.put('c', conversation('C'));
    expect(kept.get('a')).toBeUndefined();
    expect(kept.get('b')?.title).toBe('B');
    expect(kept.get('c')?.title).toBe('C');
  });

  it('a conversation used again counts as new', () => {
    const kept = new Conversations(2);
    kept.put('a', conversation('A'));
    kept.put('b', conversation('B'));
    kept.addTurn('a', { question: 'q', answer: 'x' });
    kept.put('c', conversation('C'));
    expect(kept.get('a')?.turns).toEqual([{ question: 'q', answer: 'x' }]);
    expect(kept.get('b')).toBeUndefined();
  });

  it('keeps only the most recent turns of each', () => {
    const kept = new Conversations();
    kept.put('a', conversation('A'));
    for (let i = 0; i < FOLLOW_UP_TURNS_KEPT + 5; i++) kept.addTurn('a', { question: `q${i}`, answer: `a${i}` });
    const turns = kept.get('a')!.turns;
    expect(turns).toHaveLength(FOLLOW_UP_TURNS_KEPT);
    expect(turns[0]!.question).toBe('q5');
    expect(turns.at(-1)!.question).toBe(`q${FOLLOW_UP_TURNS_KEPT + 4}`);
  });
});
