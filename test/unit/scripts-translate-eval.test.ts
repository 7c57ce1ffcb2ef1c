// The eval harness end to end on the tiny test model (onnxruntime-node): its random weights write noise, so the
// scores are near zero; what is checked is that every line goes through the page's batching and parser and the
// three figures are computed over the set.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ensureTestModel } from '../../scripts/export/test-models';
import { corpusChrf } from '../../scripts/eval/chrf';
import { evaluateTranslation } from '../../scripts/eval/translate-eval';

const set = (ext: string) => join(import.meta.dirname, '../fixtures/translate', `harbour.${ext}`);

describe('npm run eval -- translate', () => {
  it('translates every line through the page pipeline and scores it', async () => {
    const model = ensureTestModel('tiny-dense');
    const result = await evaluateTranslation({ model: model.dir, dtype: 'int8', source: set('en'), reference: set('hi'), from: 'en', to: 'hi', batch: 4 });
    expect(result.lines).toBe(8);
    expect(result.hypotheses).toHaveLength(8);
    expect(result.chrfPlusPlus).toBeCloseTo(corpusChrf(result.hypotheses, (await import('node:fs')).readFileSync(set('hi'), 'utf8').trim().split('\n')), 9);
    expect(result.chrfPlusPlus).toBeLessThan(20);
    expect(result.targetScriptShare).toBeGreaterThanOrEqual(0);
    expect(result.targetScriptShare).toBeLessThanOrEqual(1);
    expect(result.untranslatedShare).toBe(result.hypotheses.filter((h) => !h.trim()).length / 8);
  });
});
