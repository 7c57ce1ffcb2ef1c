import { describe, expect, it } from 'vitest';
import { formatDate, readDate, readDateFormat } from '../../../../src/tasks/fill/date-values';

const date = (text: string, options?: Parameters<typeof readDate>[1]) => {
  const reading = readDate(text, options);
  return 'date' in reading ? reading.date : reading.problem;
};

describe('reading dates people write', () => {
  it('reads month names in the languages Pagewise serves, and CJK dates', () => {
    const march9 = { year: 1961, month: 3, day: 9 };
    for (const text of ['9 March 1961', 'Mar 9, 1961', '9 de marzo de 1961', '9 mars 1961', '9. März 1961', '९ मार्च १९६१', '9 มี.ค. 2504', '9 آذار 1961', '1961年3月9日']) {
      expect(date(text), text).toEqual(march9);
    }
    expect(date('كانون الثاني 9 1961')).toEqual({ year: 1961, month: 1, day: 9 });
  });

  it('takes a month of a year only where one is wanted, and two-digit years only for cards', () => {
    expect(date('March 1961')).toMatch(/has no day/);
    expect(date('March 1961', { monthOnly: true })).toEqual({ year: 1961, month: 3 });
    expect(date('05/27', { monthOnly: true, twoDigitYears: true })).toEqual({ year: 2027, month: 5 });
    expect(date('05/27', { monthOnly: true })).toMatch(/two-digit year/);
  });

  it('reads an ambiguous numeric date only in the order the field gives', () => {
    expect(date('9/3/1961')).toMatch(/could be day\/month or month\/day/);
    expect(date('9/3/1961', { numericOrder: 'day-first' })).toEqual({ year: 1961, month: 3, day: 9 });
    expect(date('9/3/1961', { numericOrder: 'month-first' })).toEqual({ year: 1961, month: 9, day: 3 });
  });
});

describe('reading the format a field asks for', () => {
  const march9 = { year: 1961, month: 3, day: 9 };
  const cases: Array<[string, string]> = [
    ['DD/MM/YYYY', '09/03/1961'], ['mm-dd-yyyy', '03-09-1961'], ['DDMMYYYY', '09031961'], ['d/m/yyyy', '9/3/1961'], ['JJ/MM/AAAA', '09/03/1961'],
    ['TT.MM.JJJJ', '09.03.1961'], ['दिन/माह/वर्ष', '09/03/1961'], ['วว/ดด/ปปปป', '09/03/1961'], ['วว/ดด/ปปปป (พ.ศ.)', '09/03/2504'],
    ['يوم/شهر/سنة', '09/03/1961'], ['DD-MMM-YYYY', '09-Mar-1961'],
  ];
  for (const [hint, expected] of cases) {
    it(`writes "${hint}" as ${expected}`, () => {
      const format = readDateFormat(hint);
      expect(format && formatDate(march9, format)).toBe(expected);
    });
  }

  it('finds no format in ordinary words', () => {
    expect(readDateFormat('Enter your date of birth')).toBeUndefined();
    expect(readDateFormat('DD/MM')).toBeUndefined();
  });
});
