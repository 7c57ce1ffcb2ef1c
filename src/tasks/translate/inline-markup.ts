// The markup a unit travels in to the model and back: text with `<tN>…</tN>` around inline elements and `<tN/>`
// for what passes through untouched. The model's answer is untrusted: it may drop, repeat, misnest or invent
// tags, or write real HTML. The parser keeps only what the unit gave (each slot at most once, under the parent it
// had), and everything else lands as text, so no answer can create an element or move a node elsewhere.
import type { InlinePiece } from '../../protocol/commands/translate-commands';

/** A unit as the host sees it: the page's pieces, plus slots the host made for text that must pass untouched. */
export interface MarkedUnit {
  pieces: readonly InlinePiece[];
  /** Host-made opaque slots (URLs, e-mail addresses) and the text each stands for. */
  kept: ReadonlyMap<number, string>;
}

const URL_OR_EMAIL = /\b(?:https?:\/\/|www\.)[^\s<>"]+[^\s<>".,;:!?)\]]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/**
 * Moves URLs, e-mail addresses and the glossary's terms (whole words, as written) out of a unit's text into opaque
 * slots numbered after the page's own, so the model cannot change them.
 */
export function markUnit(pieces: readonly InlinePiece[], glossary: readonly string[] = []): MarkedUnit {
  let next = maxSlot(pieces) + 1;
  const kept = new Map<number, string>();
  const terms = [...glossary].filter((t) => t.trim()).sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = terms.length ? new RegExp(`${URL_OR_EMAIL.source}|(?<![\\p{L}\\p{N}])(?:${terms.join('|')})(?![\\p{L}\\p{N}])`, 'gu') : URL_OR_EMAIL;
  const mark = (list: readonly InlinePiece[]): InlinePiece[] =>
    list.flatMap((piece): InlinePiece[] => {
      if (typeof piece !== 'string') return [piece.children ? { slot: piece.slot, children: mark(piece.children) } : piece];
      const out: InlinePiece[] = [];
      let at = 0;
      for (const match of piece.matchAll(pattern)) {
        if (match.index > at) out.push(piece.slice(at, match.index));
        kept.set(next, match[0]);
        out.push({ slot: next++ });
        at = match.index + match[0].length;
      }
      if (at < piece.length) out.push(piece.slice(at));
      return out;
    });
  return { pieces: mark(pieces), kept };
}

export function toMarkup(pieces: readonly InlinePiece[]): string {
  return pieces.map((piece) => (typeof piece === 'string' ? escapeText(piece) : piece.children ? `<t${piece.slot}>${toMarkup(piece.children)}</t${piece.slot}>` : `<t${piece.slot}/>`)).join('');
}

export interface ParsedTranslation {
  /** The answer as the unit's pieces: the page's slots only, host-made ones turned back into their text. */
  pieces: InlinePiece[];
  /** Host-made slots the answer left out (their text would be lost). */
  missingKept: number[];
}

interface Frame {
  slot: number | undefined;
  children: InlinePiece[];
}

/**
 * Reads the model's markup for `unit`. A tag is honoured only for a slot of the unit, the first time, and only
 * directly under the parent it had in the source; any other tag is kept as the text it is.
 */
export function parseMarkup(markup: string, unit: MarkedUnit): ParsedTranslation {
  const parents = new Map<number, number | undefined>();
  const opaque = new Set<number>();
  const index = (list: readonly InlinePiece[], parent: number | undefined): void => {
    for (const piece of list) {
      if (typeof piece === 'string') continue;
      parents.set(piece.slot, parent);
      if (piece.children) index(piece.children, piece.slot);
      else opaque.add(piece.slot);
    }
  };
  index(unit.pieces, undefined);

  const used = new Set<number>();
  const stack: Frame[] = [{ slot: undefined, children: [] }];
  const top = (): Frame => stack[stack.length - 1]!;
  const text = (value: string): void => {
    if (value) top().children.push(value);
  };
  const tag = /<(\/?)t(\d{1,4})\s*(\/?)>/g;
  let at = 0;
  for (const match of markup.matchAll(tag)) {
    if (match.index < at) continue; // inside an opaque slot's dropped content
    text(unescapeText(markup.slice(at, match.index)));
    at = match.index + match[0].length;
    const closing = match[1] === '/';
    const selfClosing = match[3] === '/';
    const slot = Number(match[2]);
    if (closing) {
      const depth = stack.findLastIndex((frame) => frame.slot === slot);
      if (depth > 0) closeTo(stack, depth);
      else if (!parents.has(slot)) text(match[0]);
      continue;
    }
    const fits = parents.has(slot) && !used.has(slot) && parents.get(slot) === top().slot;
    if (!fits) {
      // A repeated slot's inner text still reads as part of the sentence; an invented tag is text.
      if (!parents.has(slot)) text(match[0]);
      continue;
    }
    used.add(slot);
    if (opaque.has(slot)) {
      top().children.push({ slot });
      // `<tN>…</tN>` around an opaque slot: what the model wrote inside is not the page's, drop it.
      if (!selfClosing) skipTo(markup, `</t${slot}>`, (end) => (at = end), at);
      continue;
    }
    if (selfClosing) {
      used.delete(slot); // an emptied link: leave the element its own text
      continue;
    }
    stack.push({ slot, children: [] });
  }
  text(unescapeText(markup.slice(at)));
  closeTo(stack, 1);
  const pieces = expandKept(mergeText(stack[0]!.children), unit.kept);
  const missingKept = [...unit.kept.keys()].filter((slot) => !used.has(slot));
  return { pieces, missingKept };
}

function closeTo(stack: Frame[], depth: number): void {
  while (stack.length > depth) {
    const frame = stack.pop()!;
    stack[stack.length - 1]!.children.push({ slot: frame.slot!, children: mergeText(frame.children) });
  }
}

function skipTo(markup: string, closing: string, set: (end: number) => void, from: number): void {
  const end = markup.indexOf(closing, from);
  if (end >= 0) set(end + closing.length);
}

function expandKept(pieces: InlinePiece[], kept: ReadonlyMap<number, string>): InlinePiece[] {
  if (kept.size === 0) return pieces;
  return mergeText(
    pieces.map((piece) => {
      if (typeof piece === 'string') return piece;
      if (piece.children) return { slot: piece.slot, children: expandKept(piece.children, kept) };
      return kept.get(piece.slot) ?? piece;
    }),
  );
}

function mergeText(pieces: InlinePiece[]): InlinePiece[] {
  const out: InlinePiece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (typeof piece === 'string' && typeof last === 'string') out[out.length - 1] = last + piece;
    else out.push(piece);
  }
  return out;
}

function maxSlot(pieces: readonly InlinePiece[]): number {
  return pieces.reduce((max, piece) => (typeof piece === 'string' ? max : Math.max(max, piece.slot, piece.children ? maxSlot(piece.children) : 0)), 0);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeText(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_, name: string) => (name === 'lt' ? '<' : name === 'gt' ? '>' : '&'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
