import type { ExtractedPage } from '../../../src/protocol/content-messages';

/** The extracted page as a reader would see it: title, then each section's heading and its paragraphs. */
export function renderExtracted(page: ExtractedPage): string {
  const lines = [`# ${page.title}`, `lang: ${page.lang} · source: ${page.source}`];
  let section = -1;
  for (const block of page.blocks) {
    while (section < block.section) {
      section++;
      const heading = page.headings[section]!;
      lines.push(`${'#'.repeat(heading.level)} ${heading.text}`);
    }
    lines.push(block.text);
  }
  return `${lines.join('\n\n')}\n`;
}
