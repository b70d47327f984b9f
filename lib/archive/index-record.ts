import { CorruptArchiveError } from './errors.js';

/**
 * `index/rooms/<room_id>.json`: what was archived last for a room. Either a
 * transcript and the raw answer it was made from, or (`status:
 * "unprocessable"`) only a raw answer the normalizer could not process.
 */
export type IndexRecord = TranscriptIndexRecord | UnprocessableIndexRecord;

/** The index of a room whose last archived answer was normalized into a transcript. */
export interface TranscriptIndexRecord {
  readonly room_id: string;
  /** Absent: this record is of a transcript. */
  readonly status?: undefined;
  readonly transcript_key: string;
  readonly raw_key: string;
  /** Hex SHA-256 of the raw response bytes. */
  readonly sha256: string;
  /** UTC ISO 8601 time of the archive. */
  readonly archived_at: string;
  readonly schema_version: number;
  readonly message_count: number;
  /** The room's status code at archive time (e.g. "2" completed), or null. */
  readonly chat_status: string | null;
  /** The room's completion time (ISO 8601 with offset), or null while open. */
  readonly completed_at: string | null;
  /** When HappyTalk answered (UTC ISO 8601): the archive keeps the newest answer. */
  readonly fetched_at?: string;
  /** The S3 versions the index points at, when the bucket is versioned. */
  readonly raw_version_id?: string;
  readonly transcript_version_id?: string;
  /**
   * The entity tags of those versions when they were written: the next
   * archive of the room writes over them with `If-Match` without reading
   * them first (a tag that is no longer the latest makes that write fail,
   * and the object is then read).
   */
  readonly raw_etag?: string;
  readonly transcript_etag?: string;
  /** When `reindex` last derived the transcript again from the raw response (UTC ISO 8601). */
  readonly reindexed_at?: string;
  /**
   * Messages of the transcript whose image is not archived yet, each named by
   * an `attachment not archived` warning: the next archive of the room retries
   * them, even when HappyTalk's answer is unchanged. Absent when there are none.
   */
  readonly attachments_pending?: number;
  /**
   * The transcript's redacted copy (`redacted/year=…/<room_id>.json`, for
   * analytics), when one was written: its key, version, the SHA-256 of its
   * bytes, the redactor version that made it and the fingerprint of the
   * pseudonym key (`redaction.redactor_version`, `redaction.pseudonym_key_id`).
   */
  readonly redacted_key?: string;
  readonly redacted_version_id?: string;
  /** The copy's entity tag when it was written (see {@link TranscriptIndexRecord.raw_etag}). */
  readonly redacted_etag?: string;
  readonly redacted_sha256?: string;
  readonly redactor_version?: string;
  readonly redaction_key_id?: string;
  /**
   * The redacted copy could not be made (the pseudonym key could not be read):
   * why, in fixed words (`RedactionPendingReason`). The transcript is
   * archived; the next archive of the room, or `reindex`, makes the copy.
   */
  readonly redaction_pending?: string;
}

/** The index without what it says of the redacted copy. */
export function withoutRedactedCopy(index: TranscriptIndexRecord): TranscriptIndexRecord {
  const {
    redacted_key: _key,
    redacted_version_id: _version,
    redacted_etag: _etag,
    redacted_sha256: _sha256,
    redactor_version: _redactor,
    redaction_key_id: _keyId,
    redaction_pending: _pending,
    ...kept
  } = index;
  return kept;
}

/**
 * The index of a room whose last archived answer could not be normalized (see
 * `UnprocessableResponseError`): the raw bytes are archived as evidence, and
 * there is no transcript of them. Archiving the room again normalizes the
 * answer again, even when it is unchanged: a later normalizer may process it.
 */
export interface UnprocessableIndexRecord {
  readonly room_id: string;
  readonly status: 'unprocessable';
  /** No transcript holds this answer. */
  readonly transcript_key: null;
  readonly raw_key: string;
  /** Hex SHA-256 of the raw response bytes. */
  readonly sha256: string;
  /** UTC ISO 8601 time of the archive. */
  readonly archived_at: string;
  /** When HappyTalk answered (UTC ISO 8601). */
  readonly fetched_at: string;
  /** The URL that was called (a transcript derived later records it as its source). */
  readonly endpoint: string;
  readonly raw_version_id?: string;
  /** The raw version's entity tag when it was written (see {@link TranscriptIndexRecord.raw_etag}). */
  readonly raw_etag?: string;
  /** Why the answer could not be normalized, in fixed words. */
  readonly reason: string;
  /** The archiver version that could not normalize it. */
  readonly archiver_version: string;
}

/** Whether the index is of an unprocessable answer (no transcript). */
export function isUnprocessable(index: IndexRecord): index is UnprocessableIndexRecord {
  return index.status === 'unprocessable';
}

/**
 * Reads an index object's text as an index record.
 *
 * @throws CorruptArchiveError when it is not one
 */
export function parseIndex(body: string, key: string): IndexRecord {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isIndexRecord(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new CorruptArchiveError(`${key} is not an index record`);
}

function isIndexRecord(value: unknown): value is IndexRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const located =
    typeof record.room_id === 'string' &&
    typeof record.raw_key === 'string' &&
    typeof record.sha256 === 'string' &&
    typeof record.archived_at === 'string';
  if (record.status === 'unprocessable') {
    return (
      located &&
      record.transcript_key === null &&
      typeof record.fetched_at === 'string' &&
      typeof record.endpoint === 'string' &&
      typeof record.reason === 'string'
    );
  }
  return (
    located &&
    record.status === undefined &&
    typeof record.transcript_key === 'string' &&
    typeof record.schema_version === 'number'
  );
}
