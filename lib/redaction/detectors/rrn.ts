import type { Detection } from '../types.js';
import {
  detection,
  isCalendarDate,
  keywordNear,
  NUMBER_END,
  NUMBER_START,
  negativeContextBefore,
} from './context.js';

const RRN = new RegExp(`${NUMBER_START}(\\d{2})(\\d{2})(\\d{2})( ?- ?| )?(\\d)(\\d{6})${NUMBER_END}`, 'g');
/** The front half and the gender digit, the rest masked: `900101-1******`. */
const MASKED_RRN = new RegExp(`${NUMBER_START}(\\d{2})(\\d{2})(\\d{2}) ?- ?(\\d)[*xX●○]{6}`, 'g');
/** `앞자리 900101 뒷자리 1234567`: the two halves written apart. */
const FRONT_HALF = /(?:앞\s?자리|앞\s?번호|앞\s?6\s?자리)[^0-9]{0,6}?(\d{6})(?![0-9])/g;
const BACK_HALF = /(?:뒷\s?자리|뒷\s?번호|뒤\s?7\s?자리|뒷\s?7\s?자리)[^0-9]{0,6}?(\d{7})(?![0-9])/g;
export const RRN_KEYWORDS = /주민|외국인\s?등록|등록\s?번호|resident/gi;
const HAS_RRN_KEYWORD = /주민|외국인\s?등록|등록\s?번호|resident/i;
const FRONT_HALF_DATE = /^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;

const WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
const THIS_YEAR = new Date().getUTCFullYear();

/** The century a gender digit means: 9/0 the 1800s, 1/2/5/6 the 1900s, 3/4/7/8 the 2000s. */
function centuryOf(genderDigit: number): number {
  if (genderDigit === 9 || genderDigit === 0) return 1800;
  return genderDigit === 1 || genderDigit === 2 || genderDigit === 5 || genderDigit === 6 ? 1900 : 2000;
}

/**
 * Whether YYMMDD is a birth date the gender digit allows: not after this
 * year, and for the 1800s not before 1850 (numbers were first issued in 1968,
 * to the living).
 */
export function isRrnBirthDate(yymmdd: string, genderDigit: number): boolean {
  const year = centuryOf(genderDigit) + Number(yymmdd.slice(0, 2));
  if (year > THIS_YEAR || year < 1850) return false;
  return isCalendarDate(year, Number(yymmdd.slice(2, 4)), Number(yymmdd.slice(4, 6)));
}

/** An EAN-13 product barcode of a Korean maker (GS1 prefix 880) with a valid check digit. */
export function isKoreanBarcode(digits: string): boolean {
  if (digits.length !== 13 || !digits.startsWith('880')) return false;
  let sum = 0;
  for (let index = 0; index < 12; index++) sum += (digits.charCodeAt(index) - 48) * (index % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(12) - 48;
}

/**
 * The check digit of numbers issued before October 2020 (citizens, and
 * foreigners with their own formula). Numbers issued since have random
 * trailing digits, so a failed check never rules a number out.
 */
export function hasRrnCheckDigit(digits: string): boolean {
  if (digits.length !== 13) return false;
  let sum = 0;
  for (let index = 0; index < 12; index++) sum += (digits.charCodeAt(index) - 48) * (WEIGHTS[index] ?? 0);
  const check = digits.charCodeAt(12) - 48;
  const genderDigit = digits.charCodeAt(6) - 48;
  const foreigner = genderDigit >= 5 && genderDigit <= 8;
  return check === ((foreigner ? 13 : 11) - (sum % 11)) % 10;
}

/**
 * Whether a bare 13-digit run without an RRN keyword is more likely something
 * else: an order or parcel number (its keyword right before) failing the
 * check, or a barcode of a Korean product. Only numbers of people born in
 * January–September 1988 that were issued since October 2020 (their
 * trailing digits are random) and pass the barcode's check by chance are lost.
 */
function isRrnLookalike(text: string, start: number, digits: string, checked: boolean): boolean {
  const negative = negativeContextBefore(text, start, RRN_KEYWORDS);
  if (isKoreanBarcode(digits)) return !checked || negative;
  return negative && !checked;
}

/**
 * 주민등록번호 and 외국인등록번호: `YYMMDD-GNNNNNN` with or without the dash,
 * where YYMMDD is a date of the century the gender digit G gives.
 */
export function detectRrn(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(RRN)) {
    const [whole, yy = '', mm = '', dd = '', separator, gender = '', rest = ''] = match;
    const genderDigit = Number(gender);
    if (!isRrnBirthDate(`${yy}${mm}${dd}`, genderDigit)) continue;
    const span = { start: match.index, end: match.index + whole.length };
    const digits = `${yy}${mm}${dd}${gender}${rest}`;
    const checked = hasRrnCheckDigit(digits);
    const keyword = keywordNear(text, RRN_KEYWORDS, span, 24, 8);
    let confidence = checked ? 0.97 : separator ? 0.9 : 0.8;
    if (keyword) confidence += 0.05;
    else if (!separator && isRrnLookalike(text, span.start, digits, checked)) confidence = 0.3;
    found.push(detection('RRN', span.start, span.end, confidence));
  }
  for (const match of text.matchAll(MASKED_RRN)) {
    const [whole, yy = '', mm = '', dd = '', gender = ''] = match;
    if (!isRrnBirthDate(`${yy}${mm}${dd}`, Number(gender))) continue;
    found.push(detection('RRN', match.index, match.index + whole.length, 0.85));
  }
  if (!HAS_RRN_KEYWORD.test(text)) return found;
  for (const pattern of [FRONT_HALF, BACK_HALF]) {
    for (const match of text.matchAll(pattern)) {
      const value = match[1] ?? '';
      const start = match.index + match[0].length - value.length;
      const span = { start, end: start + value.length };
      if (!keywordNear(text, RRN_KEYWORDS, span, 40)) continue;
      if (pattern === FRONT_HALF && !FRONT_HALF_DATE.test(value)) continue;
      found.push(detection('RRN', span.start, span.end, 0.85));
    }
  }
  return found;
}
