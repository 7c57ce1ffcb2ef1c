// Countries by ISO 3166 code, from whatever a person or a page writes for one: "US", "USA", "United States of
// America", "संयुक्त राज्य", "สหรัฐอเมริกา", "الولايات المتحدة". Names come from the runtime's own CLDR data
// (Intl.DisplayNames), so no name list ships with the extension; only the alpha-3 codes, which Intl cannot map,
// and the everyday names CLDR does not use ("UK", "UAE", "Korea, Republic of") are written here.

import { folded } from './field-text';

/** ISO 3166-1 alpha-2 → alpha-3, plus XK (Kosovo), which most lists carry. */
const ALPHA3 =
  'AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS AW ABW AX ALA AZ AZE ' +
  'BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM BM BMU BN BRN BO BOL BQ BES BR BRA BS BHS ' +
  'BT BTN BV BVT BW BWA BY BLR BZ BLZ CA CAN CC CCK CD COD CF CAF CG COG CH CHE CI CIV CK COK CL CHL CM CMR CN CHN ' +
  'CO COL CR CRI CU CUB CV CPV CW CUW CX CXR CY CYP CZ CZE DE DEU DJ DJI DK DNK DM DMA DO DOM DZ DZA EC ECU EE EST ' +
  'EG EGY EH ESH ER ERI ES ESP ET ETH FI FIN FJ FJI FK FLK FM FSM FO FRO FR FRA GA GAB GB GBR GD GRD GE GEO GF GUF ' +
  'GG GGY GH GHA GI GIB GL GRL GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS GT GTM GU GUM GW GNB GY GUY HK HKG HM HMD ' +
  'HN HND HR HRV HT HTI HU HUN ID IDN IE IRL IL ISR IM IMN IN IND IO IOT IQ IRQ IR IRN IS ISL IT ITA JE JEY JM JAM ' +
  'JO JOR JP JPN KE KEN KG KGZ KH KHM KI KIR KM COM KN KNA KP PRK KR KOR KW KWT KY CYM KZ KAZ LA LAO LB LBN LC LCA ' +
  'LI LIE LK LKA LR LBR LS LSO LT LTU LU LUX LV LVA LY LBY MA MAR MC MCO MD MDA ME MNE MF MAF MG MDG MH MHL MK MKD ' +
  'ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ MR MRT MS MSR MT MLT MU MUS MV MDV MW MWI MX MEX MY MYS MZ MOZ NA NAM ' +
  'NC NCL NE NER NF NFK NG NGA NI NIC NL NLD NO NOR NP NPL NR NRU NU NIU NZ NZL OM OMN PA PAN PE PER PF PYF PG PNG ' +
  'PH PHL PK PAK PL POL PM SPM PN PCN PR PRI PS PSE PT PRT PW PLW PY PRY QA QAT RE REU RO ROU RS SRB RU RUS RW RWA ' +
  'SA SAU SB SLB SC SYC SD SDN SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD ' +
  'ST STP SV SLV SX SXM SY SYR SZ SWZ TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS TM TKM TN TUN TO TON ' +
  'TR TUR TT TTO TV TUV TW TWN TZ TZA UA UKR UG UGA UM UMI US USA UY URY UZ UZB VA VAT VC VCT VE VEN VG VGB VI VIR ' +
  'VN VNM VU VUT WF WLF WS WSM XK XKX YE YEM YT MYT ZA ZAF ZM ZMB ZW ZWE';

/** Names people and country lists use that CLDR does not (ISO's "Korea, Republic of", everyday "UK", "UAE"). */
const ALIASES: Record<string, string> = {
  'usa': 'US', 'us': 'US', 'america': 'US', 'united states of america': 'US', 'united states america': 'US',
  'uk': 'GB', 'great britain': 'GB', 'britain': 'GB', 'england': 'GB', 'scotland': 'GB', 'wales': 'GB', 'northern ireland': 'GB',
  'united kingdom of great britain and northern ireland': 'GB',
  'uae': 'AE', 'emirates': 'AE', 'the emirates': 'AE',
  'russian federation': 'RU',
  'korea': 'KR', 'south korea': 'KR', 'republic of korea': 'KR', 'korea republic of': 'KR', 'korea south': 'KR',
  'north korea': 'KP', 'korea democratic peoples republic of': 'KP', 'democratic peoples republic of korea': 'KP', 'dprk': 'KP', 'korea north': 'KP',
  'czech republic': 'CZ', 'holland': 'NL', 'the netherlands': 'NL', 'burma': 'MM', 'ivory coast': 'CI', 'cote divoire': 'CI',
  'swaziland': 'SZ', 'macedonia': 'MK', 'republic of macedonia': 'MK', 'turkey': 'TR', 'turkiye': 'TR', 'vatican': 'VA',
  'vatican city': 'VA', 'holy see': 'VA', 'viet nam': 'VN', 'laos': 'LA', 'lao peoples democratic republic': 'LA',
  'syrian arab republic': 'SY', 'iran islamic republic of': 'IR', 'islamic republic of iran': 'IR',
  'bolivia plurinational state of': 'BO', 'venezuela bolivarian republic of': 'VE', 'tanzania united republic of': 'TZ',
  'moldova republic of': 'MD', 'micronesia federated states of': 'FM', 'congo the democratic republic of the': 'CD',
  'congo democratic republic of the': 'CD', 'democratic republic of the congo': 'CD', 'dr congo': 'CD', 'drc': 'CD',
  'congo kinshasa': 'CD', 'congo brazzaville': 'CG', 'republic of the congo': 'CG', 'palestine state of': 'PS',
  'palestinian territories': 'PS', 'palestinian territory': 'PS', 'taiwan province of china': 'TW', 'brunei darussalam': 'BN',
  'cape verde': 'CV', 'cabo verde': 'CV', 'east timor': 'TL', 'timor leste': 'TL', 'virgin islands british': 'VG',
  'virgin islands us': 'VI', 'us virgin islands': 'VI', 'macau': 'MO', 'macao': 'MO', 'bharat': 'IN', 'hindustan': 'IN',
};

/** Languages whose country names are indexed: Pagewise's own first, then the most used on the web. */
const LOCALES = [
  'en', 'hi', 'th', 'ar', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'ru', 'zh', 'ja', 'ko', 'id', 'ms', 'vi', 'tr', 'fa', 'ur', 'bn', 'ta',
  'te', 'mr', 'gu', 'pa', 'ml', 'kn', 'ne', 'pl', 'sv', 'uk', 'he', 'el', 'sw', 'fil',
];

const alpha3To2 = new Map<string, string>();
const regions: string[] = [];
{
  const codes = ALPHA3.split(' ');
  for (let i = 0; i + 1 < codes.length; i += 2) {
    regions.push(codes[i]!);
    alpha3To2.set(codes[i + 1]!, codes[i]!);
  }
}
const regionSet = new Set(regions);

let index: Map<string, string> | undefined;

/** Built on first use: a few thousand Intl look-ups, so not at load. The first language to claim a name keeps it. */
function nameIndex(): Map<string, string> {
  if (index) return index;
  index = new Map();
  for (const [alias, code] of Object.entries(ALIASES)) index.set(alias, code);
  for (const locale of LOCALES) {
    let names: Intl.DisplayNames;
    try {
      names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    } catch {
      continue;
    }
    const styles = locale === 'en' ? [names, new Intl.DisplayNames(['en'], { type: 'region', style: 'short', fallback: 'none' })] : [names];
    for (const display of styles) {
      for (const code of regions) {
        const name = display.of(code);
        if (!name) continue;
        const key = folded(name);
        if (key && !index.has(key)) index.set(key, code);
      }
    }
  }
  return index;
}

function lookup(text: string): string | undefined {
  const bare = text.trim();
  if (/^[A-Za-z]{2}$/.test(bare) && regionSet.has(bare.toUpperCase())) return bare.toUpperCase();
  if (/^[A-Za-z]{3}$/.test(bare) && alpha3To2.has(bare.toUpperCase())) return alpha3To2.get(bare.toUpperCase());
  const key = folded(bare);
  if (!key) return undefined;
  if (/^[a-z]{2,3}$/.test(key) && key !== bare) return lookup(key);
  const names = nameIndex();
  for (const candidate of spellings(key)) {
    const code = names.get(candidate);
    if (code) return code;
  }
  return undefined;
}

/** The same name as lists also write it: "Saint" for CLDR's "St.", without "the", without "Kingdom of" or ประเทศ. */
function spellings(key: string): string[] {
  const out = [key];
  const add = (variant: string): void => {
    const trimmed = variant.replace(/\s+/g, ' ').trim();
    if (trimmed && !out.includes(trimmed)) out.push(trimmed);
  };
  for (const variant of [...out]) add(variant.replace(/\bsaint\b/g, 'st'));
  for (const variant of [...out]) add(variant.replace(/\bthe\b/g, ''));
  for (const variant of [...out]) add(variant.replace(/^(?:(?:the )?(?:kingdom|republic|state|commonwealth|federation|principality|sultanate) of |ประเทศ|دولة |مملكة |جمهورية )/u, ''));
  return out;
}

/** The ISO 3166-1 alpha-2 code of a country written as a code or a name in any indexed language; undefined when unknown. */
export function countryCode(text: string): string | undefined {
  const direct = lookup(text);
  if (direct) return direct;
  // "India (+91)", "United States (US)", "Korea, Republic of", "🇮🇳 India" (the flag folds away).
  const outside = text.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ');
  if (outside !== text) {
    const found = lookup(outside);
    if (found) return found;
    for (const inner of text.matchAll(/\(([^)]*)\)/g)) {
      const code = lookup(inner[1]!);
      if (code) return code;
    }
  }
  const comma = text.indexOf(',');
  if (comma > 0) return lookup(text.slice(0, comma));
  return undefined;
}

/** A country's name in a language (English unless asked), or undefined for an unknown code. */
export function countryName(code: string, locale = 'en'): string | undefined {
  const upper = code.toUpperCase();
  if (!regionSet.has(upper)) return undefined;
  try {
    return new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' }).of(upper);
  } catch {
    return undefined;
  }
}

/** Every code this module knows, for tests and for telling country lists apart from other selects. */
export function knownRegions(): readonly string[] {
  return regions;
}
