import { describe, expect, it } from 'vitest';
import { corpusChrf } from '../../scripts/eval/chrf';

// Reference values from the chrF metric card of Hugging Face datasets (sacreBLEU's implementation, chrF: word order 0).
describe('chrF++ as sacreBLEU computes it', () => {
  it('matches sacreBLEU on one sentence', () => {
    const score = corpusChrf(['The relationship between Obama and Netanyahu is not exactly friendly.'], ['The ties between Obama and Netanyahu are not particularly friendly.'], { wordOrder: 0 });
    expect(score).toBeCloseTo(61.576379378113785, 9);
  });

  it('matches sacreBLEU on a corpus (statistics summed over lines)', () => {
    const score = corpusChrf(
      ['The relationship between cats and dogs is not exactly friendly.', 'a good bookshop is just a genteel black hole that knows how to read.'],
      ['The relationship between dogs and cats is not exactly friendly.', 'A good bookshop is just a genteel Black Hole that knows how to read.'],
      { wordOrder: 0 },
    );
    expect(score).toBeCloseTo(84.64214891738334, 9);
  });

  it('chrF++ adds word n-grams: identical lines score 100, word order costs more than under chrF', () => {
    expect(corpusChrf(['नमस्ते दुनिया।'], ['नमस्ते दुनिया।'])).toBeCloseTo(100, 9);
    const swapped = ['dogs and cats are friends'];
    const reference = ['cats and dogs are friends'];
    expect(corpusChrf(swapped, reference)).toBeLessThan(corpusChrf(swapped, reference, { wordOrder: 0 }));
    expect(corpusChrf([''], ['something'])).toBe(0);
  });
});
