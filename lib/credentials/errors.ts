import { ArchiveError } from '../errors.js';

/** The secret holding the HappyTalk token is empty or malformed. Fix the secret; retrying cannot help. */
export class SecretFormatError extends ArchiveError {
  readonly code = 'SECRET_MALFORMED';
  readonly retryable = false;
}

/** The secret does not exist or this role may not read it. */
export class SecretAccessError extends ArchiveError {
  readonly code = 'SECRET_ACCESS';
  readonly retryable = false;
}

/** Secrets Manager is throttling or unreachable. */
export class SecretUnavailableError extends ArchiveError {
  readonly code = 'SECRET_UNAVAILABLE';
  readonly retryable = true;
}
