import { describe, expect, it } from 'vitest';
import { countryCode, countryName, knownRegions } from '../../../../src/tasks/fill/country-codes';

describe('countries by code or name', () => {
  it('knows every ISO region it lists by name, so the alpha-3 table has no typo', () => {
    expect(knownRegions()).toHaveLength(250);
    for (const code of knownRegions()) expect(countryName(code), code).toBeTruthy();
  });

  it('reads codes, everyday names and names in other languages', () => {
    const cases: Array<[string, string]> = [
      ['in', 'IN'], ['IND', 'IN'], ['India', 'IN'], ['भारत', 'IN'], ['Bharat', 'IN'], ['อินเดีย', 'IN'], ['الهند', 'IN'],
      ['UK', 'GB'], ['Great Britain', 'GB'], ['UAE', 'AE'], ['Deutschland', 'DE'], ['Thaïlande', 'TH'], ['ประเทศไทย', 'TH'],
      ['Korea, Republic of', 'KR'], ["Korea, Democratic People's Republic of", 'KP'], ['Congo, The Democratic Republic of the', 'CD'],
      ['Saint Vincent and the Grenadines', 'VC'], ['Côte d’Ivoire', 'CI'], ['🇮🇳 India (+91)', 'IN'], ['Kingdom of Saudi Arabia', 'SA'],
    ];
    for (const [text, code] of cases) expect(countryCode(text), text).toBe(code);
  });

  it('knows no country that is not one', () => {
    for (const text of ['Atlantis', 'XX', 'Select country', '', 'Karnataka']) expect(countryCode(text), text).toBeUndefined();
  });
});
