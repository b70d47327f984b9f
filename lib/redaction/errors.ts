import { ArchiveError } from '../errors.js';

/** The pseudonym key is missing, too short or unreadable. Nothing was redacted. */
export class InvalidRedactionKeyError extends ArchiveError {
  readonly code = 'REDACTION_KEY';
  readonly retryable = false;
}

/** The input is not a transcript v1 the redactor can read (or is already a redacted copy). Nothing was written. */
export class InvalidTranscriptError extends ArchiveError {
  readonly code = 'INVALID_TRANSCRIPT';
  readonly retryable = false;
}
