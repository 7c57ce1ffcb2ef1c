// The forms under test/fixtures/forms/, listed by hand as the page side lists them, grouped, and filled from a
// profile the way the planner does for fields classified with certainty.

import { describe, expect, it } from 'vitest';
import { EMPTY_PROFILE, type FieldWrite, type FormField, type Profile } from '../../../../src/protocol/commands/fill-commands';
import { profileValue, shapeValue } from '../../../../src/tasks/fill/field-values';
import { groupFields, type LogicalField } from '../../../../src/tasks/fill/split-fields';
import { field, select, together } from './form-fields';

const profile: Profile = {
  ...EMPTY_PROFILE,
  givenName: 'Priya',
  familyName: 'Sharma',
  email: 'priya@example.in',
  phone: '+91 98765 43210',
  birthDate: '1961-03-03',
  addresses: [{ label: 'Home', line1: '12 MG Road', line2: 'Flat 4', city: 'New Delhi', region: 'Delhi', postalCode: '110001', country: 'India' }],
};

/** What the profile fills at once: certain, not sensitive, and accepted by the field. */
function fillFromProfile(fields: FormField[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const logical of groupFields(fields)) {
    if (!logical.type || logical.confidence !== 'certain' || logical.parts.some((part) => part.sensitive)) continue;
    const value = profileValue(logical.type, profile);
    if (!value) continue;
    const shaped = shapeValue(logical, value);
    if ('problem' in shaped) continue;
    out.set(logical.parts.map((part) => part.name).join('+'), shaped.writes.map((write: FieldWrite) => ('value' in write ? write.value : String(write.checked))));
  }
  return out;
}

const kinds = (logical: LogicalField[]) => Object.fromEntries(logical.map((one) => [one.parts.map((part) => part.name).join('+'), one.type ?? null]));

describe('an Indian passport application with Hindi and English labels', () => {
  const applicant = 'आवेदक का विवरण / Applicant details';
  const fields = [
    field({ label: 'दिया गया नाम / Given name', name: 'applicant_given_name', htmlId: 'given', context: applicant, required: true }),
    field({ label: 'उपनाम / Surname', name: 'applicant_surname', htmlId: 'surname', context: applicant }),
    ...together(
      field({ label: 'जन्म तिथि / Date of birth', name: 'dob_dd', htmlId: 'dob-dd', maxLength: 2, placeholder: 'दिन / DD', context: applicant }),
      field({ name: 'dob_mm', htmlId: 'dob-mm', maxLength: 2, placeholder: 'माह / MM', context: applicant }),
      field({ name: 'dob_yyyy', htmlId: 'dob-yyyy', maxLength: 4, placeholder: 'वर्ष / YYYY', context: applicant }),
    ),
    field({ label: 'ई-मेल / E-mail', name: 'email_id', htmlId: 'email', context: applicant }),
    field({ label: 'मोबाइल नंबर / Mobile number', name: 'mobile_no', htmlId: 'mobile', maxLength: 10, context: applicant }),
    field({ label: "पिता का नाम / Father's name", name: 'father_name', htmlId: 'father', context: 'परिवार का विवरण / Family details' }),
    field({ label: "माता का नाम / Mother's name", name: 'mother_name', htmlId: 'mother', context: 'परिवार का विवरण / Family details' }),
    field({ label: 'मकान नंबर और गली / House no. and street', name: 'house_street', htmlId: 'house', context: 'वर्तमान पता / Present address' }),
    field({ label: 'शहर / City', name: 'city_town', htmlId: 'town', context: 'वर्तमान पता / Present address' }),
    select('राज्य / State', [{ value: '', text: 'चुनें / Select' }, { value: 'Delhi', text: 'Delhi' }, { value: 'Uttar Pradesh', text: 'Uttar Pradesh' }], { name: 'state', context: 'वर्तमान पता / Present address' }),
    field({ label: 'पिन कोड / PIN code', name: 'pincode', pattern: '[0-9]{6}', maxLength: 6, context: 'वर्तमान पता / Present address' }),
    field({ control: 'checkbox', type: 'checkbox', label: 'मैं घोषणा करता/करती हूँ कि दी गई जानकारी सही है', name: 'declaration' }),
  ];

  it('knows every field but the parents’ names and the declaration', () => {
    expect(kinds(groupFields(fields))).toEqual({
      applicant_given_name: 'given-name',
      applicant_surname: 'family-name',
      'dob_dd+dob_mm+dob_yyyy': 'bday',
      email_id: 'email',
      mobile_no: 'tel',
      father_name: null,
      mother_name: null,
      house_street: 'address-line1',
      city_town: 'address-level2',
      state: 'address-level1',
      pincode: 'postal-code',
      declaration: null,
    });
  });

  it('fills the applicant’s details, the ten-digit mobile without +91, and the split date', () => {
    expect(Object.fromEntries(fillFromProfile(fields))).toEqual({
      applicant_given_name: ['Priya'],
      applicant_surname: ['Sharma'],
      'dob_dd+dob_mm+dob_yyyy': ['03', '03', '1961'],
      email_id: ['priya@example.in'],
      mobile_no: ['9876543210'],
      house_street: ['12 MG Road'],
      city_town: ['New Delhi'],
      state: ['Delhi'],
      pincode: ['110001'],
    });
  });
});

describe('a Thai shop’s sign-up form in a table', () => {
  const heading = 'สมัครสมาชิก';
  const days = [{ value: '', text: 'วัน' }, ...['1', '2', '3', '21', '31'].map((day) => ({ value: day, text: day }))];
  const months = [{ value: '', text: 'เดือน' }, { value: '1', text: 'มกราคม' }, { value: '3', text: 'มีนาคม' }, { value: '7', text: 'กรกฎาคม' }];
  const years = [{ value: '', text: 'ปี พ.ศ.' }, { value: '2533', text: '2533' }, { value: '2504', text: '2504' }];
  const fields = [
    field({ label: 'ชื่อ *', name: 'fname', maxLength: 50, context: heading }),
    field({ label: 'นามสกุล *', name: 'lname', maxLength: 50, context: heading }),
    field({ label: 'อีเมล', name: 'mail', context: heading }),
    field({ label: 'เบอร์โทรศัพท์มือถือ', name: 'mobile', type: 'tel', maxLength: 10, placeholder: '08xxxxxxxx', context: heading }),
    ...together(select('วันเกิด', days, { name: 'birth_d', context: heading }), select('', months, { name: 'birth_m', context: heading }), select('', years, { name: 'birth_y', context: heading })),
    field({ control: 'radio-group', type: 'radio-group', label: 'เพศ', name: 'sex', options: [{ value: 'M', text: 'ชาย' }, { value: 'F', text: 'หญิง' }], context: heading }),
    field({ label: 'รหัสผ่าน', name: 'passwd', type: 'password', sensitive: true, context: heading }),
    field({ label: 'ยืนยันรหัสผ่าน', name: 'passwd2', type: 'password', sensitive: true, context: heading }),
    field({ label: 'ชื่อบิดา', name: 'father', context: heading }),
  ];

  it('reads the Thai labels, the birth-date selects and the sign-up passwords', () => {
    expect(kinds(groupFields(fields))).toEqual({
      fname: 'given-name',
      lname: 'family-name',
      mail: 'email',
      mobile: 'tel',
      'birth_d+birth_m+birth_y': 'bday',
      sex: 'sex',
      passwd: 'new-password',
      passwd2: 'new-password',
      father: null,
    });
  });

  it('chooses the Buddhist-era year 2504 for 1961 and leaves passwords alone', () => {
    const filled = fillFromProfile(fields);
    expect(filled.get('birth_d+birth_m+birth_y')).toEqual(['3', '3', '2504']);
    expect(filled.get('fname')).toEqual(['Priya']);
    expect(filled.has('passwd')).toBe(false);
    expect(filled.has('father')).toBe(false);
  });

  it('writes a Thai mobile into the ten-character box, dialled with 0 as its example shows', () => {
    const mobile = groupFields(fields).find((logical) => logical.id === fields[3]!.id)!;
    expect(shapeValue(mobile, '0812345678')).toMatchObject({ writes: [{ value: '0812345678' }] });
    expect(shapeValue(mobile, '+66 81 234 5678')).toMatchObject({ writes: [{ value: '0812345678' }] });
  });
});

describe('a hosted checkout', () => {
  const fields = [
    field({ type: 'email', name: 'checkout[email]', htmlId: 'checkout_email', autocomplete: 'email', label: 'Email', context: 'Contact' }),
    field({ control: 'checkbox', type: 'checkbox', label: 'Email me with news and offers', name: 'checkout[buyer_accepts_marketing]', context: 'Contact' }),
    select('Country/Region', [{ value: 'IN', text: 'India' }, { value: 'TH', text: 'Thailand' }, { value: 'AE', text: 'United Arab Emirates' }, { value: 'US', text: 'United States' }], {
      name: 'checkout[shipping_address][country]',
      autocomplete: 'shipping country',
      context: 'Delivery',
    }),
    field({ name: 'checkout[shipping_address][first_name]', autocomplete: 'shipping given-name', placeholder: 'First name (optional)', context: 'Delivery' }),
    field({ name: 'checkout[shipping_address][last_name]', autocomplete: 'shipping family-name', placeholder: 'Last name', context: 'Delivery' }),
    field({ name: 'checkout[shipping_address][address1]', autocomplete: 'shipping address-line1', placeholder: 'Address', context: 'Delivery' }),
    field({ name: 'checkout[shipping_address][address2]', autocomplete: 'shipping address-line2', placeholder: 'Apartment, suite, etc. (optional)', context: 'Delivery' }),
    field({ name: 'checkout[shipping_address][city]', autocomplete: 'shipping address-level2', placeholder: 'City', context: 'Delivery' }),
    select('State', [{ value: '', text: 'Select' }, { value: 'DL', text: 'Delhi' }, { value: 'MH', text: 'Maharashtra' }], { name: 'checkout[shipping_address][province]', autocomplete: 'shipping address-level1', context: 'Delivery' }),
    field({ name: 'checkout[shipping_address][zip]', autocomplete: 'shipping postal-code', placeholder: 'PIN code', context: 'Delivery' }),
    field({ type: 'tel', name: 'checkout[shipping_address][phone]', autocomplete: 'shipping tel', placeholder: 'Phone', context: 'Delivery' }),
    field({ name: 'number', autocomplete: 'cc-number', placeholder: 'Card number', context: 'Payment', sensitive: true }),
    ...together(
      select('Expiration month', [{ value: '', text: 'MM' }, ...['01', '02', '12'].map((m) => ({ value: m, text: m }))], { name: 'expiry_month', context: 'Payment', sensitive: true }),
      select('Expiration year', [{ value: '', text: 'YY' }, ...['26', '27'].map((y) => ({ value: y, text: y }))], { name: 'expiry_year', context: 'Payment', sensitive: true }),
    ),
    field({ name: 'verification_value', autocomplete: 'cc-csc', placeholder: 'Security code', maxLength: 4, context: 'Payment', sensitive: true }),
    field({ name: 'reduction_code', placeholder: 'Discount code or gift card', context: 'Payment' }),
  ];

  it('knows the delivery and card fields, joins the expiry lists, and leaves the coupon alone', () => {
    const logical = groupFields(fields);
    expect(logical.map((one) => one.type ?? null)).toEqual([
      'email', null, 'country', 'given-name', 'family-name', 'address-line1', 'address-line2', 'address-level2', 'address-level1', 'postal-code', 'tel',
      'cc-number', 'cc-exp', 'cc-csc', null,
    ]);
  });

  it('fills delivery from the profile (country by name to its code, state by visible text) and writes a card expiry the model gives', () => {
    const filled = fillFromProfile(fields);
    expect(filled.get('checkout[shipping_address][country]')).toEqual(['IN']);
    expect(filled.get('checkout[shipping_address][province]')).toEqual(['DL']);
    expect(filled.get('checkout[shipping_address][phone]')).toEqual(['+91 98765 43210']);
    expect(filled.has('number')).toBe(false);
    const expiry = groupFields(fields).find((one) => one.type === 'cc-exp')!;
    expect(shapeValue(expiry, '12/27')).toMatchObject({ writes: [{ value: '12' }, { value: '27' }] });
  });
});
