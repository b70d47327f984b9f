/**
 * The order of a transcript's messages, and what follows from it: messages by
 * `sent_at` (the instant), then by `id` (two ids of digits only by their
 * value, however long; digit-only ids before the others, which compare by
 * UTF-16 code units); messages without a usable `sent_at` last; equal keys in
 * the raw order. And the statistics that read the ordered messages.
 */
import type { Message } from './schema.js';

const DIGITS = /^\d+$/;
const DIGIT_ZERO = 48;
const UNKNOWN_SENDER = 'unknown';

/** Orders by sent_at instant, then id, then raw position (see normalizeRoom). */
export function sortMessages(messages: Message[]): Message[] {
  for (let index = 1; index < messages.length; index++) {
    const previous = messages[index - 1];
    const current = messages[index];
    if (previous !== undefined && current !== undefined && compareMessages(previous, current) > 0) {
      // Array.prototype.sort is stable: equal keys keep the raw order.
      return messages.sort(compareMessages);
    }
  }
  return messages;
}

function compareMessages(a: Message, b: Message): number {
  return compareSentAt(a.sent_at, b.sent_at) || compareIds(a.id, b.id);
}

function compareSentAt(a: string | null, b: string | null): number {
  if (a === null || b === null) {
    return a === b ? 0 : a === null ? 1 : -1;
  }
  // Times with the same offset compare as text; only those around a DST change need parsing.
  if (sameOffset(a, b)) {
    return a === b ? 0 : a < b ? -1 : 1;
  }
  return Date.parse(a) - Date.parse(b);
}

const OFFSET_START = 'YYYY-MM-DDTHH:MM:SS'.length;

function sameOffset(a: string, b: string): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let index = OFFSET_START; index < a.length; index++) {
    if (a.charCodeAt(index) !== b.charCodeAt(index)) {
      return false;
    }
  }
  return true;
}

export function compareIds(a: string, b: string): number {
  const aIsNumber = DIGITS.test(a);
  const bIsNumber = DIGITS.test(b);
  if (aIsNumber !== bIsNumber) {
    return aIsNumber ? -1 : 1;
  }
  const byNumber = aIsNumber ? compareDigits(a, b) : 0;
  if (byNumber !== 0 || a === b) {
    return byNumber;
  }
  return a < b ? -1 : 1;
}

/** Compares two digit strings by their value, however long, without converting them to numbers. */
function compareDigits(a: string, b: string): number {
  const startA = significantStart(a);
  const startB = significantStart(b);
  const lengthDifference = a.length - startA - (b.length - startB);
  if (lengthDifference !== 0) {
    return lengthDifference;
  }
  for (let offset = 0; startA + offset < a.length; offset++) {
    const difference = a.charCodeAt(startA + offset) - b.charCodeAt(startB + offset);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}

// The index of the first significant digit: leading zeros skipped, the last digit kept.
function significantStart(digits: string): number {
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === DIGIT_ZERO) {
    start++;
  }
  return start;
}

export function countBySender(messages: readonly Message[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) {
    const sender = message.sender?.name ?? message.sender?.code ?? UNKNOWN_SENDER;
    counts.set(sender, (counts.get(sender) ?? 0) + 1);
  }
  return Object.fromEntries(counts);
}

// Messages without sent_at sort last, so the first and last with one are the earliest and latest.
export function firstSentAt(messages: readonly Message[]): string | null {
  return messages[0]?.sent_at ?? null;
}

export function lastSentAt(messages: readonly Message[]): string | null {
  for (let index = messages.length - 1; index >= 0; index--) {
    const sentAt = messages[index]?.sent_at;
    if (sentAt != null) {
      return sentAt;
    }
  }
  return null;
}

export function secondsBetween(start: string | null, end: string | null): number | null {
  if (start === null || end === null) {
    return null;
  }
  return (Date.parse(end) - Date.parse(start)) / 1000;
}
