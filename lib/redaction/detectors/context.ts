/**
 * What the detectors share: explicit digit boundaries (Korean glues numbers
 * to words, so `\b` is useless: `번호는01012345678입니다` has no word boundary
 * around the number), keyword windows, and check digits.
 */
import type { Detection, EntityType } from '../types.js';

/**
 * Where a number may start: not after a digit or an ASCII letter (a code such
 * as `SKU01012345678`), nor right after `<digit>-` or `<digit>.` (the middle
 * of a longer dashed number).
 */
export const NUMBER_START = '(?<![0-9A-Za-z])(?<![0-9][-.])';

/** Where a number may end: not before a digit, nor before `-<digit>` or `.<digit>`. */
export const NUMBER_END = '(?![0-9])(?![-.][0-9])';

/** A separator inside a number: a dash (spaces around it allowed), a dot or a space. */
export const GROUP_SEPARATOR = '(?: ?- ?|[. ])';

/** Words that make a nearby number something other than personal data (an order, a parcel, a coupon …). */
export const NOT_PERSONAL_KEYWORDS =
  /주문|송장|운송장|택배|등기|소포|배송조회|상품|쿠폰|승인|바코드|접수|예약번호|모델|코드|회원번호|품번|일련번호|시리얼|serial|order|sku|인증번호|영수증|거래번호|결제번호|티켓|문의번호|기프티콘|처리일시|처리 시각|일시/gi;

/** The last match of a global `keywords` in `text[from, to)`, with its end (as an offset of `text`). */
export function lastKeyword(
  text: string,
  keywords: RegExp,
  from: number,
  to: number,
): { index: number; end: number } | undefined {
  const start = Math.max(0, from);
  const window = text.slice(start, Math.max(start, to));
  let found: { index: number; end: number } | undefined;
  for (const match of window.matchAll(keywords)) {
    found = { index: start + match.index, end: start + match.index + match[0].length };
  }
  return found;
}

/** Whether a global `keywords` matches within `before` characters before `start` or `after` after `end`. */
export function keywordNear(
  text: string,
  keywords: RegExp,
  span: { start: number; end: number },
  before: number,
  after = 0,
): boolean {
  if (lastKeyword(text, keywords, span.start - before, span.start)) return true;
  return after > 0 && lastKeyword(text, keywords, span.end, span.end + after) !== undefined;
}

/**
 * Whether the nearest keyword before `start` (within `window`) says the number
 * is not personal data (`주문번호 …`, `운송장 …`), with no `positive` keyword after it.
 */
export function negativeContextBefore(text: string, start: number, positive: RegExp, window = 24): boolean {
  const negative = lastKeyword(text, NOT_PERSONAL_KEYWORDS, start - window, start);
  if (!negative) return false;
  return lastKeyword(text, positive, negative.end, start) === undefined;
}

export function digitsOf(text: string): string {
  return text.replace(/[^0-9]/g, '');
}

export function detection(type: EntityType, start: number, end: number, confidence: number): Detection {
  return { type, start, end, confidence: Math.min(0.99, Math.max(0, Math.round(confidence * 100) / 100)) };
}

/** Whether year-month-day is a calendar date. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The Luhn check over every digit of `digits`. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** YYYYMMDDhhmm or YYYYMMDDhhmmss: a timestamp written without separators. */
export function isCompactTimestamp(digits: string): boolean {
  if (digits.length !== 12 && digits.length !== 14) return false;
  const year = Number(digits.slice(0, 4));
  if (year < 1990 || year > 2099) return false;
  const hour = Number(digits.slice(8, 10));
  const minute = Number(digits.slice(10, 12));
  const second = digits.length === 14 ? Number(digits.slice(12, 14)) : 0;
  return (
    isCalendarDate(year, Number(digits.slice(4, 6)), Number(digits.slice(6, 8))) &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}
