import type { Detection } from '../types.js';
import { detection, isCalendarDate } from './context.js';

const DATE =
  '(?:(?:19|20)\\d{2} ?[-./] ?\\d{1,2} ?[-./] ?\\d{1,2}\\.?' +
  '|(?:(?:19|20)?\\d{2}) ?년 ?\\d{1,2} ?월 ?\\d{1,2} ?일' +
  '|\\d{1,2} ?월 ?\\d{1,2} ?일' +
  '|(?:19|20)\\d{6}|\\d{6}' +
  '|\\d{1,2}/\\d{1,2})';
const KEYWORD = '(?:생년월일|생일|출생일|출생|DOB|[Dd]ate of [Bb]irth|[Bb]irth(?:day)?)';
/** The keyword, a few words of glue (no digit, no line break), then the date. */
const AFTER_KEYWORD = new RegExp(`${KEYWORD}([^0-9\\n]{0,8}?)(?<![0-9])(${DATE})(?![0-9])`, 'g');
/** `1990년 1월 1일생`. */
const WITH_SUFFIX = new RegExp(`(?<![0-9])(${DATE})생(?![일활산각])`, 'g');
/** Glue that makes the keyword about something else: a birthday coupon, a birthday event. */
const NOT_A_BIRTH_DATE = /쿠폰|축하|선물|이벤트|할인|기념|파티|케이크|혜택|적립|포인트|[.?!]/;
const AFTER_NOT_A_BIRTH_DATE = /^\s?(?:까지|부터|만료)/;

/** Whether the date's parts (year when written) are a calendar date. */
function isPlausibleDate(value: string): boolean {
  const numbers = value.match(/\d+/g)?.map(Number) ?? [];
  if (numbers.length === 1) {
    const digits = value.replace(/\D/g, '');
    const yearDigits = digits.length === 8 ? 4 : 2;
    const year = Number(digits.slice(0, yearDigits));
    const month = Number(digits.slice(yearDigits, yearDigits + 2));
    const day = Number(digits.slice(yearDigits + 2));
    if (yearDigits === 4) return isCalendarDate(year, month, day);
    return isCalendarDate(1900 + year, month, day) || isCalendarDate(2000 + year, month, day);
  }
  if (numbers.length === 2) return isCalendarDate(2000, numbers[0] ?? 0, numbers[1] ?? 0);
  const [year = 0, month = 0, day = 0] = numbers;
  return isCalendarDate(year < 100 ? 1900 + year : year, month, day);
}

/**
 * Dates of birth: a date right after 생년월일, 생일, 출생일 (a few words of
 * glue allowed, none about coupons or events), or written `…일생`. Other
 * dates (deliveries, coupons, payments) are not personal data.
 */
export function detectBirthDates(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(AFTER_KEYWORD)) {
    const [whole, glue = '', date = ''] = match;
    if (NOT_A_BIRTH_DATE.test(glue) || !isPlausibleDate(date)) continue;
    const end = match.index + whole.length;
    if (AFTER_NOT_A_BIRTH_DATE.test(text.slice(end, end + 4))) continue;
    found.push(detection('BIRTH_DATE', end - date.length, end, 0.9));
  }
  for (const match of text.matchAll(WITH_SUFFIX)) {
    const date = match[1] ?? '';
    if (!isPlausibleDate(date) || !/[년월./-]/.test(date)) continue;
    found.push(detection('BIRTH_DATE', match.index, match.index + date.length, 0.8));
  }
  return found;
}
