/**
 * The base of every error `lib/` raises on purpose. Each carries a stable
 * machine-readable `code` (used by the functions to pick an HTTP status or a
 * dead-letter reason) and says whether retrying the same work may succeed.
 *
 * Messages never contain secrets: the token and the secret string are never
 * interpolated into a message, and foreign errors are kept only as `cause`.
 */
export abstract class ArchiveError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The room id is not 1 to 128 characters of `[A-Za-z0-9_-]`. Nothing was fetched or written. */
export class InvalidRoomIdError extends ArchiveError {
  readonly code = 'INVALID_ROOM_ID';
  readonly retryable = false;
}

/** A required setting is missing or malformed (environment, flags or props). */
export class ConfigurationError extends ArchiveError {
  readonly code = 'CONFIGURATION';
  readonly retryable = false;
}

/**
 * The codes of errors every other room would hit too (refused credentials, an
 * upstream redirecting or echoing the credentials, no access to the bucket or
 * the secret, a bad setting): a run over many rooms stops at the first
 * instead of trying them all.
 */
export const FATAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'UPSTREAM_AUTH',
  'UPSTREAM_REJECTED',
  'UPSTREAM_REDIRECT',
  'UPSTREAM_ECHO',
  'STORAGE_ACCESS',
  'SECRET_ACCESS',
  'SECRET_MALFORMED',
  'CONFIGURATION',
]);

/** Renders an untrusted value for an error message: JSON-escaped and cut to a readable length. */
export function describeValue(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
