import { describe, expect, it } from 'vitest';
import { EMPTY_PROFILE, type FormField, type Profile } from '../../../../src/protocol/commands/fill-commands';
import { profileValue, shapeValue } from '../../../../src/tasks/fill/field-values';
import { groupFields, type LogicalField } from '../../../../src/tasks/fill/split-fields';
import { COUNTRIES_BY_CODE, COUNTRIES_BY_NAME, DAYS, MONTHS, PROMPT, YEARS, field, select, together } from './form-fields';

/** The one logical field the given page fields make. */
function one(...fields: FormField[]): LogicalField {
  const grouped = groupFields(fields);
  expect(grouped).toHaveLength(1);
  return grouped[0]!;
}
const written = (logical: LogicalField, value: string) => {
  const result = shapeValue(logical, value);
  if ('problem' in result) throw new Error(`refused: ${result.problem}`);
  return result.writes.map((write) => ('value' in write ? write.value : write.checked));
};
const problem = (logical: LogicalField, value: string) => {
  const result = shapeValue(logical, value);
  return 'problem' in result ? result.problem : undefined;
};

describe('dates are read without guessing', () => {
  const box = one(field({ type: 'date', label: 'Date of birth' }));

  it('takes ISO and written-out dates, and shows them in words', () => {
    expect(shapeValue(box, '1961-03-03')).toEqual({ writes: [{ id: box.id, value: '1961-03-03' }], shown: '3 March 1961' });
    expect(written(box, '3 March 1961')).toEqual(['1961-03-03']);
    expect(written(box, 'March 3rd, 1961')).toEqual(['1961-03-03']);
    expect(written(box, '3 मार्च 1961')).toEqual(['1961-03-03']);
    expect(written(box, '3 มีนาคม 2504')).toEqual(['1961-03-03']);
    expect(written(box, '٣ مارس ١٩٦١')).toEqual(['1961-03-03']);
  });

  it('takes numeric dates only when day and month cannot be confused', () => {
    expect(written(box, '03/03/1961')).toEqual(['1961-03-03']);
    expect(written(box, '13/03/1961')).toEqual(['1961-03-13']);
    expect(written(box, '03/13/1961')).toEqual(['1961-03-13']);
    expect(written(box, '05.03.1961')).toEqual(['1961-03-05']);
    expect(problem(box, '05/03/1961')).toMatch(/could be day\/month or month\/day/);
  });

  it('refuses what is not a date, or not a real one', () => {
    expect(problem(box, 'soon')).toMatch(/not a date/);
    expect(problem(box, '1961-02-30')).toMatch(/not a real date/);
    expect(problem(box, '03/03/61')).toMatch(/two-digit year/);
  });

  it('checks a date box’s min and max', () => {
    const ranged = one(field({ type: 'date', label: 'Appointment', min: '2026-01-01', max: '2026-12-31' }));
    expect(problem(ranged, '2025-12-31')).toBe('The date must be on or after 2026-01-01.');
    expect(problem(ranged, '2027-01-01')).toBe('The date must be on or before 2026-12-31.');
    expect(written(ranged, '2026-06-01')).toEqual(['2026-06-01']);
  });

  it('writes a month box as YYYY-MM', () => {
    expect(written(one(field({ type: 'month', label: 'Start month' })), 'May 2027')).toEqual(['2027-05']);
  });
});

describe('dates are written in the format the field asks for', () => {
  const cases: Array<[Partial<FormField>, string]> = [
    [{ label: 'Date of birth', placeholder: 'DD/MM/YYYY' }, '03/12/1961'],
    [{ label: 'Date of birth', placeholder: 'MM/DD/YYYY' }, '12/03/1961'],
    [{ label: 'Geburtsdatum', placeholder: 'TT.MM.JJJJ' }, '03.12.1961'],
    [{ label: 'Date of birth', placeholder: 'YYYY-MM-DD' }, '1961-12-03'],
    [{ label: 'Date of birth (DD-MMM-YYYY)' }, '03-Dec-1961'],
    [{ label: 'जन्म तिथि (दिन/माह/वर्ष)' }, '03/12/1961'],
    [{ label: 'วันเกิด', placeholder: 'วว/ดด/ปปปป (พ.ศ.)' }, '03/12/2504'],
    [{ label: 'Start date', pattern: '\\d{4}-\\d{2}-\\d{2}' }, '1961-12-03'],
  ];
  for (const [over, expected] of cases) {
    it(`writes 1961-12-03 as ${expected} for "${over.placeholder || over.label}"`, () => {
      expect(written(one(field(over)), '1961-12-03')).toEqual([expected]);
    });
  }

  it('reads an ambiguous numeric date in the field’s own order, since that is what it asked for', () => {
    expect(written(one(field({ label: 'Date of birth', placeholder: 'DD/MM/YYYY' })), '05/03/1961')).toEqual(['05/03/1961']);
  });

  it('writes a card expiry box as MM/YY', () => {
    const expiry = one(field({ label: 'Expiry date', context: 'Card details', maxLength: 5 }));
    expect(expiry.type).toBe('cc-exp');
    expect(written(expiry, '2027-05')).toEqual(['05/27']);
    expect(written(expiry, '05/27')).toEqual(['05/27']);
  });
});

describe('split dates', () => {
  it('chooses day, month and year from selects, by value or by month name', () => {
    const date = one(
      ...together(
        select('Day', [PROMPT, ...DAYS], { context: 'Date of birth' }),
        select('Month', [PROMPT, ...MONTHS.map((month) => ({ value: month.text.slice(0, 3).toUpperCase(), text: month.text }))], { context: 'Date of birth' }),
        select('Year', [PROMPT, ...YEARS], { context: 'Date of birth' }),
      ),
    );
    expect(shapeValue(date, '1961-03-03')).toEqual({
      writes: [
        { id: date.parts[0]!.id, value: '03' },
        { id: date.parts[1]!.id, value: 'MAR' },
        { id: date.parts[2]!.id, value: '1961' },
      ],
      shown: '3 March 1961',
    });
  });

  it('zero-pads boxes to their size and writes the year in the digits its box takes', () => {
    const date = one(
      ...together(
        field({ label: 'Date of birth', placeholder: 'DD', maxLength: 2 }),
        field({ label: 'Date of birth', placeholder: 'MM', maxLength: 2 }),
        field({ label: 'Date of birth', placeholder: 'YY', maxLength: 2 }),
      ),
    );
    expect(written(date, '3 March 1961')).toEqual(['03', '03', '61']);
  });

  it('writes Hindi-labelled boxes and a Thai Buddhist-era year list', () => {
    const hindi = one(
      ...together(
        field({ label: 'जन्म तिथि', placeholder: 'दिन', maxLength: 2 }),
        field({ label: 'जन्म तिथि', placeholder: 'माह', maxLength: 2 }),
        field({ label: 'जन्म तिथि', placeholder: 'वर्ष', maxLength: 4 }),
      ),
    );
    expect(written(hindi, '1961-03-03')).toEqual(['03', '03', '1961']);
    const thaiYears = Array.from({ length: 80 }, (_, i) => ({ value: String(2568 - i), text: String(2568 - i) }));
    const thai = one(
      ...together(
        select('วัน', [PROMPT, ...DAYS], { context: 'วันเกิด' }),
        select('เดือน', [PROMPT, ...['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'].map((text) => ({ value: text, text }))], { context: 'วันเกิด' }),
        select('ปี', [PROMPT, ...thaiYears], { context: 'วันเกิด' }),
      ),
    );
    expect(written(thai, '1961-03-03')).toEqual(['03', 'มีนาคม', '2504']);
  });

  it('refuses a year the list does not offer', () => {
    const date = one(
      ...together(
        select('Day', [PROMPT, ...DAYS], { context: 'Date of birth' }),
        select('Month', [PROMPT, ...MONTHS], { context: 'Date of birth' }),
        select('Year', [PROMPT, ...YEARS], { context: 'Date of birth' }),
      ),
    );
    expect(problem(date, '1920-01-01')).toBe("There is no option like '1920' in 'Year'.");
  });
});

describe('phone numbers', () => {
  const split = () => one(...together(field({ label: 'Phone', maxLength: 3 }), field({ label: 'Phone', maxLength: 3 }), field({ label: 'Phone', maxLength: 4 })));

  it('divides a number over three boxes of 3, 3 and 4, dropping the +1', () => {
    expect(written(split(), '(415) 555-0100')).toEqual(['415', '555', '0100']);
    expect(written(split(), '+1 415 555 0100')).toEqual(['415', '555', '0100']);
    expect(written(split(), '14155550100')).toEqual(['415', '555', '0100']);
  });

  it('refuses a number from another country or with the wrong number of digits', () => {
    expect(problem(split(), '+44 20 7946 0958')).toBe('The number is for +44, but this field takes +1 numbers.');
    expect(problem(split(), '555 0100')).toBe('The number has 7 digits; the boxes take 3, 3, 4.');
  });

  it('puts the dialling code in its own list and the national number in the box', () => {
    const codes = [PROMPT, ...['+1', '+44', '+91', '+66', '+971', '+61', '+81', '+86', '+49', '+33', '+55'].map((code) => ({ value: code.slice(1), text: `${code}` }))];
    const phone = one(...together(select('Mobile', codes), field({ label: 'Mobile', type: 'tel', maxLength: 10 })));
    expect(written(phone, '+91 98765 43210')).toEqual(['91', '9876543210']);
    expect(written(phone, '+919876543210')).toEqual(['91', '9876543210']);
    expect(written(phone, '98765 43210')).toEqual(['9876543210']);
    expect(problem(phone, '+7 912 345 67 89')).toBe("There is no option like '+7' in 'Mobile'.");
  });

  it('writes a single phone box as given, compacted or without its +CC only when it must', () => {
    expect(written(one(field({ label: 'Phone', type: 'tel' })), '+91 98765 43210')).toEqual(['+91 98765 43210']);
    expect(written(one(field({ label: 'Phone', type: 'tel', maxLength: 13 })), '+91 98765 43210')).toEqual(['+919876543210']);
    expect(written(one(field({ label: 'Mobile (+91)', type: 'tel', maxLength: 10 })), '+91 98765 43210')).toEqual(['9876543210']);
    expect(problem(one(field({ label: 'Mobile (+91)', type: 'tel', maxLength: 10 })), '+44 7700 900123')).toBe('The field takes at most 10 characters.');
    expect(problem(one(field({ label: 'Phone', type: 'tel' })), 'call me maybe')).toMatch(/digits, spaces, \+, - and parentheses only/);
  });
});

describe('lists and radio groups', () => {
  it('matches by exact value, then by visible text with case, accents and spacing folded', () => {
    const list = one(select('Region', [PROMPT, { value: 'qc', text: 'Québec' }, { value: 'on', text: 'Ontario' }]));
    expect(written(list, 'qc')).toEqual(['qc']);
    expect(shapeValue(list, '  quebec ')).toEqual({ writes: [{ id: list.id, value: 'qc' }], shown: 'Québec' });
  });

  it('matches a country by name or code in any language, whichever the list uses', () => {
    const byCode = one(select('Country', COUNTRIES_BY_CODE));
    for (const value of ['United States', 'USA', 'US', 'usa', 'संयुक्त राज्य', 'สหรัฐอเมริกา', 'الولايات المتحدة', 'United States of America']) {
      expect(written(byCode, value), value).toEqual(['US']);
    }
    const byName = one(select('Country', COUNTRIES_BY_NAME));
    expect(written(byName, 'US')).toEqual(['United States of America']);
    expect(written(byName, 'UK')).toEqual(['United Kingdom of Great Britain and Northern Ireland']);
    expect(written(byName, 'भारत')).toEqual(['India']);
    expect(written(byName, 'South Korea')).toEqual(['Korea, Republic of']);
    expect(written(byName, 'Vietnam')).toEqual(['Viet Nam']);
    expect(written(byName, 'الإمارات العربية المتحدة')).toEqual(['United Arab Emirates']);
    expect(written(byName, 'THA')).toEqual(['Thailand']);
  });

  it('refuses an option that does not exist, naming the field', () => {
    expect(problem(one(select('Country', COUNTRIES_BY_CODE)), 'Atlantis')).toBe("There is no option like 'Atlantis' in 'Country'.");
  });

  it('never chooses a prompt, whatever its value', () => {
    const list = one(select('State', [{ value: '', text: 'Select…' }, { value: '0', text: '-- Select state --' }, { value: '-1', text: 'राज्य चुनें' }, { value: 'KA', text: 'Karnataka' }]));
    for (const value of ['', 'Select…', '0', '-- Select state --', '-1', 'राज्य चुनें']) expect(shapeValue(list, value), value).toHaveProperty('problem');
    expect(written(list, 'Karnataka')).toEqual(['KA']);
    const other = one(select('Source', [PROMPT, { value: 'web', text: 'Web' }, { value: 'other', text: 'Other (please specify)' }]));
    expect(written(other, 'Other (please specify)')).toEqual(['other']);
  });

  it('takes "Karnataka" for "Karnataka (KA)" when only one choice starts so', () => {
    expect(written(one(select('State', [PROMPT, { value: '1', text: 'Karnataka (KA)' }, { value: '2', text: 'Kerala (KL)' }])), 'karnataka')).toEqual(['1']);
  });

  it('chooses a radio by its label, and a gender by meaning', () => {
    const gender = one(field({ control: 'radio-group', type: 'radio-group', label: 'लिंग', options: [{ value: 'M', text: 'पुरुष' }, { value: 'F', text: 'महिला' }] }));
    expect(written(gender, 'महिला')).toEqual(['F']);
    expect(written(gender, 'female')).toEqual(['F']);
  });
});

describe('sizes, numbers, emails and checkboxes', () => {
  it('refuses an over-long value rather than cutting it, counting as the browser does', () => {
    expect(problem(one(field({ label: 'City', maxLength: 10 })), 'Thiruvananthapuram')).toBe('The field takes at most 10 characters.');
    // An emoji is two UTF-16 code units, so 5 of them fill a maxlength of 10.
    expect(written(one(field({ label: 'Nickname box', maxLength: 10 })), '😀😀😀😀😀')).toEqual(['😀😀😀😀😀']);
    expect(problem(one(field({ label: 'Nickname box', maxLength: 10 })), '😀😀😀😀😀😀')).toBe('The field takes at most 10 characters.');
    expect(problem(one(field({ label: 'Postcode', minLength: 5 })), '123')).toBe('The field needs at least 5 characters.');
  });

  it('joins an address given on lines with commas for a one-line box, keeps lines in a text area', () => {
    expect(written(one(field({ label: 'Address' })), '12 MG Road\nIndiranagar')).toEqual(['12 MG Road, Indiranagar']);
    expect(written(one(field({ control: 'textarea', type: 'textarea', label: 'Address' })), '12 MG Road\nIndiranagar')).toEqual(['12 MG Road\nIndiranagar']);
  });

  it('checks numbers against min, max and step', () => {
    const guests = one(field({ type: 'number', label: 'Guests', min: '1', max: '8', step: '1' }));
    expect(written(guests, '4')).toEqual(['4']);
    expect(written(guests, '٤')).toEqual(['4']);
    expect(problem(guests, '9')).toBe('The field takes numbers up to 8.');
    expect(problem(guests, '0')).toBe('The field takes numbers from 1 to 8.');
    expect(problem(guests, '2.5')).toBe('The field takes steps of 1.');
    expect(problem(guests, 'four')).toBe("'four' is not a number.");
  });

  it('checks emails and reads yes or no for checkboxes', () => {
    expect(problem(one(field({ type: 'email', label: 'Email' })), 'priya at example')).toBe("'priya at example' is not an email address.");
    const box = one(field({ control: 'checkbox', type: 'checkbox', label: 'Subscribe' }));
    expect(shapeValue(box, 'yes')).toEqual({ writes: [{ id: box.id, checked: true }], shown: 'checked' });
    expect(written(box, 'नहीं')).toEqual([false]);
    expect(problem(box, 'maybe')).toMatch(/checked or not/);
  });
});

describe('values from the profile', () => {
  const profile: Profile = {
    ...EMPTY_PROFILE,
    givenName: 'Priya',
    additionalName: 'K.',
    familyName: 'Sharma',
    email: 'priya@example.in',
    phone: '+1 415 555 0100',
    birthDate: '1961-03-03',
    organization: 'Acme',
    jobTitle: 'Engineer',
    addresses: [
      { label: 'Home', line1: '12 MG Road', line2: 'Indiranagar', city: 'Bengaluru', region: 'Karnataka', postalCode: '560038', country: 'IN' },
      { label: 'Work', line1: '1 Infinite Loop', line2: '', city: 'Cupertino', region: 'CA', postalCode: '95014', country: 'United States' },
    ],
  };

  it('gives names, contacts and the first address', () => {
    expect(profileValue('name', profile)).toBe('Priya K. Sharma');
    expect(profileValue('given-name', profile)).toBe('Priya');
    expect(profileValue('email', profile)).toBe('priya@example.in');
    expect(profileValue('street-address', profile)).toBe('12 MG Road\nIndiranagar');
    expect(profileValue('address-level2', profile)).toBe('Bengaluru');
    expect(profileValue('postal-code', profile)).toBe('560038');
    expect(profileValue('organization-title', profile)).toBe('Engineer');
  });

  it('uses another address when asked, and gives countries as a code or a name', () => {
    const work = profile.addresses[1]!;
    expect(profileValue('address-level2', profile, work)).toBe('Cupertino');
    expect(profileValue('country', profile, work)).toBe('US');
    expect(profileValue('country-name', profile, work)).toBe('United States');
    expect(profileValue('country', profile)).toBe('IN');
    expect(profileValue('country-name', profile)).toBe('India');
  });

  it('splits the birth date and the phone', () => {
    expect(profileValue('bday', profile)).toBe('1961-03-03');
    expect([profileValue('bday-day', profile), profileValue('bday-month', profile), profileValue('bday-year', profile)]).toEqual(['3', '3', '1961']);
    expect(profileValue('tel-country-code', profile)).toBe('+1');
    expect(profileValue('tel-national', profile)).toBe('4155550100');
    expect([profileValue('tel-area-code', profile), profileValue('tel-local-prefix', profile), profileValue('tel-local-suffix', profile)]).toEqual(['415', '555', '0100']);
  });

  it('writes East Asian names family name first', () => {
    expect(profileValue('name', { ...EMPTY_PROFILE, givenName: '太郎', familyName: '山田' })).toBe('山田太郎');
    expect(profileValue('name', { ...EMPTY_PROFILE, givenName: '민준', familyName: '김' })).toBe('김 민준');
  });

  it('never gives passwords, card data or codes, and nothing for what the profile lacks', () => {
    for (const type of ['current-password', 'new-password', 'cc-number', 'cc-name', 'cc-csc', 'one-time-code', 'username', 'sex'] as const) {
      expect(profileValue(type, profile), type).toBeUndefined();
    }
    expect(profileValue('email', EMPTY_PROFILE)).toBeUndefined();
    expect(profileValue('address-line1', EMPTY_PROFILE)).toBeUndefined();
  });

  it('fills a split date and a split phone from the profile, end to end', () => {
    const date = one(...together(field({ name: 'dob_day', maxLength: 2 }), field({ name: 'dob_month', maxLength: 2 }), field({ name: 'dob_year', maxLength: 4 })));
    expect(written(date, profileValue(date.type!, profile)!)).toEqual(['03', '03', '1961']);
    const phone = one(...together(field({ label: 'Phone', maxLength: 3 }), field({ label: 'Phone', maxLength: 3 }), field({ label: 'Phone', maxLength: 4 })));
    expect(written(phone, profileValue(phone.type!, profile)!)).toEqual(['415', '555', '0100']);
  });
});
