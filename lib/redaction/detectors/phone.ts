import type { Detection } from '../types.js';
import {
  detection,
  digitsOf,
  keywordNear,
  NUMBER_END,
  NUMBER_START,
  GROUP_SEPARATOR as S,
} from './context.js';

/** Landline area codes: 02 (Seoul), 031–033, 041–044, 051–055, 061–064. */
const AREA = '(?:02|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4]))';
// The prefix may stand in parentheses too: (010)1234-5678.
const MOBILE = `(?:\\(01[016789]\\) ?|01[016789]\\) ?|01[016789]${S}?)\\d{3,4}${S}?\\d{4}`;
// Local exchange numbers start with 2–9; the area code may stand in parentheses: (02) 123-4567, 02)123-4567.
const LANDLINE = `(?:\\(${AREA}\\) ?|${AREA}\\) ?|${AREA}${S}?)[2-9]\\d{2,3}${S}?\\d{4}`;
const VOIP = `070${S}?\\d{4}${S}?\\d{4}`;
// 안심번호: 0502–0508 then 3 or 4 digits, or 050 then 4.
const SAFE = `(?:050[2-8]${S}?\\d{3,4}|050${S}\\d{4})${S}?\\d{4}`;
// +82 drops the trunk 0 (some write it anyway, or as "(0)").
const INTERNATIONAL =
  `(?:\\+ ?82|0082)(?: ?- ?| )?(?:\\(0\\) ?)?0?` +
  `(?:1[016789]${S}?\\d{3,4}|(?:2|[3-6][1-5])${S}?[2-9]\\d{2,3}|70${S}?\\d{4}|50[2-8]${S}?\\d{3,4})${S}?\\d{4}`;

const PHONE = new RegExp(
  `${NUMBER_START}(?:${INTERNATIONAL}|${MOBILE}|${LANDLINE}|${VOIP}|${SAFE})${NUMBER_END}`,
  'g',
);
const PHONE_KEYWORDS = /전화|연락|번호|폰|휴대|문자|카톡|tel|phone|call|mobile/gi;

/**
 * Korean telephone numbers: mobile (010, 011, 016–019), landline (02,
 * 031–064), VoIP (070) and safe numbers (050x), with dashes, dots, spaces or
 * nothing between the groups, and the +82 forms. 8-digit representative
 * numbers (15xx, 16xx, 18xx) and 080 numbers belong to businesses and are not
 * matched: they have no area code.
 */
export function detectPhones(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(PHONE)) {
    const value = match[0];
    const digits = digitsOf(value);
    const international = value.startsWith('+') || value.startsWith('0082');
    const national = international ? digits.replace(/^0{0,2}82/, '').replace(/^0/, '') : digits.slice(1);
    const grouped = digits.length !== value.length;
    let confidence: number;
    if (national.startsWith('1')) confidence = 0.95;
    else if (national.startsWith('70') || national.startsWith('50')) confidence = grouped ? 0.88 : 0.82;
    else confidence = grouped ? 0.86 : 0.75;
    if (international) confidence = Math.max(confidence, 0.9);
    const span = { start: match.index, end: match.index + value.length };
    // 연락처 010…, 전화 02-…: a telephone word right before settles what the number is.
    if (keywordNear(text, PHONE_KEYWORDS, span, 10)) confidence += 0.1;
    else if (keywordNear(text, PHONE_KEYWORDS, span, 20, 8)) confidence += 0.04;
    found.push(detection('PHONE', span.start, span.end, confidence));
  }
  return found;
}
