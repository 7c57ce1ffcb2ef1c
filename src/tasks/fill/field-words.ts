// The words that tell what a field is for, in the languages Pagewise is built for: English, Hindi (Devanagari),
// Thai and Arabic first, with common Spanish, French, German and Portuguese forms. Written for this project after
// studying how Firefox's and Chromium's autofill heuristics are organised (specific kinds before general ones,
// words that veto a match); none of their lists is copied.
//
// Texts arrive normalised by field-text.ts: `readable` for what a person reads, `attributeWords` for names and
// ids (so `firstName`, `first_name` and `first-name` all read `first name`). `whole` alternatives must stand as
// words; `inside` ones may sit within a word (Thai has no spaces between words, Arabic attaches articles).

import { wordPattern } from './field-text';

/** A payment card is meant (not an identity, health or loyalty card). */
export const CARD_WORDS = wordPattern(
  ['cards?', 'credit', 'debit', 'cc', 'cc ?(?:num|number|no|name|exp|csc|cvv)', 'payment', 'kredit\\p{L}*', 'karte', 'tarjeta', 'carte', 'cart[aã]o'],
  ['कार्ड', 'บัตร', 'بطاقة', 'ائتمان', 'ccnum', 'cardnum'],
);
export const NOT_PAYMENT_CARD = wordPattern(
  ['id', 'identity', 'aadhaa?r', 'pan', 'ration', 'voter', 'library', 'gift', 'loyalty', 'members?(?:hip)?', 'student', 'health', 'insurance', 'national', 'sim', 'business', 'visiting'],
  ['आधार', 'पहचान', 'मतदाता', 'राशन', 'पैन', 'ประชาชน', 'ประจำตัว', 'สมาชิก', 'الهوية', 'الشخصية', 'الوطنية', 'المدنية', 'الصحية', 'الإقامة'],
);

/** Someone other than the person filling: their father, a nominee, an emergency contact. Their details are not in the profile. */
export const OTHER_PERSON = wordPattern([
  "fathers?", "mothers?", 'parents?', 'guardians?', 'spouses?', 'husbands?', 'wife', 'wives', 'sons?', 'daughters?', 'child(?:ren)?',
  'kids?', 'brothers?', 'sisters?', 'siblings?', 'relatives?', 'nominees?', 'beneficiar(?:y|ies)', 'emergency', 'next of kin', 'kin',
  'references?', 'referees?', 'witness(?:es)?', 'co ?-?applicants?', 'co ?-?signers?', 'guarantors?', 'friends?', '[sdw] ?/ ?o',
  'padre', 'madre', 'p[eè]re', 'm[eè]re', 'vater', 'mutter', 'pai', 'm[aã]e', 'c[oó]nyuge', 'conjoint', 'ehepartner', 'tuteur',
  'notfall', 'urgence', 'emergencia', 'emerg[eê]ncia',
  // Hindi
  'पिता', 'पिताजी', 'माता', 'माताजी', 'माँ', 'मां', 'पति', 'पत्नी', 'अभिभावक', 'संरक्षक', 'नामांकित', 'नामिती', 'नॉमिनी', 'आश्रित',
  'पुत्र', 'पुत्री', 'बेटा', 'बेटी', 'भाई', 'बहन', 'रिश्तेदार', 'संबंधी', 'गवाह', 'साक्षी', 'आपातकालीन', 'मित्र', 'दोस्त', 'जीवनसाथी',
  // Arabic (whole words: الأم must not match الأمان, nor الأخ الأخير)
  'الأب', 'الاب', 'الوالد', 'والد', 'الأم', 'الام', 'الوالدة', 'والدة', 'الزوج', 'الزوجة', 'زوج', 'زوجة', 'ولي', 'الوصي', 'الابن',
  'ابن', 'الابنة', 'ابنة', 'الأخ', 'الأخت', 'أخت', 'قريب', 'الأقارب', 'الكفيل', 'كفيل', 'المستفيد', 'مستفيد', 'الشاهد', 'شاهد',
  'الطوارئ', 'طوارئ', 'صديق', 'الصديق',
], [
  // Thai (no spaces between words); ลูกค้า is "customer", the person filling
  'บิดา', 'มารดา', 'พ่อ', 'แม่', 'คู่สมรส', 'สามี', 'ภรรยา', 'ผู้ปกครอง', 'บุตร', 'ลูก(?!ค้า)', 'พี่น้อง', 'ญาติ', 'พยาน',
  'ผู้รับผลประโยชน์', 'ฉุกเฉิน', 'เพื่อน', 'ผู้ค้ำ',
]);

/** Fields Pagewise never fills from the profile: identity numbers, places of birth, promotions, other numbers of the person. */
export const NOT_PROFILE = wordPattern([
  'fax', 'telefax', 'pager', 'ext', 'extension', 'durchwahl', 'captcha', 'coupon', 'promo(?: ?code)?', 'vouchers?', 'discount',
  'gift ?cards?', 'referr(?:al|er)', 'invit(?:e|ation) ?code', 'aadhaa?r', 'pan', 'passport', 'licen[cs]e', 'voter', 'ssn', 'social security',
  'tax ?id', 'tin', 'gstin?', 'vat', 'national ?id', 'id ?(?:number|no)', 'iban', 'ifsc', 'swift', 'bic', 'account ?(?:number|no)', 'routing',
  'sort ?code', 'website', 'web ?site', 'homepage', 'url', 'web address', 'ip address', 'mac address', 'wallet', 'nationality', 'citizenship',
  'maiden', 'former', 'previous', 'alias', 'nick ?name', 'display ?name', 'screen ?name', 'alternat(?:e|ive)', 'secondary', 'religion', 'caste',
  'blood', 'marital', 'estado civil', 'relation(?:ship)?', '(?:phone|tel|telephone|mobile|number|contact) ?(?:type|kind)',
  'type of (?:phone|number)', '(?:place|city|town|country|state) of birth', 'birth ?(?:place|city|town|country|state)', 'geburtsort',
  'lugar de nacimiento', 'lieu de naissance', 'local de nascimento', 'naturalidade',
  // Hindi
  'आधार', 'पैन', 'पासपोर्ट', 'मतदाता', 'राष्ट्रीयता', 'नागरिकता', 'जन्म ?स्थान', 'धर्म', 'जाति', 'श्रेणी', 'वैवाहिक', 'रक्त', 'कैप्चा', 'फैक्स',
  'वैकल्पिक (?:मोबाइल|फ़ोन|फोन|नंबर|ईमेल)',
  // Arabic
  'الجنسية', 'جواز السفر', 'رقم الجواز', 'الهوية', 'الرقم القومي', 'الرقم الوطني', 'رقم الإقامة', 'مكان الميلاد', 'محل الميلاد',
  'مكان الولادة', 'الديانة', 'الحالة الاجتماعية', 'فصيلة الدم', 'فاكس', 'كوبون', 'رمز الخصم',
], [
  // Thai
  'บัตรประชาชน', 'ประจำตัวประชาชน', 'หนังสือเดินทาง', 'สัญชาติ', 'เชื้อชาติ', 'ศาสนา', 'สถานที่เกิด', 'กรุ๊ปเลือด', 'หมู่เลือด', 'สถานภาพ',
  'แฟกซ์', 'โทรสาร', 'ส่วนลด', 'คูปอง', 'ชื่อเล่น',
]);

/** Words of fields that are not profile data either, but which only tip a vague match ("Notes about the address"). */
export const ASIDE = wordPattern([
  'messages?', 'comments?', 'remarks?', 'notes?', 'subject', 'search', 'suche', 'buscar', 'rechercher', 'amount', 'quantity', 'qty', 'price',
  'age', 'height', 'weight', 'instructions?', 'टिप्पणी', 'संदेश', 'आयु', 'उम्र', 'الرسالة', 'رسالة', 'ملاحظات', 'تعليق', 'بحث', 'العمر',
], ['ข้อความ', 'หมายเหตุ', 'ค้นหา', 'อายุ', 'ส่วนสูง', 'น้ำหนัก']);

/** A date of birth is meant. Compounds that mean "birthday" are whole here so the part words below do not see their "day". */
export const BIRTH_WORDS = wordPattern(
  ['birth ?days?', 'birth ?dates?', 'birth', 'b ?days?', 'dob', 'd\\.? ?o\\.? ?b\\.?', 'geburts\\p{L}*', 'geburt', 'nacimiento', 'naissance',
    'nascimento', 'जन्म ?दिन', 'जन्मदिन', 'जन्मतिथि', 'जन्म', 'عيد الميلاد', 'الميلاد', 'ميلاد', 'الولادة', 'ولادة'],
  ['วันเกิด', 'เกิด'],
);
/** A card's expiry is meant. */
export const EXPIRY_WORDS = wordPattern(
  ['exp', 'expiry', 'expir(?:ation|es?|y date)', 'valid ?(?:thru|through|until|till|to)', 'good thru', 'ablauf\\p{L}*', 'g[üu]ltig bis',
    'vencimiento', 'caducidad', 'expiraci[oó]n', "date d'expiration", 'validit[ée]', 'validade', 'vencimento', 'mm ?/ ?yy(?:yy)?',
    'समाप्ति', 'एक्सपायरी', 'वैधता', 'تاريخ الانتهاء', 'انتهاء', 'الانتهاء', 'الصلاحية'],
  ['หมดอายุ'],
);
export const DAY_WORDS = wordPattern(['day', 'dd', 'd', 'dia', 'día', 'jour', 'jj', 'tag', 'tt', 'giorno', 'दिन', 'يوم', 'اليوم'], ['วัน']);
export const MONTH_WORDS = wordPattern(
  ['months?', 'mm', 'm', 'mon', 'mo', 'mes', 'mois', 'monat', 'm[eê]s', 'mese', 'माह', 'महीना', 'मास', 'شهر', 'الشهر'],
  ['เดือน'],
);
export const YEAR_WORDS = wordPattern(
  ['years?', 'yyyy', 'yy', 'y', 'yr', 'a[ñn]o', 'ann[ée]e', 'jahr', 'jjjj', 'aaaa', 'anno', 'वर्ष', 'साल', 'सन्', 'سنة', 'السنة', 'العام', 'عام'],
  ['ปี'],
);

/** A telephone is meant (as a whole). */
export const PHONE_WORDS = wordPattern(
  ['phones?', 'telephone', 'tel', 'tel ?no', 'mobiles?', 'mob', 'cell', 'cell ?phone', 'landline', 'contact ?(?:no|number|phone)', 'whats ?app',
    'telefon\\p{L}*', 'handy', 'mobil\\p{L}*', 'tel[eé]fono', 't[eé]l[eé]phone', 'portable', 'm[oó]vil', 'celular', 'telem[oó]vel', 'telefone',
    'फ़ोन', 'फोन', 'मोबाइल', 'मोबाईल', 'दूरभाष', 'संपर्क (?:नंबर|संख्या|सूत्र)', 'هاتف', 'الهاتف', 'جوال', 'الجوال', 'موبايل', 'الموبايل',
    'محمول', 'المحمول', 'رقم التواصل', 'رقم الاتصال'],
  ['โทรศัพท์', 'เบอร์โทร', 'มือถือ', 'เบอร์', 'โทร'],
);

/** The form creates an account: its password field wants a new password. */
export const SIGN_UP_WORDS = wordPattern(
  ['sign ?up', 'register', 'registration', 'create (?:an |your )?account', 'new account', 'join', 'enrol(?:l|ment)?', 'registrieren',
    'konto erstellen', 'registro', 'reg[ií]strate', 'crear cuenta', 'inscription', "s'inscrire", 'cadastro', 'cadastre-se', 'criar conta',
    'रजिस्टर', 'पंजीकरण', 'पंजीयन', 'खाता बनाएं', 'खाता बनाएँ', 'التسجيل', 'إنشاء حساب', 'انشاء حساب', 'حساب جديد'],
  ['สมัครสมาชิก', 'ลงทะเบียน', 'สร้างบัญชี'],
);
