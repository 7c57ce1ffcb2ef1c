import type { ChatMessage } from '../../engine/chat-format';

/**
 * How planning counts tokens. The offscreen host measures with the model's own tokenizer and chat template,
 * so a planned prompt is exactly what the engine will feed; tests can use the same for a tiny test model, or
 * the byte meter.
 */
export interface PromptMeter {
  /** Tokens of the whole prompt for `messages`, chat template and assistant opening included. */
  promptTokens(messages: readonly ChatMessage[]): number;
  /** Tokens of a piece of text on its own (used to pack chunks before the exact prompt check). */
  textTokens(text: string): number;
}

const encoder = new TextEncoder();

/**
 * UTF-8 bytes: an upper bound on the token count of any byte-level BPE tokenizer (every token is at least
 * one byte), plus a fixed allowance per message for the template's markers.
 */
export const utf8ByteMeter: PromptMeter = {
  promptTokens: (messages) => messages.reduce((sum, m) => sum + 16 + encoder.encode(m.content).length, 8),
  textTokens: (text) => encoder.encode(text).length,
};

/** The longest start of `text` (cut at a space or line end when there is one) that takes at most `maxTokens`. */
export function fitText(text: string, maxTokens: number, meter: PromptMeter): string {
  if (meter.textTokens(text) <= maxTokens) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (meter.textTokens(text.slice(0, mid)) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  let cut = low;
  // Never end on half a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut--;
  const space = Math.max(text.lastIndexOf(' ', cut), text.lastIndexOf('\n', cut));
  return text.slice(0, space > cut / 2 ? space : cut).trimEnd();
}
