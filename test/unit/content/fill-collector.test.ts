// @vitest-environment happy-dom
// Field discovery on saved real-world shapes of forms (a checkout, a Thai sign-up, an Indian government form):
// the fields a person would fill, in order, with the words a person reads for each, and what the rules make of them.
// happy-dom lays nothing out, so visibility is judged by the `hidden` attribute and inline styles here; the e2e
// tests judge it in Chromium.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectFields } from '../../../src/content/fill/field-collector';
import type { FormField } from '../../../src/protocol';
import { groupFields } from '../../../src/tasks/fill/split-fields';

const FORMS = join(import.meta.dirname, '../../fixtures/forms');

async function listing(file: string): Promise<FormField[]> {
  const html = readFileSync(join(FORMS, file), 'utf8');
  document.documentElement.innerHTML = html.replace(/^<!doctype html>/i, ''); // eslint-disable-line no-restricted-properties -- a saved fixture, not page text
  const visible = (element: Element): boolean => !element.closest('[hidden]') && !/display:\s*none|left:\s*-\d{3,}px/.test(element.getAttribute('style') ?? '');
  return (await collectFields(document, { shadowRootOf: (e) => e.shadowRoot, isVisible: visible })).listing.fields;
}

const summary = (fields: FormField[]) => fields.map((f) => [f.name, f.control, f.label || f.placeholder]);

describe('listing the fields of saved forms', () => {
  it('a hosted checkout: every field in order with its label or placeholder; card fields marked sensitive; the hidden token left out', async () => {
    const fields = await listing('checkout-shop.html');
    expect(summary(fields)).toEqual([
      ['checkout[email]', 'input', 'Email'],
      ['checkout[buyer_accepts_marketing]', 'checkbox', 'Email me with news and offers'],
      ['checkout[shipping_address][country]', 'select', 'Country/Region'],
      ['checkout[shipping_address][first_name]', 'input', 'First name (optional)'],
      ['checkout[shipping_address][last_name]', 'input', 'Last name'],
      ['checkout[shipping_address][company]', 'input', 'Company (optional)'],
      ['checkout[shipping_address][address1]', 'input', 'Address'],
      ['checkout[shipping_address][address2]', 'input', 'Apartment, suite, etc. (optional)'],
      ['checkout[shipping_address][city]', 'input', 'City'],
      ['checkout[shipping_address][province]', 'select', 'State'],
      ['checkout[shipping_address][zip]', 'input', 'PIN code'],
      ['checkout[shipping_address][phone]', 'input', 'Phone'],
      ['number', 'input', 'Card number'],
      ['expiry_month', 'select', 'Expiration month'],
      ['expiry_year', 'select', 'Expiration year'],
      ['verification_value', 'input', 'Security code'],
      ['reduction_code', 'input', 'Discount code or gift card'],
    ]);
    expect(fields.filter((f) => f.sensitive).map((f) => f.name)).toEqual(['number', 'verification_value']);
    expect(fields[0]).toMatchObject({ id: 'f1', type: 'email', autocomplete: 'email', required: true });
    expect(fields[2]!.options).toContainEqual({ value: 'TH', text: 'Thailand' });
    expect(fields[2]!.context).toBe('Delivery');
  });

  it('a Thai sign-up laid out in a table: labels from the cell before each field; a radio group is one field with its choices; both passwords sensitive', async () => {
    const fields = await listing('signup-th.html');
    expect(summary(fields)).toEqual([
      ['fname', 'input', 'ชื่อ *'],
      ['lname', 'input', 'นามสกุล *'],
      ['mail', 'input', 'อีเมล'],
      ['mobile', 'input', 'เบอร์โทรศัพท์มือถือ'],
      ['birth_d', 'select', 'วันเกิด'],
      ['birth_m', 'select', ''],
      ['birth_y', 'select', ''],
      ['sex', 'radio-group', 'เพศ'],
      ['passwd', 'input', 'รหัสผ่าน'],
      ['passwd2', 'input', 'ยืนยันรหัสผ่าน'],
      ['father', 'input', 'ชื่อบิดา'],
      ['accept', 'checkbox', 'ยอมรับเงื่อนไขการใช้บริการ'],
    ]);
    expect(fields.find((f) => f.name === 'sex')!.options).toEqual([{ value: 'M', text: 'ชาย' }, { value: 'F', text: 'หญิง' }]);
    expect(fields.filter((f) => f.sensitive).map((f) => f.name)).toEqual(['passwd', 'passwd2']);
    const dob = fields.filter((f) => f.name.startsWith('birth_'));
    expect(new Set(dob.map((f) => f.cluster)).size).toBe(1);
  });

  it('an Indian government form: bilingual labels, a split date of three inputs sharing one label, the legend as context', async () => {
    const fields = await listing('passport-hi.html');
    expect(summary(fields)).toEqual([
      ['applicant_given_name', 'input', 'दिया गया नाम / Given name'],
      ['applicant_surname', 'input', 'उपनाम / Surname'],
      ['dob_dd', 'input', 'जन्म तिथि / Date of birth'],
      ['dob_mm', 'input', 'माह / MM'],
      ['dob_yyyy', 'input', 'वर्ष / YYYY'],
      ['email_id', 'input', 'ई-मेल / E-mail'],
      ['mobile_no', 'input', 'मोबाइल नंबर / Mobile number'],
      ['father_name', 'input', "पिता का नाम / Father's name"],
      ['mother_name', 'input', 'माता का नाम / Mother\'s name'],
      ['house_street', 'input', 'मकान नंबर और गली / House no. and street'],
      ['city_town', 'input', 'शहर / City'],
      ['state', 'select', 'राज्य / State'],
      ['pincode', 'input', 'पिन कोड / PIN code'],
      ['declaration', 'checkbox', 'मैं घोषणा करता/करती हूँ कि दी गई जानकारी सही है'],
    ]);
    expect(fields[0]!.context).toBe('आवेदक का विवरण / Applicant details');
    expect(fields.find((f) => f.name === 'pincode')).toMatchObject({ pattern: '[0-9]{6}', maxLength: 6 });
    const groups = groupFields(fields);
    expect(groups.find((g) => g.parts.length > 1)?.parts.map((p) => p.name)).toEqual(['dob_dd', 'dob_mm', 'dob_yyyy']);
  });
});
