import { describe, expect, it } from 'vitest';
import { groupFields } from '../../../../src/tasks/fill/split-fields';
import { DAYS, MONTHS, PROMPT, YEARS, field, select, together } from './form-fields';

const shape = (fields: Parameters<typeof groupFields>[0]) =>
  groupFields(fields).map((logical) => ({ parts: logical.parts.length, roles: logical.roles.join(','), type: logical.type }));

describe('split dates become one field', () => {
  it('three selects under "Date of birth", in any order', () => {
    const fields = together(
      select('Month', [PROMPT, ...MONTHS], { context: 'Date of birth' }),
      select('Day', [PROMPT, ...DAYS], { context: 'Date of birth' }),
      select('Year', [PROMPT, ...YEARS], { context: 'Date of birth' }),
    );
    const [date] = groupFields(fields);
    expect(date).toMatchObject({ id: fields[0]!.id, roles: ['month', 'day', 'year'], type: 'bday', confidence: 'certain', label: 'Date of birth' });
    expect(date!.parts).toHaveLength(3);
  });

  it('three boxes with DD / MM / YYYY placeholders', () => {
    const fields = together(
      field({ label: 'Date of birth', placeholder: 'DD', maxLength: 2 }),
      field({ label: 'Date of birth', placeholder: 'MM', maxLength: 2 }),
      field({ label: 'Date of birth', placeholder: 'YYYY', maxLength: 4 }),
    );
    expect(shape(fields)).toEqual([{ parts: 3, roles: 'day,month,year', type: 'bday' }]);
    expect(groupFields(fields)[0]!.label).toBe('Date of birth');
  });

  it('three boxes with Hindi and Thai placeholders', () => {
    const hindi = together(
      field({ label: 'जन्म तिथि', placeholder: 'दिन', maxLength: 2 }),
      field({ label: 'जन्म तिथि', placeholder: 'महीना', maxLength: 2 }),
      field({ label: 'जन्म तिथि', placeholder: 'वर्ष', maxLength: 4 }),
    );
    expect(shape(hindi)).toEqual([{ parts: 3, roles: 'day,month,year', type: 'bday' }]);
    const thai = together(
      field({ label: 'วันเกิด', placeholder: 'วว', maxLength: 2 }),
      field({ label: 'วันเกิด', placeholder: 'ดด', maxLength: 2 }),
      field({ label: 'วันเกิด', placeholder: 'ปปปป', maxLength: 4 }),
    );
    expect(shape(thai)).toEqual([{ parts: 3, roles: 'day,month,year', type: 'bday' }]);
  });

  it('boxes named dob_day, dob_month, dob_year, or told apart by autocomplete', () => {
    expect(shape(together(field({ name: 'dob_day' }), field({ name: 'dob_month' }), field({ name: 'dob_year' })))).toEqual([{ parts: 3, roles: 'day,month,year', type: 'bday' }]);
    expect(shape(together(field({ autocomplete: 'bday-year' }), field({ autocomplete: 'bday-month' }), field({ autocomplete: 'bday-day' })))).toEqual([
      { parts: 3, roles: 'year,month,day', type: 'bday' },
    ]);
  });

  it('unnamed boxes of 2, 2 and 4 characters, in the order the label’s MM/DD/YYYY gives', () => {
    const fields = together(
      field({ label: 'Birth date (MM/DD/YYYY)', maxLength: 2 }),
      field({ maxLength: 2 }),
      field({ maxLength: 4 }),
    );
    expect(shape(fields)).toEqual([{ parts: 3, roles: 'month,day,year', type: 'bday' }]);
  });

  it('a date that is not a birth date is grouped but left untyped for the model', () => {
    const fields = together(field({ label: 'Travel date', placeholder: 'DD', maxLength: 2 }), field({ placeholder: 'MM', maxLength: 2 }), field({ placeholder: 'YYYY', maxLength: 4 }));
    expect(shape(fields)).toEqual([{ parts: 3, roles: 'day,month,year', type: undefined }]);
  });

  it('a card’s expiry month and year lists', () => {
    const fields = together(select('Expiry month', [PROMPT, ...MONTHS], { context: 'Card details' }), select('Expiry year', [PROMPT, ...YEARS], { context: 'Card details' }));
    expect(shape(fields)).toEqual([{ parts: 2, roles: 'month,year', type: 'cc-exp' }]);
  });
});

describe('split phones become one field', () => {
  it('three boxes of 3, 3 and 4 under one phone label', () => {
    const fields = together(field({ label: 'Phone', maxLength: 3 }), field({ label: 'Phone', maxLength: 3 }), field({ label: 'Phone', maxLength: 4 }));
    const [phone] = groupFields(fields);
    expect(phone).toMatchObject({ roles: ['area-code', 'prefix', 'suffix'], type: 'tel', confidence: 'certain', label: 'Phone' });
  });

  it('three boxes of 3, 3 and 4 named area, prefix and line: "prefix" is the local prefix, not a country code', () => {
    const fields = together(field({ label: 'Phone', name: 'phone_area', maxLength: 3 }), field({ label: 'Phone', name: 'phone_prefix', maxLength: 3 }), field({ label: 'Phone', name: 'phone_line', maxLength: 4 }));
    expect(groupFields(fields)).toEqual([expect.objectContaining({ roles: ['area-code', 'prefix', 'suffix'], type: 'tel', confidence: 'certain' })]);
  });

  it('a dialling-code list beside the number', () => {
    const codes = [PROMPT, ...['+1', '+44', '+91', '+66', '+971', '+61', '+81', '+86', '+49', '+33', '+55'].map((code) => ({ value: code, text: `(${code})` }))];
    const fields = together(select('Mobile', codes), field({ label: 'Mobile', type: 'tel', maxLength: 10 }));
    expect(shape(fields)).toEqual([{ parts: 2, roles: 'country-code,national', type: 'tel' }]);
  });

  it('parts told apart by autocomplete', () => {
    const fields = together(field({ autocomplete: 'tel-country-code' }), field({ autocomplete: 'tel-area-code' }), field({ autocomplete: 'tel-local' }));
    expect(shape(fields)).toEqual([{ parts: 3, roles: 'country-code,area-code,local', type: 'tel' }]);
  });

  it('does not join boxes of other sizes, or boxes without a phone label', () => {
    expect(shape(together(field({ label: 'Phone', maxLength: 4 }), field({ label: 'Phone', maxLength: 4 }), field({ label: 'Phone', maxLength: 4 })))).toHaveLength(3);
    expect(shape(together(field({ label: 'Code', maxLength: 3 }), field({ maxLength: 3 }), field({ maxLength: 4 })))).toHaveLength(3);
  });
});

describe('everything else stays one field of one part', () => {
  it('first and last name sharing a container, radio groups and checkboxes', () => {
    const fields = [
      ...together(field({ label: 'First name' }), field({ label: 'Last name' })),
      field({ control: 'radio-group', type: 'radio-group', label: 'Gender', options: [{ value: 'f', text: 'Female' }, { value: 'm', text: 'Male' }] }),
      field({ control: 'checkbox', type: 'checkbox', label: 'Subscribe' }),
    ];
    expect(shape(fields)).toEqual([
      { parts: 1, roles: 'whole', type: 'given-name' },
      { parts: 1, roles: 'whole', type: 'family-name' },
      { parts: 1, roles: 'whole', type: 'sex' },
      { parts: 1, roles: 'whole', type: undefined },
    ]);
  });

  it('keeps page order, with a split field in the middle', () => {
    const fields = [
      field({ label: 'Email', type: 'email' }),
      ...together(field({ name: 'dob_day' }), field({ name: 'dob_month' }), field({ name: 'dob_year' })),
      field({ label: 'City' }),
    ];
    expect(groupFields(fields).map((logical) => logical.id)).toEqual([fields[0]!.id, fields[1]!.id, fields[4]!.id]);
  });

  it('does not join fields of different clusters even when they look like a date', () => {
    const fields = [field({ placeholder: 'DD', maxLength: 2 }), field({ placeholder: 'MM', maxLength: 2 }), field({ placeholder: 'YYYY', maxLength: 4 })];
    expect(shape(fields)).toHaveLength(3);
  });
});
