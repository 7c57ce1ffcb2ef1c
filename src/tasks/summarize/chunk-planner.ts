import type { ChatMessage } from '../../engine/chat-format';
import { fitText, type PromptMeter } from './prompt-meter';
import { renderSections, type Section } from './page-sections';

/**
 * Packs a page's sections into parts, each of which fits one prompt. Breaks fall between sections when a
 * section fits a part; a section too big for one part is split between paragraphs, and a paragraph too big
 * for one part between sentences (then words). A part that continues a section repeats its heading.
 * Sizes are first estimated from per-piece counts, then every part's real prompt is measured and a part
 * that is over is split again, so no prompt ever exceeds `promptLimit`.
 */
export function planChunks(
  sections: readonly Section[],
  promptFor: (text: string) => ChatMessage[],
  promptLimit: number,
  meter: PromptMeter,
): string[] {
  const overhead = meter.promptTokens(promptFor(''));
  const capacity = promptLimit - overhead;
  if (capacity < 32) throw new RangeError(`No room for page text: prompt overhead ${overhead} of ${promptLimit} tokens.`);
  const separator = meter.textTokens('\n\n');

  const parts: Section[][] = [];
  let part: Section[] = [];
  let used = 0;
  const close = (): void => {
    if (part.length > 0) parts.push(part);
    part = [];
    used = 0;
  };

  for (const section of sections) {
    const headingCost = section.heading ? meter.textTokens(`${section.heading} (continued)`) + separator : 0;
    const costs = section.paragraphs.map((p) => meter.textTokens(p) + separator);
    const whole = headingCost + costs.reduce((a, b) => a + b, 0);
    if (used + whole > capacity && whole <= capacity) close();
    let piece: Section | undefined;
    let started = false;
    section.paragraphs.forEach((paragraph, i) => {
      for (const [text, cost] of splitParagraph(paragraph, costs[i]!, capacity - headingCost, meter, separator)) {
        if (part.length > 0 && used + cost + (piece ? 0 : headingCost) > capacity) {
          close();
          piece = undefined;
        }
        if (!piece) {
          piece = { heading: started && section.heading ? `${section.heading} (continued)` : section.heading, paragraphs: [] };
          part.push(piece);
          used += headingCost;
          started = true;
        }
        piece.paragraphs.push(text);
        used += cost;
      }
    });
  }
  close();
  return parts.flatMap((sectionsOfPart) => fitPrompt(renderSections(sectionsOfPart), promptFor, promptLimit, meter));
}

/** A paragraph as pieces that each fit `capacity`, with their estimated costs. */
function splitParagraph(paragraph: string, cost: number, capacity: number, meter: PromptMeter, separator: number): [string, number][] {
  if (cost <= capacity) return [[paragraph, cost]];
  const pieces: [string, number][] = [];
  let rest = paragraph;
  while (rest) {
    const head = fitText(rest, capacity - separator, meter) || rest.slice(0, 1);
    pieces.push([head, meter.textTokens(head) + separator]);
    rest = rest.slice(head.length).trimStart();
  }
  return pieces;
}

/** The exact check: a part whose real prompt is over the limit is halved until every half fits. */
function fitPrompt(text: string, promptFor: (text: string) => ChatMessage[], limit: number, meter: PromptMeter): string[] {
  if (meter.promptTokens(promptFor(text)) <= limit) return [text];
  const paragraphs = text.split('\n\n');
  let first: string;
  let second: string;
  if (paragraphs.length > 1) {
    const half = Math.ceil(paragraphs.length / 2);
    first = paragraphs.slice(0, half).join('\n\n');
    second = paragraphs.slice(half).join('\n\n');
  } else {
    first = fitText(text, Math.max(1, Math.floor(meter.textTokens(text) / 2)), meter) || text.slice(0, Math.ceil(text.length / 2));
    second = text.slice(first.length).trimStart();
  }
  return [first, second].filter(Boolean).flatMap((piece) => fitPrompt(piece, promptFor, limit, meter));
}
