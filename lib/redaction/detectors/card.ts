import type { Detection } from '../types.js';
import {
  detection,
  digitsOf,
  keywordNear,
  NUMBER_END,
  NUMBER_START,
  negativeContextBefore,
  passesLuhn,
} from './context.js';

// 4-4-4-4 (and 4-4-4-4-3 for 19 digits) with one separator throughout; 4-6-5 (Amex) and 4-6-4 (Diners).
const GROUPED_CARD = new RegExp(
  `${NUMBER_START}(?:\\d{4}( ?- ?|[ .])\\d{4}\\1\\d{4}\\1\\d{4}(?:\\1\\d{1,3})?|\\d{4}( ?- ?|[ .])\\d{6}\\2\\d{4,5})${NUMBER_END}`,
  'g',
);
const BARE_CARD = new RegExp(`${NUMBER_START}\\d{13,19}${NUMBER_END}`, 'g');
export const CARD_KEYWORDS = /카드|card|결제|visa|비자|마스터|master|아멕스|amex|jcb|유니온|체크/gi;

/** The issuer networks' prefixes and lengths (Korean domestic-only cards start with 9). */
export function cardNetworkOf(digits: string): string | undefined {
  const length = digits.length;
  if (digits.startsWith('4') && (length === 13 || length === 16 || length === 19)) return 'visa';
  if (length === 16 && /^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(digits))
    return 'mastercard';
  if (length === 15 && /^3[47]/.test(digits)) return 'amex';
  if (length >= 16 && /^35(2[89]|[3-8]\d)/.test(digits)) return 'jcb';
  if (length >= 14 && /^3(0[0-5]|[689])/.test(digits)) return 'diners';
  if (length >= 16 && /^(6011|64[4-9]|65)/.test(digits)) return 'discover';
  if (length >= 16 && digits.startsWith('62')) return 'unionpay';
  if (length === 16 && digits.startsWith('9')) return 'domestic';
  return undefined;
}

/**
 * Payment card numbers: 13 to 19 digits of a card network's prefixes and
 * lengths that pass the Luhn check, bare or in the usual groupings. A
 * grouped number that fails the check is still taken beside a card keyword
 * (a typo leaves most digits right); Korean domestic-only (9…) numbers need
 * the keyword. A coupon or order keyword right before the number rules it out.
 */
export function detectCards(text: string): Detection[] {
  const found: Detection[] = [];
  for (const [pattern, grouped] of [
    [GROUPED_CARD, true],
    [BARE_CARD, false],
  ] as const) {
    for (const match of text.matchAll(pattern)) {
      const digits = digitsOf(match[0]);
      const network = cardNetworkOf(digits);
      if (!network) continue;
      const span = { start: match.index, end: match.index + match[0].length };
      const keyword = keywordNear(text, CARD_KEYWORDS, span, 20, 10);
      if (!keyword && negativeContextBefore(text, span.start, CARD_KEYWORDS)) continue;
      if (network === 'domestic' && !keyword) continue;
      let confidence: number;
      if (passesLuhn(digits)) confidence = grouped ? 0.95 : 0.9;
      else if (grouped && keyword) confidence = 0.6;
      else continue;
      if (keyword) confidence += 0.03;
      found.push(detection('CARD', span.start, span.end, confidence));
    }
  }
  return found;
}
