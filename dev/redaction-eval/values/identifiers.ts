/**
 * The P0 identifiers as their issuers define them: 주민등록번호 and
 * 외국인등록번호 with their check digit, telephone numbers, e-mail addresses,
 * card numbers with a valid Luhn digit, bank accounts in their banks' groupings.
 */
import { type Dice, daysInMonth, fullWidth, joined, separatorOf, twoDigits } from './dice.js';

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
