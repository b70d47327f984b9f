/**
 * The redacted copy's settings, as the stack, the functions, the CLI and the
 * redactor name them: the mask a finding is replaced by, and what becomes of
 * counselors' names and ids. Pure.
 */

/** `type`: a finding becomes `[PHONE]`, `[RRN]`, …; `pii`: `[PII]`, whatever it is (`REDACTION_MASK`). */
export const REDACTION_MASKS = ['type', 'pii'] as const;
export type RedactionMask = (typeof REDACTION_MASKS)[number];

/** Counselors' names and ids kept as they are (`keep`) or replaced by keyed pseudonyms (`REDACTION_COUNSELORS`). */
export const COUNSELOR_OPTIONS = ['keep', 'pseudonymize'] as const;
export type CounselorOption = (typeof COUNSELOR_OPTIONS)[number];
