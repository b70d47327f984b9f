/**
 * Passports, driver's licences, business registration numbers (with their
 * check digit) and dates of birth, as their issuers define them.
 */
import { type Dice, daysInMonth, fullWidth, joined, separatorOf, twoDigits } from './dice.js';

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
