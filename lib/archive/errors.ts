import { ArchiveError } from '../errors.js';

/** S3 refused access (wrong bucket, missing permission or KMS grant): a configuration problem. */
export class StorageAccessError extends ArchiveError {
  readonly code = 'STORAGE_ACCESS';
  readonly retryable = false;
}

/** S3 failed or throttled after the SDK's own retries, or the connection broke. */
export class StorageUnavailableError extends ArchiveError {
  readonly code = 'STORAGE_UNAVAILABLE';
  readonly retryable = true;
}

/** An archived object is not what the archive wrote (e.g. an index that is not JSON). */
export class CorruptArchiveError extends ArchiveError {
  readonly code = 'ARCHIVE_CORRUPT';
  readonly retryable = false;
}

/**
 * The room is still waiting or in progress at HappyTalk, and the caller asked
 * for final rooms only (an event can arrive a moment before the room closes).
 * Retrying later may find it completed.
 */
export class RoomNotFinalError extends ArchiveError {
  readonly code = 'ROOM_NOT_FINAL';
  readonly retryable = true;
  constructor(
    message: string,
    readonly status: string,
  ) {
    super(message);
  }
}
