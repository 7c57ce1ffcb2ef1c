// What one text of a field (its label, placeholder, or name/id as words) says the field is for. Rules run from
// the most specific to the most general, so "email address" is an email before it can be an address, "company
// name" an organization before it can be a name, and "card holder name" a card field before either; words that
// veto a match (an identity number, somebody else's details) are checked first of all.

import type { FieldControl } from '../../protocol/commands/fill-commands';
import type { FieldType } from './field-types';
import { wordPattern } from './field-text';
import {
  ASIDE,
  BIRTH_WORDS,
  DAY_WORDS,
  EXPIRY_WORDS,
  MONTH_WORDS,
  NOT_PROFILE,
  OTHER_PERSON,
  PHONE_WORDS,
  YEAR_WORDS,
} from './field-words';

/** What the field's other texts and its surroundings say, which qualifies what one text means. */
export interface FieldSignals {
  control: FieldControl;
  /** A payment card is meant somewhere in the field's texts or its group's heading. */
  card: boolean;
  /** A date of birth is meant by the group's heading (a fieldset "Date of birth" around Day, Month, Year). */
  birthAround: boolean;
  /** A card's expiry is meant by the group's heading. */
  expiryAround: boolean;
  /** A telephone is meant somewhere in the field's texts or its heading, or it is an `<input type=tel>`. */
  phone: boolean;
  /** The form creates an account. */
  signUp: boolean;
}

/** A kind, and whether the words were unmistakable (`strong`) or only suggestive ("Name", "Address"). */
export type Verdict = { type: FieldType; strong: boolean } | 'ignore';

type Rule = (text: string, signals: FieldSignals) => Verdict | undefined;

const strong = (type: FieldType): Verdict => ({ type, strong: true });
const weak = (type: FieldType): Verdict => ({ type, strong: false });

/** A rule from two word lists: unmistakable words and merely suggestive ones. */
function words(type: FieldType, sure: RegExp, maybe?: RegExp, when?: (signals: FieldSignals) => boolean): Rule {
  return (text, signals) => {
    if (when && !when(signals)) return undefined;
    if (sure.test(text)) return strong(type);
    if (maybe?.test(text)) return weak(type);
    return undefined;
  };
}

const CARD_NAME = wordPattern(
  ['name on (?:the )?card', 'card ?holder(?:s|\'s)?(?: name)?', 'holder ?name', 'name of (?:the )?card ?holder', 'cc ?name', 'card ?name',
    'nombre del titular', 'titular de la tarjeta', 'titulaire(?: de la carte)?', 'karteninhaber(?:in)?', 'nome (?:no|do) cart[aã]o', 'nome do titular'],
  ['कार्ड पर नाम', 'कार्डधारक', 'कार्ड धारक', 'ชื่อบนบัตร', 'ชื่อผู้ถือบัตร', 'ชื่อเจ้าของบัตร', 'الاسم على البطاقة', 'حامل البطاقة', 'صاحب البطاقة'],
);
const CARD_NUMBER = wordPattern(
  ['card ?(?:number|no|num|nr)', 'cc ?(?:number|num|no|nr)', 'ccnum', 'ccno', 'cardnum', '(?:credit|debit) ?card(?: number)?', 'kartennummer',
    'n[uú]mero de (?:la )?tarjeta', 'num[eé]ro (?:de )?(?:la )?carte', 'n[uú]mero do cart[aã]o'],
  ['कार्ड नंबर', 'कार्ड संख्या', 'कार्ड क्रमांक', 'หมายเลขบัตร', 'เลขที่บัตร', 'เลขบัตร', 'رقم البطاقة', 'رقم بطاقة'],
);
const CARD_CODE = wordPattern(['cvv2?', 'cvc2?', 'csc', 'cvn', 'cav2', 'card ?verification(?: ?(?:code|value|number))?', 'kartenpr[üu]fnummer', 'cryptogramme'], ['सीवीवी']);
const CARD_CODE_MAYBE = wordPattern(
  ['security ?code', 'verification ?(?:code|number|value)', 'pr[üu]fnummer', 'c[oó]digo de seguridad', 'code de s[ée]curit[ée]', 'c[oó]digo de seguran[cç]a'],
  ['รหัสความปลอดภัย', 'รหัสหลังบัตร', 'รหัส ?cvv', 'رمز الأمان', 'رمز التحقق'],
);

function cardExpiry(text: string, signals: FieldSignals): Verdict | undefined {
  if (!signals.card) return undefined;
  const own = EXPIRY_WORDS.test(text);
  if (!own && !signals.expiryAround) return undefined;
  const rest = text.replace(new RegExp(EXPIRY_WORDS.source, 'giu'), ' ');
  const month = MONTH_WORDS.test(rest);
  const year = YEAR_WORDS.test(rest);
  if (month && !year) return strong('cc-exp-month');
  if (year && !month) return strong('cc-exp-year');
  return own ? strong('cc-exp') : undefined;
}

const ONE_TIME_CODE = wordPattern(
  ['otp', 'one[ -]?time ?(?:code|password|passcode|pin)', 'verification ?code', 'verify ?code', 'confirmation ?code', '2fa', 'two[ -]?factor',
    'mfa', 'authenticat(?:ion|or) ?code', 'sms ?code', 'c[oó]digo de verificaci[oó]n', 'code de v[ée]rification', 'best[äa]tigungscode',
    'verifizierungscode', 'c[oó]digo de verifica[cç][aã]o', 'ओटीपी', 'सत्यापन कोड', 'एक बार का पासवर्ड', 'رمز التحقق', 'رمز التأكيد',
    'كلمة المرور لمرة واحدة', 'الرمز المرسل'],
  ['รหัสยืนยัน', 'รหัสผ่านครั้งเดียว', 'รหัส ?otp', '(?<![a-z])otp(?![a-z])'],
);

const PASSWORD = wordPattern(
  ['pass ?words?', 'passwort', 'passwd', 'pwd', 'pswd', 'pass', 'passcode', 'kennwort', 'contrase[ñn]a', 'mot de passe', 'senha', 'parola',
    'पासवर्ड', 'कूटशब्द', 'كلمة المرور', 'كلمة السر', 'كلمه المرور', 'كلمة مرور'],
  ['รหัสผ่าน'],
);
const NEW_PASSWORD = wordPattern(
  ['new', 'confirm(?:ation)?', 'repeat', 're ?-?enter', 're ?-?type', 'again', 'verify', 'create', 'choose', 'set', 'nuev[ao]', 'nouve(?:au|lle)',
    'neue?s?', 'confirmar', 'confirmer', 'best[äa]tigen', 'wiederholen', 'repetir', 'r[ée]p[ée]ter', 'nov[ao]',
    'नया', 'नई', 'पुष्टि', 'दोबारा', 'फिर से', 'पुनः', 'جديدة', 'جديد', 'تأكيد', 'أعد', 'إعادة', 'اعادة'],
  ['ใหม่', 'ยืนยัน', 'อีกครั้ง'],
);
const CURRENT_PASSWORD = wordPattern(
  ['current', 'old', 'existing', 'present', 'actual', 'actuel(?:le)?', 'aktuell(?:es)?', 'atual', 'antigu[ao]', 'ancien', 'वर्तमान', 'पुराना',
    'मौजूदा', 'الحالية', 'القديمة', 'الحالي'],
  ['ปัจจุบัน', 'เดิม', 'เก่า'],
);

function password(text: string, signals: FieldSignals): Verdict | undefined {
  if (!PASSWORD.test(text)) return undefined;
  if (CURRENT_PASSWORD.test(text)) return strong('current-password');
  if (NEW_PASSWORD.test(text)) return strong('new-password');
  return weak(signals.signUp ? 'new-password' : 'current-password');
}

const EMAIL = wordPattern(
  ['e[ -]?mails?', 'e[ -]?mail ?(?:address|id)', 'courriel', 'correo(?: electr[oó]nico)?', 'e[ -]?post', 'ईमेल', 'ई-मेल', 'ई मेल', 'इमेल',
    'ई-मेल आईडी', 'البريد الإلكتروني', 'البريد الالكتروني', 'بريد إلكتروني', 'بريد الكتروني', 'الإيميل', 'الايميل', 'ايميل', 'إيميل'],
  ['อีเมล', 'อีเมล์'],
);
const EMAIL_MAYBE = wordPattern(['mail']);

const USERNAME = wordPattern(
  ['user ?names?', 'user ?id', 'userid', 'log ?in ?(?:name|id)', 'sign ?in ?(?:name|id)', 'benutzer(?:name|kennung)?', "nom d'utilisateur",
    'identifiant', 'nombre de usuario', 'usu[aá]rio', 'usuario', 'utente', 'उपयोगकर्ता (?:नाम|आईडी)', 'यूज़र ?नेम', 'यूजर ?नेम', 'यूज़रनेम',
    'यूजरनेम', 'लॉगिन आईडी', 'اسم المستخدم', 'معرف المستخدم'],
  ['ชื่อผู้ใช้', 'ไอดีผู้ใช้'],
);
const USERNAME_MAYBE = wordPattern(['log ?in', 'लॉगिन']);

const CALLING_CODE = wordPattern(
  ['(?:dial(?:l)?ing|calling|international|isd|phone|tel(?:ephone)?|mobile) ?(?:country ?)?(?:code|prefix)', 'country ?calling ?code',
    'l[äa]ndervorwahl', 'indicatif(?: (?:pays|international))?', 'prefijo(?: internacional)?', 'आईएसडी', 'مفتاح الدولة',
    'مفتاح الاتصال', 'رمز الاتصال الدولي'],
);
const COUNTRY_CODE = wordPattern(
  ['country ?code', 'c[oó]digo (?:de )?pa[ií]s', 'code pays', 'देश कोड', 'कंट्री कोड', 'رمز الدولة', 'رمز البلد'],
  ['รหัสประเทศ'],
);
function countryCode(text: string, signals: FieldSignals): Verdict | undefined {
  if (CALLING_CODE.test(text)) return strong('tel-country-code');
  if (!COUNTRY_CODE.test(text)) return undefined;
  return signals.phone ? strong('tel-country-code') : weak('country');
}

const AREA_CODE = wordPattern(
  ['area ?code', 'std ?code', 'vorwahl', 'c[oó]digo de [aá]rea', 'indicatif r[ée]gional', 'ddd', 'एसटीडी कोड', 'क्षेत्र कोड', 'رمز المنطقة', 'مفتاح المنطقة'],
  ['รหัสพื้นที่'],
);

function birthDate(text: string, signals: FieldSignals): Verdict | undefined {
  const own = BIRTH_WORDS.test(text);
  if (!own && !signals.birthAround) return undefined;
  const rest = text.replace(new RegExp(BIRTH_WORDS.source, 'giu'), ' ');
  const parts = [DAY_WORDS.test(rest) && 'bday-day', MONTH_WORDS.test(rest) && 'bday-month', YEAR_WORDS.test(rest) && 'bday-year'].filter(
    (part): part is 'bday-day' | 'bday-month' | 'bday-year' => Boolean(part),
  );
  if (parts.length === 1) return strong(parts[0]!);
  return own ? strong('bday') : undefined;
}

const POSTAL_CODE = wordPattern(
  ['zip', 'zip ?code', 'zipcode', 'postal ?code', 'postal(?! address)', 'post ?code', 'pin ?code', 'pincode', 'plz', 'postleitzahl', 'code postal',
    'cp', 'c[oó]digo postal', 'cep', 'cap', 'पिन ?कोड', 'पिनकोड', 'डाक कोड', 'डाक सूचक', 'الرمز البريدي', 'رمز بريدي', 'الرقم البريدي', 'رمز البريد'],
  ['รหัสไปรษณีย์'],
);

const LINE2 = wordPattern(
  ['address ?line ?(?:2|two)', 'address ?(?:2|two)', 'addr ?2', 'line ?2', 'street ?2', 'पता (?:पंक्ति|लाइन) ?(?:2|२)', '(?:पंक्ति|लाइन) ?(?:2|२)',
    'العنوان ?2', 'سطر العنوان ?2', 'السطر الثاني'],
  ['บรรทัด(?:ที่)? ?2', 'ที่อยู่ ?2'],
);
const LINE1 = wordPattern(
  ['address ?line ?(?:1|one)', 'address ?(?:1|one)', 'addr ?1', 'line ?1', 'street ?1', 'पता (?:पंक्ति|लाइन) ?(?:1|१)', '(?:पंक्ति|लाइन) ?(?:1|१)',
    'العنوان ?1', 'سطر العنوان ?1', 'السطر الأول'],
  ['บรรทัด(?:ที่)? ?1', 'ที่อยู่ ?1'],
);
const STREET = wordPattern(
  ['street(?: ?(?:address|name|line))?', 'str', 'stra(?:ss|ß)e', 'hausnummer', 'house ?(?:no|number|num|name)', 'door ?no', 'flat ?(?:no|number)',
    'calle', 'rue', 'rua', 'avenida', 'मकान(?: (?:नंबर|नं|संख्या))?', 'गली', 'सड़क', 'الشارع', 'شارع', 'رقم المنزل'],
  ['บ้านเลขที่', 'ถนน'],
);
const UNIT = wordPattern(
  ['apartment', 'apt', 'suite', 'unit', 'landmark', 'floor', 'adresszusatz', 'complemento', 'appartement', 'piso', 'depto', 'निकटतम स्थान',
    'लैंडमार्क', 'الشقة', 'شقة', 'معلم'],
  ['จุดสังเกต', 'ห้อง', 'ชั้น'],
);
const CITY = wordPattern(
  ['city', 'town', 'village', 'suburb', 'locality', 'ciudad', 'ville', 'stadt', 'ort', 'cidade', 'citt[aà]', 'localidad', 'municipio',
    'commune', 'gemeinde', 'शहर', 'नगर', 'गाँव', 'गांव', 'ग्राम', 'कस्बा', 'المدينة', 'مدينة'],
  ['เมือง'],
);
const REGION = wordPattern(
  ['states?', 'province', 'region', 'county', 'prefecture', 'territory', 'estado', 'provincia', 'r[ée]gion', 'bundesland', 'kanton',
    'departamento', 'emirate', 'governorate', 'राज्य', 'प्रदेश', 'प्रान्त', 'प्रांत', 'الولاية', 'ولاية', 'المحافظة', 'محافظة', 'الإمارة',
    'الامارة', 'المنطقة', 'منطقة', 'الإقليم', 'إقليم'],
  ['จังหวัด', 'รัฐ'],
);
const NOT_REGION = wordPattern(['united ?states?']);
const COUNTRY = wordPattern(
  ['country', 'countries', 'nation', 'pa[ií]s', 'pays', 'land', 'paese', 'staat', 'देश', 'राष्ट्र', 'الدولة', 'دولة', 'البلد', 'بلد'],
  ['ประเทศ'],
);
const ADDRESS = wordPattern(
  ['street ?address', 'mailing ?address', 'postal ?address', 'home ?address', 'residential ?address', 'shipping ?address', 'billing ?address',
    'delivery ?address', 'permanent ?address', 'adresse postale', 'पूरा पता', 'स्थायी पता', 'العنوان الكامل'],
);
const ADDRESS_MAYBE = wordPattern(
  ['address(?:es)?', 'addr', 'adresse', 'direcci[oó]n', 'endere[cç]o', 'indirizzo', 'anschrift', 'पता', 'ठिकाना', 'العنوان', 'عنوان'],
  ['ที่อยู่'],
);
function address(text: string, signals: FieldSignals): Verdict | undefined {
  const sure = ADDRESS.test(text);
  if (!sure && !ADDRESS_MAYBE.test(text)) return undefined;
  const type = signals.control === 'textarea' ? 'street-address' : 'address-line1';
  return sure ? strong(type) : weak(type);
}

const JOB_TITLE = wordPattern(
  ['job ?title', 'job ?role', 'designation', 'jobtitel', 'berufsbezeichnung', 'cargo', 'puesto', 'पदनाम', 'पद', 'المسمى الوظيفي'],
  ['ตำแหน่ง'],
);
const JOB_TITLE_MAYBE = wordPattern(['position', 'occupation', 'profession', 'role', 'beruf', 'poste', 'fonction', 'fun[cç][aã]o', 'व्यवसाय', 'पेशा', 'الوظيفة', 'المهنة'], ['อาชีพ']);

const ORGANIZATION = wordPattern(
  ['company(?: ?name)?', 'organi[sz]ations?(?: ?name)?', 'employer(?: ?name)?', 'business ?name', 'firm', 'firma', 'firmenname', 'unternehmen',
    'empresa', 'soci[ée]t[ée]', 'entreprise', 'azienda', 'कंपनी', 'संगठन', 'संस्था', 'संस्थान', 'नियोक्ता', 'الشركة', 'شركة', 'المؤسسة',
    'مؤسسة', 'جهة العمل'],
  ['บริษัท', 'องค์กร', 'หน่วยงาน'],
);

const HONORIFIC = wordPattern(['salutation', 'honorific', 'anrede', 'civilit[ée]', 'tratamiento', 'संबोधन'], ['คำนำหน้า']);
const SEX = wordPattern(['gender', 'sex', 'geschlecht', 'sexo', 'sexe', 'genre', 'लिंग', 'الجنس'], ['เพศ']);

// Names. A bare "name" is the person's own only when nothing says whose: "school name", "father's name",
// "name of institution", "विद्यालय का नाम", "ชื่อบริษัท" and "اسم الشركة" all name something else.
const FULL_NAME = wordPattern(
  ['full ?name', 'fullname', 'your ?(?:full ?)?name', 'complete ?name', 'legal ?name', "(?:applicant|candidate)(?:'?s)? ?name", 'name of (?:the )?(?:applicant|candidate)',
    'nombre completo', 'nom complet', 'vollst[äa]ndiger name', 'nome completo', 'पूरा नाम', 'पूर्ण नाम', 'आपका नाम',
    '(?:आवेदक|आवेदिका|उम्मीदवार|अभ्यर्थी|प्रार्थी) (?:का )?नाम', 'الاسم الكامل', 'الاسم بالكامل', 'الاسم الثلاثي', 'الاسم الرباعي', 'اسمك الكامل'],
  ['ชื่อ ?-? ?นามสกุล', 'ชื่อ ?-? ?สกุล', 'ชื่อและนามสกุล', 'ชื่อเต็ม'],
);
const GIVEN_NAME = wordPattern(
  ['first ?name', 'firstname', 'given ?name', 'fore ?name', 'f ?name', 'vorname', 'pr[ée]nom', 'primer nombre', 'primeiro nome', 'nome pr[oó]prio',
    'पहला नाम', 'प्रथम नाम', 'الاسم الأول', 'الإسم الأول', 'الاسم الاول', 'اسمك الأول'],
  ['ชื่อจริง', 'ชื่อตัว'],
);
const ADDITIONAL_NAME = wordPattern(
  ['middle ?names?', 'middle ?initials?', 'm ?name', 'segundo nombre', 'zweiter vorname', 'nome do meio', 'मध्य नाम', 'बीच का नाम', 'الاسم الأوسط', 'الاسم الاوسط'],
  ['ชื่อกลาง'],
);
const FAMILY_NAME = wordPattern(
  ['last ?name', 'lastname', 'sur ?name', 'family ?name', 'l ?name', 's ?name', 'nachname', 'familienname', 'nom de famille', 'apellidos?',
    'sobrenome', 'apelido', 'cognome', 'achternaam', 'उपनाम', 'कुलनाम', 'अंतिम नाम', 'सरनेम', 'اسم العائلة', 'الاسم الأخير', 'الاسم الاخير',
    'اسم الأسرة', 'الكنية', 'اللقب'],
  ['(?<!ชื่อ ?-? ?)นามสกุล', '(?<!ชื่อ ?-? ?)(?<!นาม)สกุล'],
);
/** Fields that show only "First" / "Last" under a shared "Name" label. */
const BARE_GIVEN = /^(?:first|given)$/u;
const BARE_FAMILY = /^(?:last|family|nom)$/u;
const BARE_SPANISH_GIVEN = /^nombres?$/u;

const NAME_WORD = wordPattern(['names?', 'nome', 'nombres?', 'nom', 'naam', 'नाम', 'الاسم', 'الإسم', 'اسمك']);
/** Words that, standing before "name", make it the name of something or someone else. */
const NAME_OF_SOMETHING = new RegExp(
  "(?:^|[\\s(])(?:file|pet|bank|branch|school|college|university|institute|institution|product|event|project|team|domain|host|account|" +
    'display|screen|nick|business|brand|store|shop|course|device|group|street|road|village|building|site|page|list|app|model|plan|item|' +
    "hotel|ship|vessel|property|card|city|country|state|district|town|(?!(?:your|applicant|candidate|customer|user|person|contact)'s)\\p{L}+'s)\\s*names?(?![\\p{L}])",
  'iu',
);
const NAME_OF_WHOM = /(?:^|\s)names? of (?!(?:the )?(?:applicant|candidate))/iu;
const HINDI_WHOSE = /(\S+) (?:का|की|के) नाम/u;
const HINDI_SELF = new Set(['आवेदक', 'आवेदिका', 'उम्मीदवार', 'अभ्यर्थी', 'प्रार्थी', 'ग्राहक', 'आप']);
/** Arabic "اسم X" (X's name, without the article on اسم) is something else's name, unless X is one of these. */
const ARABIC_NAME_OF = /(?:^|\s)اسم\s+\S/u;
/** Thai "ชื่อX" is X's name unless X is one of the words that make it the person's own. */
const THAI_NAME = /ชื่อ(?=$|[\s\-–:*(/]|จริง|ตัว|และ|นามสกุล|สกุล|ผู้สมัคร|ของ(?:คุณ|ท่าน)|ภาษา)/u;
const THAI_NAME_ANY = /ชื่อ/u;

function names(text: string): Verdict | undefined {
  if (FULL_NAME.test(text)) return strong('name');
  if (ADDITIONAL_NAME.test(text)) return strong('additional-name');
  if (GIVEN_NAME.test(text)) return strong('given-name');
  if (FAMILY_NAME.test(text)) return strong('family-name');
  const bare = text.replace(/[*:：()[\]]/g, ' ').trim();
  if (BARE_GIVEN.test(bare) || BARE_SPANISH_GIVEN.test(bare)) return weak('given-name');
  if (BARE_FAMILY.test(bare)) return weak('family-name');
  if (THAI_NAME_ANY.test(text)) return THAI_NAME.test(text) ? weak('given-name') : 'ignore';
  if (!NAME_WORD.test(text)) return undefined;
  if (NAME_OF_SOMETHING.test(text) || NAME_OF_WHOM.test(text) || ARABIC_NAME_OF.test(text)) return 'ignore';
  const whose = HINDI_WHOSE.exec(text);
  if (whose && !HINDI_SELF.has(whose[1]!)) return 'ignore';
  return weak('name');
}

/**
 * The head of a text, before an aside: "Email (we never share it with friends)" speaks of friends only in passing.
 * Vetoes count only there.
 */
function head(text: string): string {
  return text.split(/\s*(?:[([{]|\s[-–—]\s|[.;!?](?:\s|$))/u)[0] ?? text;
}

const RULES: Rule[] = [
  (text) => {
    const start = head(text);
    return NOT_PROFILE.test(start) || OTHER_PERSON.test(start) ? 'ignore' : undefined;
  },
  words('cc-csc', CARD_CODE),
  words('cc-name', CARD_NAME, undefined, (s) => s.card),
  words('cc-number', CARD_NUMBER, undefined, (s) => s.card),
  cardExpiry,
  words('cc-csc', CARD_CODE_MAYBE, undefined, (s) => s.card),
  words('one-time-code', ONE_TIME_CODE, CARD_CODE_MAYBE),
  password,
  words('email', EMAIL, EMAIL_MAYBE),
  words('username', USERNAME, USERNAME_MAYBE),
  countryCode,
  words('tel-area-code', AREA_CODE),
  words('tel', PHONE_WORDS),
  birthDate,
  words('postal-code', POSTAL_CODE),
  words('address-line2', LINE2),
  words('address-line1', LINE1),
  words('address-line1', STREET),
  words('address-line2', UNIT),
  words('address-level2', CITY),
  (text) => (REGION.test(text) && !NOT_REGION.test(text) ? strong('address-level1') : undefined),
  (text, signals) => (COUNTRY.test(text) ? strong(signals.control === 'input' || signals.control === 'textarea' ? 'country-name' : 'country') : undefined),
  address,
  words('organization-title', JOB_TITLE, JOB_TITLE_MAYBE),
  words('organization', ORGANIZATION),
  words('honorific-prefix', HONORIFIC),
  words('sex', SEX),
  names,
];

/** What one text says the field is for; `ignore` when it names something the profile never fills. */
export function readFieldText(text: string, signals: FieldSignals): Verdict | undefined {
  if (!text) return undefined;
  for (const rule of RULES) {
    const verdict = rule(text, signals);
    if (verdict) return verdict !== 'ignore' && !verdict.strong && ASIDE.test(head(text)) ? 'ignore' : verdict;
  }
  return undefined;
}
