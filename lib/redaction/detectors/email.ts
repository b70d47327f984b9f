import type { Detection } from '../types.js';
import { detection } from './context.js';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// The local part starts where a run of its characters starts, so that a long run without "@" is read once.
const EMAIL = new RegExp(
  `(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9][A-Za-z0-9._%+\\-]{0,63}@${LABEL}(?:\\.${LABEL}){0,8}\\.[A-Za-z]{2,24}(?![A-Za-z0-9\\-])`,
  'g',
);

/** E-mail addresses (ASCII), also glued to Hangul: `메일은abc@naver.com이에요`. */
export function detectEmails(text: string): Detection[] {
  if (!text.includes('@')) return [];
  const found: Detection[] = [];
  for (const match of text.matchAll(EMAIL)) {
    found.push(detection('EMAIL', match.index, match.index + match[0].length, 0.99));
  }
  return found;
}
