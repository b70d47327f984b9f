import { detectAccounts } from './detectors/account.js';
import { detectAddresses } from './detectors/address.js';
import { detectBirthDates } from './detectors/birth-date.js';
import { detectBusinessNumbers } from './detectors/business-number.js';
import { detectCards } from './detectors/card.js';
import { detectDriverLicenses } from './detectors/driver-license.js';
import { detectEmails } from './detectors/email.js';
import { detectNames } from './detectors/name.js';
import { detectPassports } from './detectors/passport.js';
import { detectPhones } from './detectors/phone.js';
import { detectRrn } from './detectors/rrn.js';
import { matchTextOf, originalSpan } from './text.js';
import type { Detection, EntityType } from './types.js';

/** What {@link detectPii} looks for. */
export interface DetectOptions {
  /** Also look for names before honorifics (P2, a best effort with false positives); default false. */
  readonly names?: boolean;
  /** Findings below this confidence are dropped; default 0.5. */
  readonly minConfidence?: number;
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;

/** When two findings overlap and are as sure, the one of the earlier type wins. */
const PRECEDENCE: readonly EntityType[] = [
  'EMAIL',
  'RRN',
  'CARD',
  'PHONE',
  'BUSINESS_NUMBER',
  'DRIVER_LICENSE',
  'PASSPORT',
  'ACCOUNT',
  'BIRTH_DATE',
  'ADDRESS',
  'NAME',
];

const HAS_DIGIT = /[0-9０-９]/;

/**
 * Finds personal data in one string: every P0 and P1 type (and names with
 * `names`), matched on the folded text (full-width forms, dash variants,
 * `%XX` escapes) and reported at the original string's offsets, overlaps
 * resolved (the surer finding, then the type of higher precedence, wins),
 * in order. Pure and linear in the string's length.
 */
export function detectPii(value: string, options: DetectOptions = {}): Detection[] {
  const hasDigit = HAS_DIGIT.test(value);
  const mayHaveEmail = value.includes('@') || value.includes('＠') || value.includes('%40');
  if (!hasDigit && !mayHaveEmail && !options.names) return [];
  const match = matchTextOf(value);
  const text = match.text;
  const candidates: Detection[] = [];
  if (mayHaveEmail) candidates.push(...detectEmails(text));
  if (hasDigit) {
    candidates.push(
      ...detectRrn(text),
      ...detectPhones(text),
      ...detectCards(text),
      ...detectAccounts(text),
      ...detectPassports(text),
      ...detectDriverLicenses(text),
      ...detectBusinessNumbers(text),
      ...detectBirthDates(text),
      ...detectAddresses(text),
    );
  }
  if (options.names) candidates.push(...detectNames(text));
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const kept = resolveOverlaps(
    candidates.filter((candidate) => candidate.confidence >= minConfidence),
    text.length,
  );
  return kept.map((finding) => {
    const [start, end] = originalSpan(match, finding.start, finding.end);
    return { ...finding, start, end };
  });
}

/** Keeps the surest of overlapping findings, in text order; linear in the text's length. */
export function resolveOverlaps(candidates: readonly Detection[], textLength: number): Detection[] {
  if (candidates.length <= 1) return [...candidates];
  const ordered = [...candidates].sort(
    (a, b) =>
      b.confidence - a.confidence ||
      PRECEDENCE.indexOf(a.type) - PRECEDENCE.indexOf(b.type) ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  const taken = new Uint8Array(textLength);
  const kept: Detection[] = [];
  for (const candidate of ordered) {
    let free = true;
    for (let index = candidate.start; index < candidate.end; index++) {
      if (taken[index]) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    taken.fill(1, candidate.start, candidate.end);
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
