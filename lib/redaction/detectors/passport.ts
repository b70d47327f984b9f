import type { Detection } from '../types.js';
import { detection, keywordNear } from './context.js';

// [MSROD] and 8 digits, or the format of 2021 on (M, 3 digits, a letter, 4 digits).
const PASSPORT = /(?<![0-9A-Za-z])(?:[MSRODmsrod]\d{8}|[Mm]\d{3}[A-Za-z]\d{4})(?![0-9A-Za-z])/g;
const PASSPORT_KEYWORDS = /여권|passport/gi;

/** Korean passport numbers, only beside 여권 (24 characters before, 16 after). */
export function detectPassports(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(PASSPORT)) {
    const span = { start: match.index, end: match.index + match[0].length };
    if (!keywordNear(text, PASSPORT_KEYWORDS, span, 24, 16)) continue;
    found.push(detection('PASSPORT', span.start, span.end, 0.92));
  }
  return found;
}
