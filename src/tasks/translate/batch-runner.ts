// Translates a batch of units with the model: packs them into prompts under a token budget, streams each unit
// out as soon as its line is complete and checks out, and sends again whatever did not line up: split in
// halves, then one unit at a time. No unit is dropped, merged or left half-done: each ends translated or listed
// as failed with the reason, and the page keeps its original text for it.
import type { ChatMessage } from '../../engine/chat-format';
import { piecesText, type InlinePiece, type TranslateBatch, type TranslateBatchResult } from '../../protocol/commands/translate-commands';
import { markUnit, parseMarkup, toMarkup, type MarkedUnit } from './inline-markup';
import { NumberedAnswer } from './numbered-answer';
import { batchMessage, instructions } from './translate-prompts';

export interface TranslateModel {
  textTokens(text: string): number;
  /** Writes an answer to `messages`, streaming its text; thinking is not wanted and not streamed. */
  generate(
    messages: ChatMessage[],
    maxNewTokens: number,
    signal: AbortSignal,
    onText: (text: string) => void,
  ): Promise<{ promptTokens: number; reusedTokens: number; writtenTokens: number; decodeMs: number }>;
}

/** Source tokens per model call: small enough that the first units land within seconds, large enough that instructions stay a small share. */
export const CALL_TOKEN_BUDGET = 512;

type Unit = TranslateBatch['units'][number];
type Failure = TranslateBatchResult['failed'][number];

interface Prepared {
  id: number;
  marked: MarkedUnit;
  markup: string;
  tokens: number;
  source: string;
}

/**
 * Runs `batch`; `onUnit` gets each unit's translated pieces the moment they are known. Throws only when the model
 * does (cancelled, engine gone); a unit the model cannot translate is a failure in the result.
 */
export async function runTranslateBatch(
  batch: TranslateBatch,
  model: TranslateModel,
  signal: AbortSignal,
  onUnit: (id: number, pieces: InlinePiece[]) => void,
): Promise<TranslateBatchResult> {
  const system = instructions(batch.from, batch.to);
  const totals = { failed: [] as Failure[], pageTokens: 0, formatTokens: 0, promptTokens: 0, reusedTokens: 0, writtenTokens: 0, calls: 0, decodeMs: 0 };
  const prepared = batch.units.map((unit: Unit): Prepared => {
    const marked = markUnit(unit.pieces, batch.glossary);
    const markup = toMarkup(marked.pieces);
    const tokens = model.textTokens(markup);
    return { id: unit.id, marked, markup, tokens, source: piecesText(unit.pieces) };
  });

  /** One model call on `group`; returns the units that did not come back right, with why. */
  const call = async (group: Prepared[], firstTry: boolean): Promise<Map<number, string>> => {
    const left = new Map(group.map((unit) => [unit.id, 'The model left it out.']));
    const reader = new NumberedAnswer(group.length);
    const take = (lines: ReturnType<NumberedAnswer['push']>): void => {
      for (const line of lines) {
        const unit = group[line.index - 1];
        if (!unit || !left.has(unit.id) || left.get(unit.id) !== 'The model left it out.') continue;
        const checked = checkLine(line.text, unit);
        if (typeof checked === 'string') {
          left.set(unit.id, checked);
          continue;
        }
        left.delete(unit.id);
        onUnit(unit.id, checked);
      }
    };
    const sourceTokens = group.reduce((sum, unit) => sum + unit.tokens, 0);
    // Scripts differ in tokens per word (English to Hindi or Thai can take twice as many): room for that, and the markers.
    const maxNewTokens = Math.min(4096, 3 * sourceTokens + 8 * group.length + 32);
    const usage = await model.generate([system, batchMessage(group.map((unit) => unit.markup))], maxNewTokens, signal, (text) => take(reader.push(text)));
    take(reader.finish());
    totals.calls++;
    if (firstTry) {
      totals.pageTokens += sourceTokens;
      totals.formatTokens += usage.promptTokens - usage.reusedTokens - sourceTokens;
    }
    totals.promptTokens += usage.promptTokens;
    totals.reusedTokens += usage.reusedTokens;
    totals.writtenTokens += usage.writtenTokens;
    totals.decodeMs += usage.decodeMs;
    return left;
  };

  const attempt = async (group: Prepared[], firstTry = false): Promise<void> => {
    const left = await call(group, firstTry);
    if (left.size === 0) return;
    const again = group.filter((unit) => left.has(unit.id));
    if (group.length === 1) {
      totals.failed.push({ id: group[0]!.id, reason: left.get(group[0]!.id)! });
      return;
    }
    if (again.length === 1) return attempt(again);
    const half = Math.ceil(again.length / 2);
    await attempt(again.slice(0, half));
    await attempt(again.slice(half));
  };

  for (const group of packByTokens(prepared, CALL_TOKEN_BUDGET)) await attempt(group, true);
  return totals;
}

/** Consecutive groups of at most `budget` source tokens (a unit larger than the budget goes alone). */
export function packByTokens<T extends { tokens: number }>(units: readonly T[], budget: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let tokens = 0;
  for (const unit of units) {
    if (current.length > 0 && tokens + unit.tokens > budget) {
      groups.push(current);
      current = [];
      tokens = 0;
    }
    current.push(unit);
    tokens += unit.tokens;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const NUMBER = /\d+(?:[.,:]\d+)*/g;

/** The unit's pieces from one answer line, or why the line cannot stand for it. */
function checkLine(text: string, unit: Prepared): InlinePiece[] | string {
  const { pieces, missingKept } = parseMarkup(text, unit.marked);
  const written = piecesText(pieces);
  if (!written.trim()) return 'The model wrote nothing for it.';
  if (missingKept.length > 0) return 'The model dropped a link or address from it.';
  if (written.length > 4 * unit.source.length + 60) return 'The model wrote far more than the text holds.';
  for (const number of new Set(unit.source.match(NUMBER) ?? [])) {
    if (!written.includes(number)) return `The model changed the number ${number}.`;
  }
  return pieces;
}
