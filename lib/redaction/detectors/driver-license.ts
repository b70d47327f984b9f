import type { Detection } from '../types.js';
import {
  detection,
  digitsOf,
  keywordNear,
  NUMBER_END,
  NUMBER_START,
  negativeContextBefore,
} from './context.js';

/** Licence regions 11–26 and 28 (경기 북부). */
const REGION = '(?:1[1-9]|2[0-6]|28)';
const NUMERIC_LICENSE = new RegExp(
  `${NUMBER_START}${REGION}( ?- ?| )?\\d{2}( ?- ?| )?\\d{6}( ?- ?| )?\\d{2}${NUMBER_END}`,
  'g',
);
/** Licences issued before the numeric regions name the region in Hangul: 서울 92-123456-01. */
const NAMED_LICENSE = new RegExp(
  `(?<![가-힣])(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산) ?\\d{2}-\\d{6}-\\d{2}${NUMBER_END}`,
  'g',
);
const LICENSE_KEYWORDS = /면허|license|licence/gi;

/**
 * 운전면허 numbers `RR-YY-NNNNNN-CC` (region 11–26 or 28) and the older
 * `서울 YY-NNNNNN-CC`. Fully separated numbers stand on their own; others
 * need 면허 near.
 */
export function detectDriverLicenses(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(NUMERIC_LICENSE)) {
    const [whole, first, second, third] = match;
    const span = { start: match.index, end: match.index + whole.length };
    const keyword = keywordNear(text, LICENSE_KEYWORDS, span, 24, 12);
    const separated = first !== undefined && second !== undefined && third !== undefined;
    if (!keyword && (!separated || negativeContextBefore(text, span.start, LICENSE_KEYWORDS))) continue;
    if (digitsOf(whole).length !== 12) continue;
    found.push(detection('DRIVER_LICENSE', span.start, span.end, keyword ? 0.95 : 0.8));
  }
  for (const match of text.matchAll(NAMED_LICENSE)) {
    const span = { start: match.index, end: match.index + match[0].length };
    const keyword = keywordNear(text, LICENSE_KEYWORDS, span, 24, 12);
    found.push(detection('DRIVER_LICENSE', span.start, span.end, keyword ? 0.95 : 0.75));
  }
  return found;
}
