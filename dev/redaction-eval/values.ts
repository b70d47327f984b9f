/**
 * Values for the evaluation set, written from each format's own definition
 * (not from the detectors): every value of a personal-data type is valid by
 * its issuer's rules, and every hard negative is a realistic number of
 * another kind that a careless detector would take for one.
 */
import { createRandom, type RandomSource, randomHex } from '../simulator/random.js';

/** A seeded source of choices. Never `Math.random`: the same seed gives the same set everywhere. */
export class Dice {
  readonly #random: RandomSource;

  constructor(seed: number) {
    this.#random = createRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.#random() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of the keys, chosen in proportion to its weight. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.#random() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    const last = entries.at(-1);
    if (last === undefined) throw new Error('weighted choice from nothing');
    return last[0];
  }

  /** `count` decimal digits; the first one from `first` when given. */
  digits(count: number, first = '0123456789'): string {
    let text = count > 0 ? this.pick([...first]) : '';
    for (let index = 1; index < count; index++) text += String(this.int(0, 9));
    return text;
  }

  hex(length: number): string {
    return randomHex(this.#random, length);
  }

  /** A space or nothing: Korean chat often glues numbers to the words around them. */
  gap(glued = 0.35): string {
    return this.chance(glued) ? '' : ' ';
  }
}

const FULL_WIDTH_OFFSET = 0xfee0;

/** The value with its ASCII digits, letters and `-@.+()` written full-width, as some Korean IMEs type them. */
export function fullWidth(value: string): string {
  return value.replace(/[0-9A-Za-z\-@.+()]/g, (character) =>
    String.fromCharCode((character.codePointAt(0) ?? 0) + FULL_WIDTH_OFFSET),
  );
}

/** Dashes other than U+002D that people (and word processors) put in numbers. */
export const DASH_VARIANTS = ['‐', '‑', '–', '—', '―', '−', '－', '﹣'] as const;

/** Joins groups with one separator, sometimes written full-width or as another dash. */
function joined(dice: Dice, groups: readonly string[], separator: string): string {
  const text = groups.join(separator);
  if (dice.chance(0.06)) return fullWidth(text);
  if (separator === '-' && dice.chance(0.08)) return groups.join(dice.pick(DASH_VARIANTS));
  return text;
}

function separatorOf(dice: Dice, weights: Readonly<Record<string, number>>): string {
  const choice = dice.weighted(weights);
  return choice === 'none' ? '' : choice === 'space' ? ' ' : choice;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

// 주민등록번호 / 외국인등록번호 ---------------------------------------------

const RRN_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

/**
 * The check digit of a number issued before October 2020: for citizens
 * (11 - Σ dᵢwᵢ mod 11) mod 10, for foreigners (13 - Σ dᵢwᵢ mod 11) mod 10.
 */
export function rrnCheckDigit(first12: string, foreigner: boolean): number {
  let sum = 0;
  for (let index = 0; index < 12; index++) sum += Number(first12[index]) * (RRN_WEIGHTS[index] ?? 0);
  return ((foreigner ? 13 : 11) - (sum % 11)) % 10;
}

export type RrnKind = 'citizen' | 'foreigner' | 'post-2020' | 'born-1800s';

/**
 * A registration number `YYMMDD-GNNNNNC`: G is 9/0 for people born in the
 * 1800s, 1/2 (5/6 for foreigners) in the 1900s, 3/4 (7/8) since 2000. Before
 * October 2020 the last digit is a check digit; numbers issued since then
 * have random trailing digits.
 */
export function rrnDigits(dice: Dice, kind: RrnKind): string {
  const foreigner = kind === 'foreigner' || (kind === 'post-2020' && dice.chance(0.15));
  const year =
    kind === 'born-1800s'
      ? dice.int(1890, 1899)
      : kind === 'post-2020'
        ? dice.int(1945, 2024)
        : dice.int(1935, 2019);
  const female = dice.chance(0.5);
  const genderDigit =
    year < 1900
      ? female
        ? 0
        : 9
      : year < 2000
        ? (foreigner ? 5 : 1) + (female ? 1 : 0)
        : (foreigner ? 7 : 3) + (female ? 1 : 0);
  const month = dice.int(1, 12);
  const day = dice.int(1, daysInMonth(year, month));
  const front = `${twoDigits(year % 100)}${twoDigits(month)}${twoDigits(day)}`;
  if (kind === 'post-2020') return `${front}${genderDigit}${dice.digits(6)}`;
  const first12 = `${front}${genderDigit}${twoDigits(dice.int(0, 95))}${dice.digits(3)}`;
  return `${first12}${rrnCheckDigit(first12, foreigner)}`;
}

export function rrn(dice: Dice, kind?: RrnKind): string {
  const digits = rrnDigits(
    dice,
    kind ?? dice.weighted({ citizen: 55, foreigner: 12, 'post-2020': 28, 'born-1800s': 5 }),
  );
  const separator = separatorOf(dice, { '-': 60, none: 25, space: 6, ' - ': 4, '–': 5 });
  return joined(dice, [digits.slice(0, 6), digits.slice(6)], separator);
}

// Telephone numbers -------------------------------------------------------------

/** Area codes of Korean landlines (Seoul 02, then 031 to 064). */
export const AREA_CODES = [
  '02',
  '031',
  '032',
  '033',
  '041',
  '042',
  '043',
  '044',
  '051',
  '052',
  '053',
  '054',
  '055',
  '061',
  '062',
  '063',
  '064',
] as const;

export type PhoneKind = 'mobile' | 'landline' | 'voip' | 'safe';

/** The digit groups of a number of that kind: exchange digits never start with 0 or 1. */
function phoneGroups(dice: Dice, kind: PhoneKind): string[] {
  switch (kind) {
    case 'mobile': {
      const prefix = dice.chance(0.85) ? '010' : dice.pick(['011', '016', '017', '018', '019']);
      const middle =
        prefix === '010' ? dice.digits(4, '23456789') : dice.digits(dice.pick([3, 4]), '23456789');
      return [prefix, middle, dice.digits(4)];
    }
    case 'landline':
      return [dice.pick(AREA_CODES), dice.digits(dice.pick([3, 4]), '23456789'), dice.digits(4)];
    case 'voip':
      return ['070', dice.digits(4, '23456789'), dice.digits(4)];
    case 'safe':
      return [`050${dice.int(2, 8)}`, dice.digits(dice.pick([3, 4, 4]), '123456789'), dice.digits(4)];
  }
}

export function phone(dice: Dice, kind?: PhoneKind): string {
  const chosen = kind ?? dice.weighted({ mobile: 70, landline: 18, voip: 6, safe: 6 });
  const groups = phoneGroups(dice, chosen);
  const [first = '', middle = '', last = ''] = groups;
  if (chosen === 'mobile' && dice.chance(0.08)) {
    const national = first.slice(1);
    return dice.pick([
      `+82 ${national}-${middle}-${last}`,
      `+82-${national}-${middle}-${last}`,
      `+82${national}${middle}${last}`,
      `+82 ${national} ${middle} ${last}`,
      `+82 (0)${national}-${middle}-${last}`,
    ]);
  }
  if (chosen === 'landline' && dice.chance(0.12)) {
    return dice.pick([
      `(${first}) ${middle}-${last}`,
      `${first}) ${middle}-${last}`,
      `(${first})${middle}-${last}`,
    ]);
  }
  const separator = separatorOf(dice, { '-': 55, none: 18, '.': 9, space: 12, ' - ': 2 });
  if (separator === '-' && dice.chance(0.05)) return `${first} ${middle}-${last}`;
  return joined(dice, groups, separator);
}

// E-mail ---------------------------------------------------------------------------

const MAIL_DOMAINS = [
  'naver.com',
  'gmail.com',
  'daum.net',
  'hanmail.net',
  'kakao.com',
  'nate.com',
  'hotmail.com',
  'korea.kr',
  'snu.ac.kr',
  'hanbit-corp.co.kr',
  'mail.example.co.kr',
] as const;
const ROMANIZED = [
  'minsu',
  'jiyoung',
  'hyun',
  'seojun',
  'yuna',
  'kim',
  'lee',
  'park',
  'choi',
  'jung',
  'hana',
];

export function email(dice: Dice): string {
  let local = dice.pick(ROMANIZED);
  if (dice.chance(0.5)) local += dice.pick(['.', '_', '', '-']) + dice.pick(ROMANIZED);
  if (dice.chance(0.6)) local += dice.digits(dice.int(1, 4));
  if (dice.chance(0.05)) local += `+${dice.pick(['shop', 'news'])}`;
  if (dice.chance(0.1)) local = local.toUpperCase();
  const address = `${local}@${dice.pick(MAIL_DOMAINS)}`;
  if (dice.chance(0.04)) return fullWidth(address);
  if (dice.chance(0.04)) return address.replace('@', '＠');
  return address;
}

// Card numbers ---------------------------------------------------------------------

/** The Luhn check digit of `body` (every digit but the last). */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let index = 0; index < body.length; index++) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'jcb' | 'unionpay' | 'diners' | 'domestic';

/** A card number of that brand's prefixes and lengths, with a valid Luhn digit. */
export function cardDigits(dice: Dice, brand: CardBrand): string {
  const [prefix, length] = ((): [string, number] => {
    switch (brand) {
      case 'visa':
        return ['4', dice.chance(0.05) ? 13 : 16];
      case 'mastercard':
        return dice.chance(0.8) ? [`5${dice.int(1, 5)}`, 16] : [String(dice.int(2221, 2720)), 16];
      case 'amex':
        return [dice.pick(['34', '37']), 15];
      case 'jcb':
        return [String(dice.int(3528, 3589)), 16];
      case 'unionpay':
        return ['62', dice.pick([16, 16, 19])];
      case 'diners':
        return [dice.pick(['36', '300', '305']), 14];
      case 'domestic':
        return [dice.pick(['9410', '9420', '9490', '9430']), 16];
    }
  })();
  const body = prefix + dice.digits(length - prefix.length - 1);
  return `${body}${luhnCheckDigit(body)}`;
}

export function card(dice: Dice, brand?: CardBrand): string {
  const chosen =
    brand ??
    dice.weighted({ visa: 35, mastercard: 25, amex: 8, jcb: 10, unionpay: 7, diners: 3, domestic: 12 });
  const digits = cardDigits(dice, chosen);
  const separator = separatorOf(dice, { '-': 50, space: 22, none: 25, '.': 3 });
  if (separator === '') return dice.chance(0.06) ? fullWidth(digits) : digits;
  const groups =
    digits.length === 15
      ? [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)]
      : digits.length === 14
        ? [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)]
        : (digits.match(/.{1,4}/g) ?? [digits]);
  return joined(dice, groups, separator);
}

// Bank accounts ----------------------------------------------------------------------

/** Banks, as customers name them, with the digit groupings of their account numbers. */
export const BANKS: readonly { names: readonly string[]; groupings: readonly (readonly number[])[] }[] = [
  {
    names: ['국민', '국민은행', 'KB국민', 'KB국민은행'],
    groupings: [
      [6, 2, 6],
      [3, 2, 4, 3],
    ],
  },
  {
    names: ['신한', '신한은행'],
    groupings: [
      [3, 3, 6],
      [3, 2, 6],
    ],
  },
  { names: ['우리', '우리은행'], groupings: [[4, 3, 6]] },
  { names: ['하나', '하나은행', 'KEB하나'], groupings: [[3, 6, 5]] },
  {
    names: ['농협', 'NH농협', '농협은행'],
    groupings: [
      [3, 4, 4, 2],
      [6, 2, 6],
    ],
  },
  { names: ['기업', '기업은행', 'IBK기업은행'], groupings: [[3, 6, 2, 3]] },
  { names: ['카카오뱅크', '카뱅'], groupings: [[4, 2, 7]] },
  { names: ['토스뱅크', '토스'], groupings: [[4, 4, 4]] },
  { names: ['케이뱅크'], groupings: [[3, 3, 6]] },
  { names: ['새마을금고', '새마을'], groupings: [[4, 2, 6, 1]] },
  { names: ['우체국'], groupings: [[6, 2, 6]] },
  { names: ['SC제일은행', 'SC제일'], groupings: [[3, 2, 6]] },
  { names: ['씨티은행', '씨티'], groupings: [[3, 6, 3]] },
  { names: ['수협', '수협은행'], groupings: [[3, 2, 6]] },
  { names: ['부산은행'], groupings: [[3, 4, 4, 2]] },
  { names: ['대구은행', 'iM뱅크'], groupings: [[3, 2, 6, 1]] },
  { names: ['경남은행'], groupings: [[3, 2, 7]] },
  { names: ['광주은행'], groupings: [[3, 3, 6]] },
  { names: ['전북은행'], groupings: [[3, 2, 7]] },
  { names: ['제주은행'], groupings: [[2, 2, 6]] },
];

export function account(dice: Dice): { bank: string; number: string } {
  const bank = dice.pick(BANKS);
  const grouping = dice.pick(bank.groupings);
  const groups = grouping.map((length, index) =>
    dice.digits(length, index === 0 ? '123456789' : '0123456789'),
  );
  const separator = separatorOf(dice, { '-': 62, none: 30, space: 8 });
  return { bank: dice.pick(bank.names), number: joined(dice, groups, separator) };
}

// Passport, driver's licence, business registration number -----------------------------

/** `[MSROD]` and 8 digits, or the 2021 format `M123A4567`. */
export function passport(dice: Dice): string {
  const value = dice.chance(0.6)
    ? `${dice.pick(['M', 'M', 'M', 'M', 'S', 'R', 'O', 'D'])}${dice.digits(8)}`
    : `M${dice.digits(3)}${String.fromCharCode(65 + dice.int(0, 25))}${dice.digits(4)}`;
  return dice.chance(0.05) ? fullWidth(value) : value;
}

/** Licence regions: 11 서울 … 26 울산 and 28 (경기 북부); the old licences name the region in Hangul. */
export const LICENSE_REGIONS: Readonly<Record<string, string>> = {
  '11': '서울',
  '12': '부산',
  '13': '경기',
  '14': '강원',
  '15': '충북',
  '16': '충남',
  '17': '전북',
  '18': '전남',
  '19': '경북',
  '20': '경남',
  '21': '제주',
  '22': '대구',
  '23': '인천',
  '24': '광주',
  '25': '대전',
  '26': '울산',
  '28': '경기',
};

/** `RR-YY-NNNNNN-CC`, or the old `서울 YY-NNNNNN-CC`. */
export function driverLicense(dice: Dice): string {
  const region = dice.pick(Object.keys(LICENSE_REGIONS));
  const rest = [twoDigits(dice.int(0, 99)), dice.digits(6), dice.digits(2)];
  if (dice.chance(0.12)) return `${LICENSE_REGIONS[region] ?? '서울'} ${rest.join('-')}`;
  const separator = separatorOf(dice, { '-': 78, none: 12, space: 6, '–': 4 });
  return joined(dice, [region, ...rest], separator);
}

const BUSINESS_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/** The last digit of a 사업자등록번호: (10 − (Σ dᵢwᵢ + ⌊5·d₉ / 10⌋) mod 10) mod 10. */
export function businessCheckDigit(first9: string): number {
  let sum = 0;
  for (let index = 0; index < 9; index++) sum += Number(first9[index]) * (BUSINESS_WEIGHTS[index] ?? 0);
  sum += Math.floor((Number(first9[8]) * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

/** `NNN-NN-NNNNN`: tax office, business kind, serial and check digit. */
export function businessNumber(dice: Dice): string {
  const first9 = `${dice.int(101, 899)}${twoDigits(dice.int(1, 99))}${dice.digits(4)}`;
  const digits = `${first9}${businessCheckDigit(first9)}`;
  const separator = separatorOf(dice, { '-': 72, none: 24, space: 4 });
  return joined(dice, [digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)], separator);
}

// Dates of birth ------------------------------------------------------------------------

export function birthDate(dice: Dice, options: { monthDayOnly?: boolean } = {}): string {
  const year = dice.int(1940, 2012);
  const month = dice.int(1, 12);
  const day = dice.int(1, daysInMonth(year, month));
  const mm = twoDigits(month);
  const dd = twoDigits(day);
  if (options.monthDayOnly) return dice.pick([`${month}월 ${day}일`, `${month}월${day}일`, `${mm}/${dd}`]);
  return dice.pick([
    `${year}-${mm}-${dd}`,
    `${year}.${mm}.${dd}`,
    `${year}. ${month}. ${day}.`,
    `${year}/${month}/${day}`,
    `${year}년 ${month}월 ${day}일`,
    `${year}년${month}월${day}일`,
    `${String(year).slice(2)}년 ${month}월 ${day}일`,
    `${String(year).slice(2)}${mm}${dd}`,
    `${year}${mm}${dd}`,
  ]);
}

// Addresses -----------------------------------------------------------------------------

/** Province or metropolitan city, then district: kept by the redactor, so never part of a label. */
export const REGIONS: readonly string[] = [
  '서울특별시 강남구',
  '서울 서초구',
  '서울시 마포구',
  '서울특별시 종로구',
  '서울 송파구',
  '부산광역시 해운대구',
  '부산 부산진구',
  '인천광역시 연수구',
  '대구 수성구',
  '대전광역시 서구',
  '광주 북구',
  '울산광역시 남구',
  '세종특별자치시',
  '경기도 성남시 분당구',
  '경기 수원시 영통구',
  '경기도 고양시 일산동구',
  '강원특별자치도 춘천시',
  '충청북도 청주시 상당구',
  '충남 천안시 서북구',
  '전북특별자치도 전주시 완산구',
  '전남 여수시',
  '경북 포항시 남구',
  '경상남도 창원시 성산구',
  '제주특별자치도 제주시',
];

export const ROAD_NAMES: readonly string[] = [
  '테헤란로',
  '강남대로',
  '세종대로',
  '올림픽로',
  '도산대로',
  '봉은사로',
  '판교역로',
  '해운대로',
  '중앙대로',
  '월드컵북로',
  '양화로',
  '퇴계로',
  '을지로',
  '종로',
  '광교중앙로',
  '동탄대로',
  '일산로',
  '충장로',
  '둔산로',
  '한밭대로',
  '노형로',
  '연삼로',
  '영동대로',
  '반포대로',
  '마포대로',
  '백범로',
  '덕영대로',
  '수성로',
  '달구벌대로',
  '가야대로',
  '중앙로',
  '시청로',
  '우암로',
  '새말로',
  '정자일로',
];

const DISTRICT_DONGS = ['역삼동', '삼평동', '서교동', '우동', '정자동', '둔산동', '연동', '신천동', '영통동'];
const BUILDINGS = ['래미안아파트', '푸르지오', '한빛빌딩', '힐스테이트', '자이아파트'];

/** A road address from the road name on: `테헤란로 152`, `봉은사로86길 20`, `판교역로146번길 7-3`, with detail. */
export function roadAddress(dice: Dice): string {
  let road = dice.pick(ROAD_NAMES);
  const branch = dice.weighted({ none: 55, gil: 25, beongil: 20 });
  if (branch === 'gil') road += `${dice.int(1, 99)}길`;
  if (branch === 'beongil') road += `${dice.gap(0.7)}${dice.int(1, 200)}번길`;
  let number = String(dice.int(1, 999));
  if (dice.chance(0.2)) number += `-${dice.int(1, 30)}`;
  const detail = dice.weighted({
    none: 15,
    floor: 15,
    unit: 10,
    building: 25,
    parenthesis: 15,
    buildingParenthesis: 10,
    floorUnit: 10,
  });
  const dong = `${dice.int(101, 120)}동`;
  const ho = `${dice.int(1, 25)}${twoDigits(dice.int(1, 8))}호`;
  const floor = `${dice.int(1, 30)}층`;
  const comma = dice.pick([', ', ' ', ',']);
  const base = `${road} ${number}`;
  switch (detail) {
    case 'none':
      return base;
    case 'floor':
      return `${base}${comma}${floor}`;
    case 'unit':
      return `${base}${comma}${ho}`;
    case 'building':
      return `${base}${comma}${dong} ${ho}`;
    case 'parenthesis':
      return `${base} (${dice.pick(DISTRICT_DONGS)})`;
    case 'buildingParenthesis':
      return `${base}${comma}${dong} ${ho} (${dice.pick(DISTRICT_DONGS)}, ${dice.pick(BUILDINGS)})`;
    case 'floorUnit':
      return `${base}${comma}${floor} ${dice.int(1, 30)}${twoDigits(dice.int(1, 20))}호`;
  }
}

// Names (P2) --------------------------------------------------------------------------------

const SURNAMES = [
  '김',
  '이',
  '박',
  '최',
  '정',
  '강',
  '조',
  '윤',
  '장',
  '임',
  '한',
  '오',
  '서',
  '신',
  '권',
  '황',
];
const GIVEN_SYLLABLES = [
  '민',
  '수',
  '지',
  '영',
  '서',
  '준',
  '하',
  '윤',
  '현',
  '우',
  '은',
  '혜',
  '진',
  '호',
  '연',
];

export function personName(dice: Dice): string {
  return `${dice.pick(SURNAMES)}${dice.pick(GIVEN_SYLLABLES)}${dice.pick(GIVEN_SYLLABLES)}`;
}

// Hard negatives: numbers of other kinds ---------------------------------------------------

function yyyymmdd(dice: Dice): string {
  const year = dice.int(2019, 2025);
  const month = dice.int(1, 12);
  return `${year}${twoDigits(month)}${twoDigits(dice.int(1, daysInMonth(year, month)))}`;
}

/** Shop order numbers: date-led, prefixed, or plain serials. */
export function orderNumber(dice: Dice): string {
  switch (dice.weighted({ dateSerial: 30, dateDash: 25, prefixed: 15, plain: 20, long: 10 })) {
    case 'dateSerial':
      return `${yyyymmdd(dice)}${dice.digits(dice.int(5, 8))}`;
    case 'dateDash':
      return `${yyyymmdd(dice)}-${dice.digits(7)}`;
    case 'prefixed':
      return `${dice.pick(['ORD', 'OD', 'NO'])}${yyyymmdd(dice)}${dice.digits(4)}`;
    case 'plain':
      return dice.digits(dice.int(10, 13), '123456789');
    default:
      return `${yyyymmdd(dice)}${dice.digits(8)}`;
  }
}

/** Parcel tracking numbers: CJ, 한진 and 롯데 12 digits, 우체국 13, 로젠 11, sometimes grouped 4-4-4. */
export function trackingNumber(dice: Dice): { carrier: string; number: string } {
  const carrier = dice.pick(['CJ대한통운', '한진택배', '롯데택배', '우체국택배', '로젠택배']);
  const digits =
    carrier === '우체국택배'
      ? `6${dice.digits(12)}`
      : carrier === '로젠택배'
        ? dice.digits(11, '3456789')
        : dice.digits(12, '2345689');
  const grouped = digits.length === 12 && dice.chance(0.3);
  return { carrier, number: grouped ? (digits.match(/.{4}/g) ?? [digits]).join('-') : digits };
}

export function amount(dice: Dice): string {
  const won = dice.int(1, 2_000) * dice.pick([100, 500, 1_000]);
  return dice.pick([
    `${won.toLocaleString('en-US')}원`,
    `${won}원`,
    `₩${won.toLocaleString('en-US')}`,
    `${Math.floor(won / 10_000) || 1}만 ${dice.int(1, 9)}천원`,
    `${won.toLocaleString('en-US')} 원`,
  ]);
}

export function timestamp(dice: Dice): string {
  const date = yyyymmdd(dice);
  const time = `${twoDigits(dice.int(0, 23))}:${twoDigits(dice.int(0, 59))}:${twoDigits(dice.int(0, 59))}`;
  const dashed = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`;
  return dice.pick([
    `${dashed} ${time}`,
    `${date.slice(0, 4)}.${date.slice(4, 6)}.${date.slice(6)} ${time.slice(0, 5)}`,
    `${date}${time.replaceAll(':', '')}`,
    `${dashed}T${time}+09:00`,
    time.slice(0, 5),
  ]);
}

/** 전국대표번호 (15xx, 16xx, 18xx: eight digits, no area code) and 080 free numbers: businesses, not people. */
export function representativeNumber(dice: Dice): string {
  if (dice.chance(0.12)) return `080-${dice.digits(3, '23456789')}-${dice.digits(4)}`;
  const prefix = dice.pick([
    '1588',
    '1577',
    '1544',
    '1566',
    '1600',
    '1644',
    '1661',
    '1670',
    '1688',
    '1800',
    '1899',
  ]);
  const number = `${prefix}${dice.pick(['-', '-', '', ' ', '.'])}${dice.digits(4)}`;
  return dice.chance(0.06) ? fullWidth(number) : number;
}

/** EAN-13 product barcodes of Korean makers (prefix 880), with their check digit. */
export function barcode(dice: Dice): string {
  const body = `880${dice.digits(9)}`;
  let sum = 0;
  for (let index = 0; index < 12; index++) sum += Number(body[index]) * (index % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export function productCode(dice: Dice): string {
  return dice.pick([
    `P${dice.digits(10)}`,
    `SKU-${dice.pick(['A', 'B', 'K'])}${dice.digits(4)}-${dice.digits(4)}`,
    `${dice.pick(['SM-S928N', 'SM-G991N', 'LM-V500N', 'A2894', 'HX-9M12'])}`,
    dice.digits(dice.int(8, 12), '123456789'),
    barcode(dice),
  ]);
}

export function couponCode(dice: Dice): string {
  const letters = () => Array.from({ length: 4 }, () => String.fromCharCode(65 + dice.int(0, 25))).join('');
  return dice.pick([
    `${dice.pick(['WELCOME', 'SPRING', 'BDAY', 'VIP'])}${dice.int(2020, 2026)}`,
    `${letters()}-${letters()}-${dice.digits(4)}`,
    [dice.digits(4, '123456789'), dice.digits(4), dice.digits(4), dice.digits(4)].join('-'),
    [dice.digits(4, '123456789'), dice.digits(4), dice.digits(4)].join(' '),
  ]);
}

/** A calendar date without a year, or with one, as delivery and coupon dates are written. */
export function calendarDate(dice: Dice): string {
  const month = dice.int(1, 12);
  const day = dice.int(1, 28);
  return dice.pick([
    `${month}월 ${day}일`,
    `${month}/${day}`,
    `${twoDigits(month)}/${twoDigits(day)}(${dice.pick(['월', '화', '수', '목', '금'])})`,
    `${dice.int(2024, 2026)}-${twoDigits(month)}-${twoDigits(day)}`,
    `${dice.int(2024, 2026)}.${twoDigits(month)}.${twoDigits(day)}`,
    `${dice.int(2024, 2026)}년 ${month}월 ${day}일`,
  ]);
}

export function appVersion(dice: Dice): string {
  return `${dice.int(1, 12)}.${dice.int(0, 30)}.${dice.int(0, 9)}`;
}
