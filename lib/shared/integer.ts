/**
 * The one rule every setting that is a whole number is read by (environment
 * variables, CDK context, simulator settings, CLI flags): optional white space
 * around an optional sign and decimal digits, a safe integer. Anything else
 * (`1e3`, `1.0`, `0x10`, an empty text) is not a whole number: undefined. The
 * range is the caller's to check, and to name in its message.
 */
export function parseWholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** `from min to max`, or `of at least min` when there is no maximum: how a range reads in a message. */
export function describeRange(min: number, max: number): string {
  return Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER
    ? `from ${min} to ${max}`
    : `of at least ${min}`;
}
