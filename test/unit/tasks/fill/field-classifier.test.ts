import { describe, expect, it } from 'vitest';
import { parseAutocomplete } from '../../../../src/tasks/fill/autocomplete-tokens';
import { classifyField } from '../../../../src/tasks/fill/field-classifier';
import { isSensitiveType, FIELD_TYPES } from '../../../../src/tasks/fill/field-types';
import { COUNTRIES_BY_CODE, COUNTRIES_BY_NAME, DAYS, MONTHS, PROMPT, YEARS, field, select } from './form-fields';

const typeOf = (...args: Parameters<typeof field>) => classifyField(field(...args))?.type;

describe('the autocomplete attribute, read as the HTML spec reads it', () => {
  it('finds the field name after section, shipping/billing and home/work/mobile', () => {
    expect(parseAutocomplete('section-checkout shipping given-name')).toMatchObject({ type: 'given-name', section: 'section-checkout', mode: 'shipping' });
    expect(parseAutocomplete('billing mobile tel')).toMatchObject({ type: 'tel', mode: 'billing', contact: 'mobile' });
    expect(parseAutocomplete('  EMAIL  webauthn')).toMatchObject({ type: 'email' });
  });

  it('says nothing for on, off, junk, or tokens in the wrong order', () => {
    for (const value of ['', 'on', 'off', 'nope', 'chrome-off', 'given-name shipping', 'mobile given-name', 'shipping section-a tel', 'off email']) {
      expect(parseAutocomplete(value), value).toBeUndefined();
    }
  });

  it('knows valid fields Pagewise does not fill, and that a fax is not the person’s phone', () => {
    expect(parseAutocomplete('nickname')).toMatchObject({ field: 'nickname', type: undefined });
    expect(parseAutocomplete('fax tel')).toMatchObject({ field: 'tel', type: undefined });
  });

  it('is certain about a field whose autocomplete names it', () => {
    expect(classifyField(field({ autocomplete: 'shipping postal-code', label: 'Code' }))).toEqual({ type: 'postal-code', confidence: 'certain', by: 'autocomplete' });
  });

  it('does not let autocomplete="new-password", sprinkled on to silence browsers, make a city box a password', () => {
    expect(classifyField(field({ autocomplete: 'new-password', label: 'City' }))).toMatchObject({ type: 'address-level2', by: 'pattern' });
  });
});

describe('the kinds of field', () => {
  it('marks passwords, card fields and one-time codes as sensitive, and nothing else', () => {
    const sensitive = FIELD_TYPES.filter(isSensitiveType);
    expect(sensitive.sort()).toEqual(['cc-csc', 'cc-exp', 'cc-exp-month', 'cc-exp-year', 'cc-name', 'cc-number', 'current-password', 'new-password', 'one-time-code']);
  });
});

describe('the input type', () => {
  it('makes an email box certain, a tel box likely a phone, certain when its label agrees', () => {
    expect(classifyField(field({ type: 'email' }))).toEqual({ type: 'email', confidence: 'certain', by: 'type' });
    expect(classifyField(field({ type: 'tel' }))).toEqual({ type: 'tel', confidence: 'likely', by: 'type' });
    expect(classifyField(field({ type: 'tel', label: 'Mobile number' }))).toMatchObject({ type: 'tel', confidence: 'certain' });
  });

  it('lets words decide a tel box used for a numeric keyboard: area code, postcode, card number', () => {
    expect(typeOf({ type: 'tel', label: 'Area code' })).toBe('tel-area-code');
    expect(typeOf({ type: 'tel', label: 'ZIP code' })).toBe('postal-code');
    expect(typeOf({ type: 'tel', label: 'Card number', context: 'Payment' })).toBe('cc-number');
  });

  it('tells new passwords from current ones, in several languages', () => {
    expect(classifyField(field({ type: 'password', label: 'Confirm password' }))).toMatchObject({ type: 'new-password', confidence: 'certain' });
    expect(typeOf({ type: 'password', label: 'नया पासवर्ड' })).toBe('new-password');
    expect(typeOf({ type: 'password', label: 'ยืนยันรหัสผ่าน' })).toBe('new-password');
    expect(typeOf({ type: 'password', label: 'تأكيد كلمة المرور' })).toBe('new-password');
    expect(typeOf({ type: 'password', label: 'Current password' })).toBe('current-password');
    expect(classifyField(field({ type: 'password', label: 'Password' }))).toMatchObject({ type: 'current-password', confidence: 'likely' });
    expect(typeOf({ type: 'password', label: 'Password', context: 'Create your account' })).toBe('new-password');
    expect(typeOf({ type: 'password', label: 'Enter OTP' })).toBe('one-time-code');
  });

  it('never makes a date box anything but a birth date, and only when birth is said', () => {
    expect(typeOf({ type: 'date', label: 'Date of birth' })).toBe('bday');
    expect(typeOf({ type: 'date', label: 'Travel date' })).toBeUndefined();
    expect(typeOf({ type: 'date', label: 'Name' })).toBeUndefined();
  });
});

describe('words in English', () => {
  it('reads the common fields', () => {
    const cases: Array<[string, string]> = [
      ['Email address', 'email'], ['Full name', 'name'], ['First name', 'given-name'], ['Last name', 'family-name'], ['Middle name', 'additional-name'],
      ['Username', 'username'], ['Company', 'organization'], ['Job title', 'organization-title'], ['Street address', 'address-line1'],
      ['Address line 2', 'address-line2'], ['Apartment, suite, etc. (optional)', 'address-line2'], ['City', 'address-level2'],
      ['State / Province', 'address-level1'], ['ZIP code', 'postal-code'], ['PIN code', 'postal-code'], ['Phone', 'tel'], ['Date of birth', 'bday'],
      ['Gender', 'sex'], ['Verification code', 'one-time-code'],
    ];
    for (const [label, type] of cases) expect(typeOf({ label }), label).toBe(type);
  });

  it('is certain when the label is plain or two sources agree, likely when the words are vague', () => {
    expect(classifyField(field({ label: 'First name' }))?.confidence).toBe('certain');
    expect(classifyField(field({ label: 'Name' }))?.confidence).toBe('likely');
    expect(classifyField(field({ label: 'Name', name: 'name' }))?.confidence).toBe('certain');
    expect(classifyField(field({ name: 'email' }))?.confidence).toBe('likely');
    expect(classifyField(field({ label: 'Address' }))?.confidence).toBe('likely');
  });

  it('believes the label over the name attribute when they disagree, and says only likely', () => {
    expect(classifyField(field({ label: 'City', name: 'address2' }))).toEqual({ type: 'address-level2', confidence: 'likely', by: 'pattern' });
  });

  it('lets the name narrow a shared label: "Name" over first and last boxes', () => {
    expect(typeOf({ label: 'Name', name: 'first' })).toBe('given-name');
    expect(typeOf({ label: 'Name', name: 'lastName' })).toBe('family-name');
    expect(typeOf({ label: 'Name', placeholder: 'First' })).toBe('given-name');
  });

  it('reads developer names: camelCase, snake_case, brackets', () => {
    expect(typeOf({ name: 'billingAddress[postalCode]' })).toBe('postal-code');
    expect(typeOf({ htmlId: 'txtFirstName' })).toBe('given-name');
    expect(typeOf({ name: 'dob_year' })).toBe('bday-year');
  });
});

describe('the classic traps', () => {
  it('does not take "username", "company name" or "card holder name" for the person’s name', () => {
    expect(typeOf({ label: 'Username' })).toBe('username');
    expect(typeOf({ label: 'Company name' })).toBe('organization');
    expect(typeOf({ label: 'Card holder name', context: 'Payment details' })).toBe('cc-name');
    expect(typeOf({ label: 'School name' })).toBeUndefined();
    expect(typeOf({ label: 'Name of institution' })).toBeUndefined();
  });

  it('reads "email address" as an email, not an address; "state" is not "statement"; "zip" is not "zipper"', () => {
    expect(typeOf({ label: 'Email address' })).toBe('email');
    expect(typeOf({ label: 'Bank statement' })).toBeUndefined();
    expect(typeOf({ label: 'Zipper colour' })).toBeUndefined();
  });

  it('leaves "phone type", fax and extension alone', () => {
    expect(typeOf({ label: 'Phone type' })).toBeUndefined();
    expect(typeOf({ label: 'Fax' })).toBeUndefined();
    expect(typeOf({ label: 'Ext.' })).toBeUndefined();
  });

  it('leaves somebody else’s details to the model: a father’s name in English, Hindi, Arabic and Thai', () => {
    for (const label of ["Father's name", 'पिता का नाम', 'पिता/पति का नाम', 'اسم الأب', 'ชื่อบิดา', "Mother's maiden name", 'Emergency contact phone', "Spouse's email"]) {
      expect(classifyField(field({ label })), label).toBeUndefined();
    }
    expect(classifyField(field({ label: 'Name', context: "Father's details" }))).toBeUndefined();
    expect(classifyField(field({ label: 'Name', name: 'fatherName', autocomplete: 'name' }))).toBeUndefined();
  });

  it('does not let a passing mention in brackets veto the field', () => {
    expect(typeOf({ label: 'Email (we never share it with friends)' })).toBe('email');
  });

  it('leaves identity numbers, places of birth and nationality alone, even with a payment-like word', () => {
    for (const label of ['Aadhaar card number', 'आधार संख्या', 'PAN', 'Passport number', 'Place of birth', 'जन्म स्थान', 'Nationality', 'الجنسية', 'เลขบัตรประชาชน']) {
      expect(classifyField(field({ label })), label).toBeUndefined();
    }
  });

  it('takes "country code" as a dialling code by a phone, and as a country elsewhere', () => {
    expect(typeOf({ label: 'Country code', context: 'Mobile number' })).toBe('tel-country-code');
    expect(typeOf({ label: 'Country code', type: 'tel' })).toBe('tel-country-code');
    expect(typeOf({ control: 'select', type: 'select', label: 'Country code' })).toBe('country');
  });
});

describe('words in Hindi, Thai and Arabic', () => {
  const cases: Array<[string, string]> = [
    ['नाम', 'name'], ['पूरा नाम', 'name'], ['आवेदक का नाम', 'name'], ['पहला नाम', 'given-name'], ['उपनाम', 'family-name'], ['ईमेल पता', 'email'],
    ['मोबाइल नंबर', 'tel'], ['पता', 'address-line1'], ['शहर', 'address-level2'], ['राज्य', 'address-level1'], ['पिन कोड', 'postal-code'],
    ['देश', 'country-name'], ['जन्म तिथि', 'bday'], ['लिंग', 'sex'],
    ['ชื่อ', 'given-name'], ['นามสกุล', 'family-name'], ['ชื่อ-นามสกุล', 'name'], ['อีเมล', 'email'], ['ที่อยู่อีเมล', 'email'], ['เบอร์โทรศัพท์', 'tel'],
    ['ที่อยู่', 'address-line1'], ['จังหวัด', 'address-level1'], ['รหัสไปรษณีย์', 'postal-code'], ['วันเกิด', 'bday'], ['เพศ', 'sex'],
    ['الاسم', 'name'], ['الاسم الكامل', 'name'], ['الاسم الأول', 'given-name'], ['اسم العائلة', 'family-name'], ['البريد الإلكتروني', 'email'],
    ['رقم الجوال', 'tel'], ['العنوان', 'address-line1'], ['المدينة', 'address-level2'], ['الرمز البريدي', 'postal-code'], ['تاريخ الميلاد', 'bday'],
    ['الجنس', 'sex'], ['اسم الشركة', 'organization'],
  ];
  for (const [label, type] of cases) {
    it(`reads "${label}" as ${type}`, () => expect(typeOf({ label })).toBe(type));
  }

  it('does not take the name of a school, a company or a user for the person’s own', () => {
    expect(typeOf({ label: 'विद्यालय का नाम' })).toBeUndefined();
    expect(typeOf({ label: 'ชื่อโรงเรียน' })).toBeUndefined();
    expect(typeOf({ label: 'ชื่อผู้ใช้' })).toBe('username');
    expect(typeOf({ label: 'اسم المستخدم' })).toBe('username');
    expect(typeOf({ label: 'اسم المدرسة' })).toBeUndefined();
  });

  it('reads common Spanish, French, German and Portuguese labels', () => {
    const cases: Array<[string, string]> = [
      ['Nombre completo', 'name'], ['Apellidos', 'family-name'], ['Correo electrónico', 'email'], ['Teléfono', 'tel'], ['Código postal', 'postal-code'],
      ['Prénom', 'given-name'], ['Nom de famille', 'family-name'], ['Ville', 'address-level2'], ['Vorname', 'given-name'], ['Nachname', 'family-name'],
      ['Straße', 'address-line1'], ['PLZ', 'postal-code'], ['Ort', 'address-level2'], ['Sobrenome', 'family-name'], ['Cidade', 'address-level2'],
    ];
    for (const [label, type] of cases) expect(typeOf({ label }), label).toBe(type);
    expect(typeOf({ label: 'Estado civil' })).toBeUndefined();
  });
});

describe('lists classified by their choices', () => {
  it('knows a country list without a label, by names or by codes', () => {
    expect(classifyField(select('', COUNTRIES_BY_CODE))).toEqual({ type: 'country', confidence: 'certain', by: 'options' });
    expect(classifyField(select('', COUNTRIES_BY_NAME))?.type).toBe('country');
  });

  it('reads day, month and year lists as parts of a birth date only when birth is said', () => {
    expect(classifyField(select('Day', [PROMPT, ...DAYS], { context: 'Date of birth' }))?.type).toBe('bday-day');
    expect(classifyField(select('', [PROMPT, ...MONTHS], { name: 'dob_m' }))?.type).toBe('bday-month');
    expect(classifyField(select('Year', [PROMPT, ...YEARS], { context: 'जन्म तिथि' }))?.type).toBe('bday-year');
    expect(classifyField(select('Year', [PROMPT, ...YEARS]))).toBeUndefined();
    expect(classifyField(select('Month', [PROMPT, ...MONTHS], { context: 'Card expiry', label: 'Expiry month' }))?.type).toBe('cc-exp-month');
  });

  it('knows honorific and gender lists by their choices', () => {
    expect(classifyField(select('Title', [PROMPT, { value: 'mr', text: 'Mr' }, { value: 'mrs', text: 'Mrs' }, { value: 'ms', text: 'Ms' }, { value: 'dr', text: 'Dr' }]))?.type).toBe('honorific-prefix');
    expect(classifyField(field({ control: 'radio-group', type: 'radio-group', label: '', options: [{ value: 'M', text: 'पुरुष' }, { value: 'F', text: 'महिला' }] }))?.type).toBe('sex');
  });

  it('never calls a list a name or an email', () => {
    expect(classifyField(select('Name', [{ value: 'a', text: 'A' }, { value: 'b', text: 'B' }]))).toBeUndefined();
  });
});

describe('real-world forms', () => {
  it('a checkout (autocomplete on some fields, labels on the rest)', () => {
    const form = [
      field({ type: 'email', label: 'Email', autocomplete: 'email' }),
      select('Country/Region', COUNTRIES_BY_CODE, { autocomplete: 'shipping country' }),
      field({ label: 'First name (optional)', name: 'firstName', autocomplete: 'shipping given-name' }),
      field({ label: 'Last name', name: 'lastName' }),
      field({ label: 'Company (optional)', name: 'company' }),
      field({ label: 'Address', name: 'address1' }),
      field({ label: 'Apartment, suite, etc. (optional)', name: 'address2' }),
      field({ label: 'City', name: 'city' }),
      field({ control: 'select', type: 'select', label: 'State', name: 'zone', options: [PROMPT, { value: 'CA', text: 'California' }, { value: 'NY', text: 'New York' }] }),
      field({ label: 'ZIP code', name: 'postalCode', type: 'tel' }),
      field({ label: 'Phone', name: 'phone', type: 'tel' }),
      field({ label: 'Card number', name: 'number', context: 'Payment', sensitive: true }),
      field({ label: 'Expiration date (MM / YY)', name: 'expiry', context: 'Payment', sensitive: true }),
      field({ label: 'Security code', name: 'verification_value', context: 'Payment', sensitive: true }),
      field({ label: 'Name on card', name: 'name', context: 'Payment', sensitive: true }),
    ];
    expect(form.map((f) => classifyField(f)?.type)).toEqual([
      'email', 'country', 'given-name', 'family-name', 'organization', 'address-line1', 'address-line2', 'address-level2', 'address-level1',
      'postal-code', 'tel', 'cc-number', 'cc-exp', 'cc-csc', 'cc-name',
    ]);
  });

  it('a sign-up form', () => {
    const form = [
      field({ label: 'Full name', name: 'fullname' }),
      field({ label: 'Username', name: 'login' }),
      field({ type: 'email', label: 'Email' }),
      field({ type: 'password', label: 'Password', context: 'Sign up' }),
      field({ type: 'password', label: 'Repeat password', context: 'Sign up' }),
      field({ type: 'date', label: 'Birthday' }),
      field({ control: 'checkbox', type: 'checkbox', label: 'I agree to the terms' }),
    ];
    expect(form.map((f) => classifyField(f)?.type)).toEqual(['name', 'username', 'email', 'new-password', 'new-password', 'bday', undefined]);
  });

  it('a government application in Hindi', () => {
    const form = [
      field({ label: 'आवेदक का नाम', name: 'applicant_name' }),
      field({ label: 'पिता का नाम', name: 'father_name' }),
      field({ label: 'माता का नाम', name: 'mother_name' }),
      field({ type: 'date', label: 'जन्म तिथि', name: 'dob' }),
      field({ control: 'radio-group', type: 'radio-group', label: 'लिंग', name: 'gender', options: [{ value: 'M', text: 'पुरुष' }, { value: 'F', text: 'महिला' }, { value: 'O', text: 'अन्य' }] }),
      field({ label: 'आधार संख्या', name: 'aadhaar', maxLength: 12 }),
      field({ label: 'मोबाइल नंबर', name: 'mobile', maxLength: 10 }),
      field({ label: 'ईमेल', name: 'email' }),
      field({ control: 'textarea', type: 'textarea', label: 'स्थायी पता', name: 'perm_address' }),
      field({ label: 'जिला', name: 'district' }),
      select('राज्य', [{ value: '', text: '-- राज्य चुनें --' }, { value: 'UP', text: 'उत्तर प्रदेश' }, { value: 'BR', text: 'बिहार' }], { name: 'state' }),
      field({ label: 'पिन कोड', name: 'pincode', maxLength: 6 }),
    ];
    expect(form.map((f) => classifyField(f)?.type)).toEqual([
      'name', undefined, undefined, 'bday', 'sex', undefined, 'tel', 'email', 'street-address', undefined, 'address-level1', 'postal-code',
    ]);
  });

  it('a Thai registration and an Arabic contact form', () => {
    const thai = [
      select('คำนำหน้าชื่อ', [PROMPT, { value: '1', text: 'นาย' }, { value: '2', text: 'นาง' }, { value: '3', text: 'นางสาว' }]),
      field({ label: 'ชื่อ' }),
      field({ label: 'นามสกุล' }),
      field({ label: 'ชื่อบิดา' }),
      field({ label: 'เลขบัตรประชาชน', maxLength: 13 }),
      field({ label: 'วันเกิด (วว/ดด/ปปปป)' }),
      field({ label: 'เบอร์มือถือ', type: 'tel' }),
    ];
    expect(thai.map((f) => classifyField(f)?.type)).toEqual(['honorific-prefix', 'given-name', 'family-name', undefined, undefined, 'bday', 'tel']);
    const arabic = [
      field({ label: 'الاسم الكامل', dir: 'rtl' }),
      field({ label: 'اسم الأب', dir: 'rtl' }),
      field({ label: 'البريد الإلكتروني', dir: 'rtl', type: 'email' }),
      field({ label: 'رقم الهاتف', dir: 'rtl', type: 'tel' }),
      select('الدولة', COUNTRIES_BY_CODE, { dir: 'rtl' }),
      field({ control: 'textarea', type: 'textarea', label: 'الرسالة', dir: 'rtl' }),
    ];
    expect(arabic.map((f) => classifyField(f)?.type)).toEqual(['name', undefined, 'email', 'tel', 'country', undefined]);
  });
});
