import { backOff } from 'exponential-backoff';
import { parseArchiveKey } from '../contract/keys.js';
import { ArchiveError } from '../errors.js';
import type { RedactedCopyMaker } from '../redaction/copy.js';
import type { DateRange } from '../retrieval/date-range.js';
import type { ArchiveReader } from '../retrieval/reader.js';
import { DEFAULT_CONCURRENCY, mapInOrder, objectsOf } from '../retrieval/scan.js';
import { ReindexConflictError } from './errors.js';
import type { RedactedCopyResult } from './redacted-copy.js';
import { RoomReindex } from './room-reindex.js';

/**
 * What `reindex` reads and writes through: the archive reader, and
 * conditional writes (`If-Match`, and `If-None-Match: *` for the first
 * transcript of a room) for the transcript and the index. It never writes
 * `raw/`. `S3ArchiveStore` is one.
 */
export interface ReindexStore extends ArchiveReader {
  putIfMatch(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
    etag: string,
  ): Promise<{ outcome: 'written'; versionId?: string; etag?: string } | { outcome: 'conflict' }>;
  putIfNoneMatch(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
  ): Promise<{ outcome: 'written'; versionId?: string; etag?: string } | { outcome: 'conflict' }>;
}

export interface ReindexOptions {
  /** IANA zone of HappyTalk's bare datetimes, as the archive was configured (`HAPPYTALK_TIMEZONE`). */
  readonly timeZone: string;
  /** Decide and report, write nothing. */
  readonly dryRun?: boolean;
  /**
   * The archive downloads images (`ATTACHMENT_ARCHIVING` on): an image the
   * transcript names anew (one the older archiver did not read) is marked
   * `attachment not archived` and counted in the index's `attachments_pending`,
   * so that the room's next `archive` downloads it. `reindex` itself fetches nothing.
   */
  readonly attachmentsEnabled?: boolean;
  /**
   * The redacted copies (`REDACTED_COPY` on): a room without one gets it, a
   * copy of an older redactor or of another pseudonym key is made again, and
   * a transcript derived again gets a new copy. Absent: copies are left as they are.
   */
  readonly redaction?: RedactedCopyMaker;
  readonly now?: () => Date;
  /** Rooms reindexed at once (default 8). */
  readonly concurrency?: number;
  /** Tries per room when its objects change under the reindex (default 5), with jittered backoff. */
  readonly maxAttempts?: number;
  /** The first backoff delay, in ms (default 200). */
  readonly retryDelayMs?: number;
  readonly onProgress?: (progress: ReindexProgress) => void;
}

export interface ReindexProgress {
  /** Rooms to reindex, as far as known. */
  readonly total: number;
  readonly done: number;
  readonly reindexed: number;
  readonly unchanged: number;
  readonly failed: number;
}

/** The JSON line `reindex` prints for one room. */
export type ReindexResult =
  | {
      readonly room_id: string;
      /** Written (or, with `dry_run`, to be written): a new transcript version and index. */
      readonly status: 'reindexed';
      readonly dry_run?: true;
      /** The archiver version that derived the transcript before. */
      readonly archiver_version: string;
      readonly current_version: string;
      /** Where the transcript changes (paths only: values can be personal data), at most 20. */
      readonly differences: readonly string[];
      readonly transcript_key: string;
      readonly transcript_version_id?: string;
      /** Images the transcript names that are not archived yet: the room's next archive downloads them. */
      readonly attachments_pending?: number;
      /** The transcript was already derived again, but the index still pointed at the version before. */
      readonly index_repaired?: true;
      /**
       * The room's archived answer was unprocessable (`archiver_version` could not
       * normalize it): this is its first transcript.
       */
      readonly was_unprocessable?: true;
      /** What became of the redacted copy (when copies are on); alone, with no `differences`, when only it was written. */
      readonly redacted?: RedactedCopyResult;
    }
  | {
      readonly room_id: string;
      readonly status: 'unchanged';
      readonly archiver_version: string;
      /** The redacted copy: `current`, or `pending` when it cannot be made (when copies are on). */
      readonly redacted?: RedactedCopyResult;
    }
  | {
      readonly room_id: string;
      readonly status: 'failed';
      readonly error: { readonly code: string; readonly message: string };
    };

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_RETRY_DELAY_MS = 200;
const MAX_RETRY_DELAY_MS = 5_000;

/** Reindexes the rooms named, in that order. */
export async function* reindexRooms(
  store: ReindexStore,
  roomIds: readonly string[],
  options: ReindexOptions,
): AsyncGenerator<ReindexResult> {
  yield* reindexEach(store, roomIds, options);
}

/**
 * Reindexes every room that has a raw object in the date partitions of
 * `range`, by room id. Raw objects are what transcripts derive from, so a room
 * whose transcript is missing is listed too (and fails, naming it).
 */
export async function* reindexRange(
  store: ReindexStore,
  range: DateRange,
  options: ReindexOptions,
): AsyncGenerator<ReindexResult> {
  const rooms = new Set<string>();
  for await (const page of objectsOf(store, 'raw', range)) {
    for (const object of page) {
      const location = parseArchiveKey(object.key);
      if (location) rooms.add(location.roomId);
    }
  }
  yield* reindexEach(store, [...rooms].sort(), options);
}

async function* reindexEach(
  store: ReindexStore,
  roomIds: readonly string[],
  options: ReindexOptions,
): AsyncGenerator<ReindexResult> {
  const progress = { total: roomIds.length, done: 0, reindexed: 0, unchanged: 0, failed: 0 };
  options.onProgress?.({ ...progress });
  const reindexOne = async (roomId: string) => {
    const result = await reindexRoom(store, roomId, options);
    progress.done += 1;
    progress[result.status] += 1;
    options.onProgress?.({ ...progress });
    return result;
  };
  yield* mapInOrder(roomIds, options.concurrency ?? DEFAULT_CONCURRENCY, reindexOne);
}

/**
 * Derives one room's transcript again from its archived raw bytes with this
 * archiver, and, where it differs from the stored transcript (the fetch time,
 * the archiver version and `reindexed_at` aside), writes it as a new version
 * (`source.archiver_version` this one, `source.reindexed_at` now) and then the
 * index, each with `If-Match` on what was read: a room archived meanwhile is
 * decided again, and an older answer never replaces a newer one. What the
 * archive added to the stored transcript is kept: archived attachments, their
 * warnings, the warning of a room archived while open. Never calls HappyTalk,
 * never writes `raw/`.
 *
 * With `options.redaction`, the room's redacted copy is kept in step: made
 * when it is missing (pending, or archived before copies), made again when
 * its redactor is older than this one or its pseudonym key is not the one in
 * use, and with every transcript written; written beside the transcript,
 * before the index (a room whose transcript is unchanged can be `reindexed`
 * for its copy alone). When the key cannot be read, the copy is `pending` and
 * nothing of it is written.
 *
 * A room whose index marks its answer unprocessable is normalized from its
 * raw bytes: when this archiver can, its first transcript and a transcript
 * index are written (`reindexed`, `was_unprocessable`); otherwise it fails
 * with `UNPROCESSABLE_RESPONSE` and nothing is written.
 *
 * Errors of the archive (`ArchiveError`) become a `failed` result; others,
 * such as a programming error, are thrown.
 */
export async function reindexRoom(
  store: ReindexStore,
  roomId: string,
  options: ReindexOptions,
): Promise<ReindexResult> {
  const attempt = new RoomReindex(store, roomId, options);
  try {
    return await backOff(() => attempt.run(), {
      numOfAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      startingDelay: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      maxDelay: MAX_RETRY_DELAY_MS,
      jitter: 'full',
      retry: (error) => error instanceof ReindexConflictError,
    });
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    return { room_id: roomId, status: 'failed', error: { code: error.code, message: error.message } };
  }
}
