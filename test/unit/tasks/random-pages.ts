import { seededRandom, type RandomSource } from '../../../src/engine/seeded-random';
import type { ExtractedPage } from '../../../src/protocol/content-messages';

const WORDS: Record<string, string[]> = {
  en: 'the river tide wave estuary engineers bridge sediment travellers carriage night train booking'.split(' '),
  hi: 'किसान मानसून बारिश बीज खाद सिंचाई गाँव फ़सल विभाग'.split(' '),
  th: ['น้ำตก', 'ภูเขา', 'ฝน', 'เชียงใหม่', 'ที่พัก', 'ถนน'],
  zh: ['城市', '屋顶', '农场', '蔬菜', '补贴', '台风'],
};

export function randomText(random: RandomSource, words: number, lang = 'en'): string {
  const vocabulary = WORDS[lang]!;
  const joiner = lang === 'th' || lang === 'zh' ? '' : ' ';
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(vocabulary[Math.floor(random() * vocabulary.length)]!);
  return `${out.join(joiner)}.`;
}

/** A page of `sections` sections with paragraphs of random sizes, sometimes one giant paragraph. */
export function randomPage(seed: number, targetChars: number): ExtractedPage {
  const random = seededRandom(seed);
  const lang = ['en', 'hi', 'th', 'zh'][Math.floor(random() * 4)]!;
  const page: ExtractedPage = { url: 'https://example.test/', title: randomText(random, 6, lang), lang, pdf: false, source: 'article', headings: [], blocks: [], selection: '', truncated: false };
  let chars = 0;
  while (chars < targetChars) {
    if (random() < 0.2 && page.headings.length < 399) page.headings.push({ level: 2, text: randomText(random, 4, lang) });
    const giant = random() < 0.05;
    const text = randomText(random, giant ? 600 : 5 + Math.floor(random() * 120), lang).slice(0, 4000);
    page.blocks.push({ text, section: page.headings.length - 1 });
    chars += text.length;
  }
  if (random() < 0.3) page.selection = page.blocks.slice(0, 3).map((b) => b.text).join('\n\n');
  return page;
}
