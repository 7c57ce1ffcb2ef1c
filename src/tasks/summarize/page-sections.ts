import type { ExtractedPage } from '../../protocol/content-messages';
import type { SummaryOptions } from '../../protocol/commands/summarize-commands';

/** A section of the page's text: its heading (as Markdown) and its paragraphs, in page order. */
export interface Section {
  heading: string;
  paragraphs: string[];
}

/**
 * The text a summary works on, as sections. A selection summary reads only the selection (so nothing
 * else on the page can leak into it); otherwise the extracted blocks, grouped under their headings.
 */
export function pageSections(page: ExtractedPage, scope: SummaryOptions['scope']): Section[] {
  if (scope === 'selection') {
    const paragraphs = page.selection.split(/\n\s*\n|\n/).map((p) => p.trim()).filter(Boolean);
    return paragraphs.length > 0 ? [{ heading: '', paragraphs }] : [];
  }
  const sections: Section[] = [];
  let current: Section | undefined;
  let currentIndex = -2;
  for (const block of page.blocks) {
    if (block.section !== currentIndex || !current) {
      const heading = page.headings[block.section];
      current = { heading: heading ? `${'#'.repeat(heading.level)} ${heading.text}` : '', paragraphs: [] };
      currentIndex = block.section;
      sections.push(current);
    }
    current.paragraphs.push(block.text);
  }
  return sections;
}

export function renderSections(sections: readonly Section[]): string {
  return sections.map((s) => [s.heading, ...s.paragraphs].filter(Boolean).join('\n\n')).join('\n\n');
}
