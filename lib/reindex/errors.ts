import type { ObjectHead } from '../archive/s3-objects.js';
import { ArchiveError } from '../errors.js';

/**
 * The archived raw bytes do not have the SHA-256 the index records: a
 * transcript is never derived from them (`verify` says more).
 */
export class RawIntegrityError extends ArchiveError {
  readonly code = 'RAW_SHA256_MISMATCH';
  readonly retryable = false;
}

/** The archived raw response is not a `chat_data` success response holding the room. */
export class RawUnreadableError extends ArchiveError {
  readonly code = 'RAW_UNREADABLE';
  readonly retryable = false;
}

/** A newer archiver than this one derived the transcript: this one does not write over it. */
export class NewerArchiverError extends ArchiveError {
  readonly code = 'NEWER_ARCHIVER';
  readonly retryable = false;
}

/**
 * The room's objects kept changing under the reindex (an archive of the room
 * in progress, or an index behind its transcript): nothing more was written.
 * Running `reindex` again later decides anew.
 */
export class ReindexConflictError extends ArchiveError {
  readonly code = 'CONFLICT';
  readonly retryable = true;
}

/**
 * Refuses to write over `object` when it holds a newer answer than the one the
 * reindex derives from (its `fetched-at` later than `answeredAt`): an archive
 * of the room is writing it, and its index has not landed yet. The reindex
 * backs off and decides again from the index that archive writes; written
 * over, the newer answer's object would stay behind the older one as the
 * latest version (what Athena reads), with the index pinning its own.
 *
 * @throws ReindexConflictError
 */
export function refuseNewerAnswer(object: ObjectHead | undefined, answeredAt: string, what: string): void {
  const fetchedAt = object?.metadata['fetched-at'];
  if (fetchedAt !== undefined && fetchedAt > answeredAt) {
    throw new ReindexConflictError(
      `${what} holds a newer answer than its index: an archive of the room is in progress`,
    );
  }
}
