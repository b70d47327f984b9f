import type { Detection } from '../types.js';
import {
  detection,
  digitsOf,
  keywordNear,
  NUMBER_END,
  NUMBER_START,
  negativeContextBefore,
} from './context.js';

const BUSINESS_NUMBER = new RegExp(`${NUMBER_START}\\d{3}( ?- ?| )?\\d{2}\\1\\d{5}${NUMBER_END}`, 'g');
const BUSINESS_KEYWORDS = /사업자|등록번호|세금계산서|business/gi;
const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/** The 사업자등록번호 check: (10 − (Σ dᵢwᵢ + ⌊5·d₉ / 10⌋) mod 10) mod 10 is the last digit. */
export function hasBusinessCheckDigit(digits: string): boolean {
  if (digits.length !== 10) return false;
  let sum = 0;
  for (let index = 0; index < 9; index++) sum += (digits.charCodeAt(index) - 48) * (WEIGHTS[index] ?? 0);
  sum += Math.floor(((digits.charCodeAt(8) - 48) * 5) / 10);
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(9) - 48;
}

/**
 * 사업자등록번호 `NNN-NN-NNNNN` with a valid check digit; a bare run of 10
 * digits needs 사업자 near, and a number failing the check is kept only in
 * the dashed form beside the keyword.
 */
export function detectBusinessNumbers(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(BUSINESS_NUMBER)) {
    const [whole, separator] = match;
    const span = { start: match.index, end: match.index + whole.length };
    const keyword = keywordNear(text, BUSINESS_KEYWORDS, span, 24, 12);
    const checked = hasBusinessCheckDigit(digitsOf(whole));
    let confidence: number;
    if (checked && separator) confidence = keyword ? 0.96 : 0.8;
    else if (checked && keyword) confidence = 0.9;
    else if (separator && keyword) confidence = 0.6;
    else continue;
    if (!keyword && negativeContextBefore(text, span.start, BUSINESS_KEYWORDS)) continue;
    found.push(detection('BUSINESS_NUMBER', span.start, span.end, confidence));
  }
  return found;
}
