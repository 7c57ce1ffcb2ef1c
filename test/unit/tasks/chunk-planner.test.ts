import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/engine/chat-format';
import { planChunks } from '../../../src/tasks/summarize/chunk-planner';
import type { Section } from '../../../src/tasks/summarize/page-sections';
import { utf8ByteMeter } from '../../../src/tasks/summarize/prompt-meter';

const prompt = (text: string): ChatMessage[] => [{ role: 'user', content: `<page>\n${text}\n</page>` }];
const overhead = utf8ByteMeter.promptTokens(prompt(''));
const paragraph = (label: string, bytes: number): string => `${label} ${'word '.repeat(Math.ceil(bytes / 5))}`.slice(0, bytes).trim() + '.';

describe('chunk planning', () => {
  it('keeps whole sections together when each fits, breaking only between sections', () => {
    const sections: Section[] = ['One', 'Two', 'Three', 'Four'].map((name) => ({
      heading: `## ${name}`,
      paragraphs: [paragraph(`${name}-a`, 300), paragraph(`${name}-b`, 300)],
    }));
    const chunks = planChunks(sections, prompt, overhead + 1400, utf8ByteMeter);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]!.startsWith('## One')).toBe(true);
    expect(chunks[1]!.startsWith('## Three')).toBe(true);
    expect(chunks.join('\n\n')).not.toContain('continued');
  });

  it('splits a section too big for one part between paragraphs, repeating its heading', () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => paragraph(`p${i}`, 250));
    const chunks = planChunks([{ heading: '## Long', paragraphs }], prompt, overhead + 800, utf8ByteMeter);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0]!.startsWith('## Long\n\n')).toBe(true);
    for (const chunk of chunks.slice(1)) expect(chunk.startsWith('## Long (continued)\n\n')).toBe(true);
    // Every paragraph arrives whole, once, in order.
    const seen = chunks.flatMap((chunk) => chunk.split('\n\n').filter((p) => !p.startsWith('##')));
    expect(seen).toEqual(paragraphs);
  });

  it('splits a paragraph bigger than a part at sentence or word ends, losing no text', () => {
    const giant = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} says something.`).join(' ');
    const chunks = planChunks([{ heading: '', paragraphs: [giant] }], prompt, overhead + 300, utf8ByteMeter);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(utf8ByteMeter.promptTokens(prompt(chunk))).toBeLessThanOrEqual(overhead + 300);
    expect(chunks.join(' ').replace(/\s+/g, ' ')).toBe(giant);
    expect(chunks.every((chunk) => /[.\w]$/.test(chunk))).toBe(true);
  });

  it('never cuts a character of a non-Latin script in half', () => {
    const thai = 'น้ำตกแม่กลางสวยที่สุดในช่วงหน้าฝน'.repeat(40);
    const chunks = planChunks([{ heading: '', paragraphs: [thai] }], prompt, overhead + 200, utf8ByteMeter);
    expect(chunks.join('')).toBe(thai);
    for (const chunk of chunks) expect(chunk).not.toMatch(/[\uD800-\uDFFF]/);
  });
});
