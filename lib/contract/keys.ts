/**
 * Where everything lives in the archive bucket, once: the functions and the
 * CLI write and read these keys, the infrastructure grants and expires these
 * prefixes. Pure: nothing read at import.
 *
 * - `raw/year=YYYY/month=MM/day=DD/<room_id>.json`: HappyTalk's answer, byte for byte;
 * - `transcripts/year=YYYY/month=MM/day=DD/<room_id>.json`: the transcript, one JSON line;
 * - `redacted/year=YYYY/month=MM/day=DD/<room_id>.json`: the transcript's redacted copy, for analytics;
 * - `index/rooms/<room_id>.json`: finds a room by id alone;
 * - `attachments/<sha256>`: an image, content-addressed;
 * - `state/completion-watcher.json`: the completion watcher's watermark.
 *
 * The date is the local date the room was registered, so Athena prunes by it.
 */
import { calendarDay, localDay } from '../shared/calendar.js';

/** The top-level prefixes of the bucket. */
export const PREFIX = {
  raw: 'raw/',
  transcripts: 'transcripts/',
  index: 'index/',
  attachments: 'attachments/',
  redacted: 'redacted/',
  state: 'state/',
} as const;

/** The prefixes of what the archive keeps for a room (the lifecycle's retention covers these). */
export const ARCHIVE_PREFIXES = {
  raw: PREFIX.raw,
  transcripts: PREFIX.transcripts,
  index: PREFIX.index,
  attachments: PREFIX.attachments,
  redacted: PREFIX.redacted,
} as const;

/** Where the room index entries are. */
export const INDEX_ROOMS_PREFIX = `${PREFIX.index}rooms/`;

/** The completion watcher's state object. */
export const WATCHER_STATE_KEY = `${PREFIX.state}completion-watcher.json`;

/** The date-partitioned areas. */
export type PartitionedArea = 'raw' | 'transcripts' | 'redacted';

/**
 * The Hive-style partition of a local date `YYYY-MM-DD`: `year=YYYY/month=MM/day=DD`.
 *
 * @throws Error when `localDate` is not `YYYY-MM-DD`
 */
export function partition(localDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!match) throw new Error(`invalid partition date ${JSON.stringify(localDate)}: expected YYYY-MM-DD`);
  return `year=${match[1]}/month=${match[2]}/day=${match[3]}`;
}

/** The prefix of one day of an area: `<area>/year=YYYY/month=MM/day=DD/`. */
export function partitionPrefix(area: PartitionedArea, localDate: string): string {
  return `${PREFIX[area]}${partition(localDate)}/`;
}

/** `raw/year=…/month=…/day=…/<room_id>.json`. */
export function rawKey(roomId: string, localDate: string): string {
  return `${partitionPrefix('raw', localDate)}${roomId}.json`;
}

/** `transcripts/year=…/month=…/day=…/<room_id>.json`. */
export function transcriptKey(roomId: string, localDate: string): string {
  return `${partitionPrefix('transcripts', localDate)}${roomId}.json`;
}

/** `redacted/year=…/month=…/day=…/<room_id>.json`: the transcript's redacted copy. */
export function redactedKey(roomId: string, localDate: string): string {
  return `${partitionPrefix('redacted', localDate)}${roomId}.json`;
}

/** `index/rooms/<room_id>.json`: finds a room by id alone. */
export function indexKey(roomId: string): string {
  return `${INDEX_ROOMS_PREFIX}${roomId}.json`;
}

/**
 * The key of the attachment whose bytes have this hex SHA-256.
 *
 * @throws TypeError when `sha256` is not 64 lowercase hex digits (never a path)
 */
export function attachmentKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError('an attachment key needs a hex SHA-256');
  return `${PREFIX.attachments}${sha256}`;
}

/** Where one room's objects live. */
export interface ArchiveKeys {
  readonly rawKey: string;
  readonly transcriptKey: string;
  readonly redactedKey: string;
  readonly indexKey: string;
}

/**
 * The keys of one room registered on `localDate` (`YYYY-MM-DD` in HappyTalk's time zone).
 *
 * @throws Error when `localDate` is not `YYYY-MM-DD`
 */
export function archiveKeys(roomId: string, localDate: string): ArchiveKeys {
  return {
    rawKey: rawKey(roomId, localDate),
    transcriptKey: transcriptKey(roomId, localDate),
    redactedKey: redactedKey(roomId, localDate),
    indexKey: indexKey(roomId),
  };
}

/** The same room and day in another partitioned area: the transcript of a raw key, its redacted copy, and back. */
export function keyBeside(key: string, area: PartitionedArea): string {
  return key.replace(/^(raw|transcripts|redacted)\//, PREFIX[area]);
}

/** A key of a date-partitioned area, read: `<area>/year=YYYY/month=MM/day=DD/<room_id>.json`. */
export interface ArchiveKey {
  readonly area: PartitionedArea;
  /** `YYYY-MM-DD`. */
  readonly day: string;
  readonly roomId: string;
  readonly key: string;
}

const PARTITIONED_KEY =
  /^(raw|transcripts|redacted)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/([A-Za-z0-9_-]{1,128})\.json$/;

/** Reads a partitioned key; undefined for any other key (stray objects are skipped, never guessed at). */
export function parseArchiveKey(key: string): ArchiveKey | undefined {
  const match = PARTITIONED_KEY.exec(key);
  if (!match) return undefined;
  const [, area, year, month, day, roomId] = match;
  if (area === undefined || roomId === undefined) return undefined;
  return { area: area as PartitionedArea, day: `${year}-${month}-${day}`, roomId, key };
}

/**
 * The partition date of a room: the date part of HappyTalk's `reg_date` as given
 * (it is already HappyTalk local time). When `reg_date` is missing or malformed,
 * the date `fallback` falls on in `timeZone` is used instead.
 */
export function partitionDate(regDate: unknown, fallback: Date, timeZone: string): string {
  if (typeof regDate === 'string') {
    const match = /^(\d{4}-\d{2}-\d{2})[ T]/.exec(regDate);
    if (match?.[1] !== undefined && !match[1].startsWith('0000') && calendarDay(match[1])) return match[1];
  }
  return localDay(fallback, timeZone);
}
