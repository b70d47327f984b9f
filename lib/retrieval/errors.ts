import { ArchiveError } from '../errors.js';

/** A `--from`/`--to` range that is not two calendar days in order, or is too long. */
export class InvalidDateRangeError extends ArchiveError {
  readonly code = 'INVALID_DATE_RANGE';
  readonly retryable = false;
}

/** The archive has no index for the room: it was never archived (or the index was removed). */
export class RoomNotArchivedError extends ArchiveError {
  readonly code = 'NOT_ARCHIVED';
  readonly retryable = false;
}

/**
 * The room's last archived answer could not be normalized: the archive holds
 * its raw bytes, and no transcript of it (the index is marked `unprocessable`).
 */
export class RoomUnprocessableError extends ArchiveError {
  readonly code = 'UNPROCESSABLE_RESPONSE';
  readonly retryable = false;
}

/**
 * The room has no redacted copy to read: it is pending (its pseudonym key
 * could not be read when the room was archived), the room was archived before
 * copies were written, or copies are off. `reindex` makes it.
 */
export class NoRedactedCopyError extends ArchiveError {
  readonly code = 'NO_REDACTED_COPY';
  readonly retryable = false;
}

/** The S3 version asked for does not exist for the room's object. */
export class UnknownVersionError extends ArchiveError {
  readonly code = 'UNKNOWN_VERSION';
  readonly retryable = false;
}

/** The export directory is not empty, and the caller did not force writing into it. */
export class ExportDirectoryNotEmptyError extends ArchiveError {
  readonly code = 'EXPORT_DIRECTORY_NOT_EMPTY';
  readonly retryable = false;
}

/**
 * The export would write where it must not: `--out` is a symbolic link, not a
 * directory, or cannot be created, or a file it writes appeared meanwhile (it
 * never writes through an existing entry).
 */
export class ExportPathError extends ArchiveError {
  readonly code = 'EXPORT_PATH_REFUSED';
  readonly retryable = false;
}
