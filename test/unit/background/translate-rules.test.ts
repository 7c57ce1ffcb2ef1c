import { describe, expect, it } from 'vitest';
import { ruleFor } from '../../../src/background/translate-rules';
import { NO_TRANSLATE_RULES } from '../../../src/protocol';

const rules = { ...NO_TRANSLATE_RULES, to: 'en', alwaysLanguages: ['hi'], alwaysSites: ['news.example'], neverSites: ['bank.example'] };

describe('which pages translate themselves', () => {
  it('a page in an always-language, or on an always-site', () => {
    expect(ruleFor(rules, 'any.example', 'hi-IN')).toBe(true);
    expect(ruleFor(rules, 'news.example', 'th')).toBe(true);
    expect(ruleFor(rules, 'any.example', 'th')).toBe(false);
    expect(ruleFor(rules, 'any.example', '')).toBe(false);
  });

  it('never on a never-site, never into its own language, never without a target', () => {
    expect(ruleFor({ ...rules, alwaysSites: ['bank.example'] }, 'bank.example', 'hi')).toBe(false);
    expect(ruleFor(rules, 'news.example', 'en-GB')).toBe(false);
    expect(ruleFor({ ...rules, to: '' }, 'news.example', 'hi')).toBe(false);
  });
});
