import type { Detection } from '../types.js';
import {
  detection,
  digitsOf,
  isCompactTimestamp,
  lastKeyword,
  NOT_PERSONAL_KEYWORDS,
  NUMBER_END,
  NUMBER_START,
} from './context.js';

// Bank-style groups with one separator throughout (국민 123456-01-123456, 카카오뱅크 3333-01-1234567), or a bare run.
const GROUPED_ACCOUNT = new RegExp(
  `${NUMBER_START}\\d{2,7}( ?- ?| )\\d{1,7}(?:\\1\\d{1,7}){0,3}${NUMBER_END}`,
  'g',
);
const BARE_ACCOUNT = new RegExp(`${NUMBER_START}\\d{10,14}${NUMBER_END}`, 'g');

/** Words that say "account" anywhere near: 계좌, 입금, 송금, 환불, … and bank names that are not everyday words. */
export const ACCOUNT_KEYWORDS =
  /계좌|입금|송금|환불|이체|예금주|은행|뱅크|통장|국민|신한|농협|카뱅|새마을|우체국|SC제일|씨티|수협|신협|KB|NH|IBK|산업|저축/gi;
/** Bank names that are also everyday words (우리 "we", 하나 "one", 기업 "company", cities): only right beside the number. */
const ADJACENT_BANK_NAMES = /우리|하나|기업|토스|부산|대구|경남|광주|전북|제주|케이|SC|씨티/g;

/**
 * Bank account numbers: 10 to 14 digits, bare or in bank-style groups, only
 * with an account keyword near (before within 30 characters, after within 12;
 * a bank name that is also an everyday word only right beside the number).
 * When the nearest keyword before the number is an order, parcel or coupon
 * one, the number is that, not an account. Compact timestamps are skipped.
 */
export function detectAccounts(text: string): Detection[] {
  const found: Detection[] = [];
  for (const [pattern, grouped] of [
    [GROUPED_ACCOUNT, true],
    [BARE_ACCOUNT, false],
  ] as const) {
    for (const match of text.matchAll(pattern)) {
      const digits = digitsOf(match[0]);
      if (digits.length < 10 || digits.length > 14) continue;
      if (!grouped && isCompactTimestamp(digits)) continue;
      const start = match.index;
      const end = start + match[0].length;
      const confidence = accountContext(text, start, end);
      if (confidence === undefined) continue;
      found.push(detection('ACCOUNT', start, end, confidence + (grouped ? 0.05 : 0)));
    }
  }
  return found;
}

/** The confidence the words around `[start, end)` give an account number, or undefined when they rule it out. */
function accountContext(text: string, start: number, end: number): number | undefined {
  const positive = lastKeyword(text, ACCOUNT_KEYWORDS, start - 30, start);
  const adjacent =
    lastKeyword(text, ADJACENT_BANK_NAMES, start - 6, start) ??
    lastKeyword(text, ADJACENT_BANK_NAMES, end, end + 4);
  const negative = lastKeyword(text, NOT_PERSONAL_KEYWORDS, start - 30, start);
  const nearestPositive = Math.max(
    positive?.end ?? -1,
    adjacent && adjacent.end <= start ? adjacent.end : -1,
  );
  if (negative && negative.end > nearestPositive) return undefined;
  if (positive || adjacent) return positive && start - positive.end <= 10 ? 0.9 : 0.85;
  if (lastKeyword(text, ACCOUNT_KEYWORDS, end, end + 12)) return 0.85;
  return undefined;
}
