// chrF++ (Popović 2017) as sacreBLEU computes it by default: character n-grams of orders 1-6 with whitespace
// removed and word n-grams of orders 1-2 (a word's leading or trailing punctuation split off), statistics summed
// over the corpus, precision and recall averaged over the orders both sides have, then F with beta = 2. Written
// here because no maintained npm package implements it (and the eval must not need Python).

const CHAR_ORDER = 6;
const WORD_ORDER = 2;
const BETA = 2;
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

export interface ChrfOptions {
  /** 2 for chrF++ (the default), 0 for plain chrF. */
  wordOrder?: number;
}

/** Corpus chrF++ of `hypotheses` against `references` (one reference a line), 0 to 100. */
export function corpusChrf(hypotheses: readonly string[], references: readonly string[], options: ChrfOptions = {}): number {
  if (hypotheses.length !== references.length) throw new Error(`${hypotheses.length} hypotheses against ${references.length} references.`);
  const wordOrder = options.wordOrder ?? WORD_ORDER;
  const orders = CHAR_ORDER + wordOrder;
  const stats = new Array<number>(orders * 3).fill(0);
  hypotheses.forEach((hypothesis, i) => {
    const line = sentenceStatistics(hypothesis, references[i]!, wordOrder);
    line.forEach((value, k) => (stats[k]! += value));
  });
  return fScore(stats, orders);
}

function sentenceStatistics(hypothesis: string, reference: string, wordOrder: number): number[] {
  const stats: number[] = [];
  const hypChars = [...hypothesis.replace(/\s+/g, '')];
  const refChars = [...reference.replace(/\s+/g, '')];
  for (let n = 1; n <= CHAR_ORDER; n++) stats.push(...matchCounts(ngrams(hypChars, n, ''), ngrams(refChars, n, '')));
  const hypWords = words(hypothesis);
  const refWords = words(reference);
  for (let n = 1; n <= wordOrder; n++) stats.push(...matchCounts(ngrams(hypWords, n, ' '), ngrams(refWords, n, ' ')));
  return stats;
}

function words(sentence: string): string[] {
  const out: string[] = [];
  for (const word of sentence.split(/\s+/).filter(Boolean)) {
    const chars = [...word];
    if (chars.length === 1) out.push(word);
    else if (PUNCTUATION.has(chars[chars.length - 1]!)) out.push(chars.slice(0, -1).join(''), chars[chars.length - 1]!);
    else if (PUNCTUATION.has(chars[0]!)) out.push(chars[0]!, chars.slice(1).join(''));
    else out.push(word);
  }
  return out;
}

function ngrams(items: readonly string[], n: number, joiner: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= items.length; i++) {
    const gram = items.slice(i, i + n).join(joiner);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** [hypothesis n-grams, reference n-grams, matches] */
function matchCounts(hyp: Map<string, number>, ref: Map<string, number>): [number, number, number] {
  let hypTotal = 0;
  let refTotal = 0;
  let matches = 0;
  for (const count of hyp.values()) hypTotal += count;
  for (const [gram, count] of ref) {
    refTotal += count;
    matches += Math.min(count, hyp.get(gram) ?? 0);
  }
  return [hypTotal, refTotal, matches];
}

function fScore(stats: readonly number[], orders: number): number {
  const eps = 1e-16;
  const factor = BETA ** 2;
  let precision = 0;
  let recall = 0;
  let effective = 0;
  for (let i = 0; i < orders; i++) {
    const [hyp, ref, match] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    precision += hyp > 0 ? match / hyp : eps;
    recall += ref > 0 ? match / ref : eps;
    if (hyp > 0 && ref > 0) effective++;
  }
  if (effective === 0) return 0;
  precision /= effective;
  recall /= effective;
  if (precision + recall === 0) return 0;
  return (100 * (1 + factor) * precision * recall) / (factor * precision + recall);
}
