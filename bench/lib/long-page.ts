// A page of a chosen length in tokens for the engine benches: a system message of one repeated sentence and a
// question. Each label its own text, so no prefix of one page is reused by another.
import type { ChatFormat, ChatMessage } from '../../src/engine/chat-format';

/** A page whose prompt takes at least `tokens` tokens, or (atMost) the longest that takes no more. */
export function pageOf(chat: ChatFormat, tokens: number, label = String(tokens), { atMost = false } = {}): ChatMessage[] {
  const sentence = `Report ${label}: the harbour pilots measured the tide at dawn and noted how far the sandbanks had moved. `;
  const messages = (repeats: number) => [{ role: 'system' as const, content: sentence.repeat(repeats) }, { role: 'user' as const, content: 'What is this page about?' }];
  const length = (repeats: number) => chat.prompt(messages(repeats)).length;
  const perSentence = length(2) - length(1);
  let repeats = Math.max(1, Math.floor((tokens - length(0)) / perSentence));
  while (length(repeats) < tokens) repeats++;
  if (atMost) while (repeats > 1 && length(repeats) > tokens) repeats--;
  return messages(repeats);
}
