import { CorruptArchiveError } from '../archive/errors.js';
import { type IndexRecord, isUnprocessable, type UnprocessableIndexRecord } from '../archive/index-record.js';
import type { ObjectHead } from '../archive/s3-objects.js';
import { keyBeside, parseArchiveKey } from '../contract/keys.js';
import { parseChatData } from '../happytalk/client.js';
import { sha256Hex } from '../shared/hash.js';
import { transcriptOf } from '../transcript/normalize.js';
import type { Transcript } from '../transcript/schema.js';
import { encodeProcessable, normalizeProcessable } from '../transcript/unprocessable.js';
import { ARCHIVER_VERSION } from '../version.js';
import { compareArchiverVersion } from '../version-order.js';
import type { DateRange } from './date-range.js';
import type { ArchiveReader } from './reader.js';
import { DEFAULT_CONCURRENCY, mapInOrder, objectsOf, parseTranscriptLine } from './scan.js';
import { transcriptDifferences } from './transcript-differences.js';
import { checkRedactedCopy, describeObject } from './verify-redacted.js';

/**
 * The checks `verify` runs on a room, by the name its mismatches carry:
 *
 * - `index.present`, `index.parse`: `index/rooms/<room_id>.json` exists and is an index record.
 * - `index.raw-key`, `index.transcript-key` (range only): an object found in the range's partitions
 *   is the one the index points at.
 * - `raw.present`: the raw object the index points at (its pinned version, if any) exists.
 * - `raw.sha256`: the SHA-256 of its bytes, recomputed, is the index's `sha256`.
 * - `raw.metadata-sha256`: its `sha256` metadata is that recomputed SHA-256.
 * - `raw.parse`: the raw bytes are a `chat_data` success response holding the room.
 * - `transcript.present`, `transcript.parse`: the transcript exists and is a transcript v1.
 * - `transcript.room-id`: its `room_id` is the room's.
 * - `transcript.source-sha256`: its `source.sha256` is the index's `sha256`.
 * - `transcript.renormalize`: normalizing the raw bytes again (with the transcript's own endpoint,
 *   fetch time and archiver version, and the configured time zone) gives the same transcript, apart
 *   from what the archive adds after normalizing (see {@link transcriptDifferences}). When it does
 *   not, but an older archiver version derived the transcript and the raw bytes are the ones indexed,
 *   the room is `stale` instead (not a mismatch): `reindex` derives it again.
 * - `transcript.archiver-version`: the transcript differs and was derived by a newer archiver than
 *   this one, which therefore cannot judge it.
 * - `index.latest-raw`, `index.latest-transcript`: the latest version of each object carries the
 *   index's `sha256` as metadata (the index is not stale).
 * - `redacted.present`, `redacted.sha256`, `redacted.source-sha256` (when the index records a redacted
 *   copy): the copy exists (its pinned version, if any), its bytes have the SHA-256 the index records,
 *   and it is the copy of the indexed answer (its `source.sha256`). A room whose index records no copy
 *   (pending, or archived before copies were written) is no mismatch: `redacted_copy` says so.
 *
 * A room whose index is marked `unprocessable` (its last answer could not be normalized) has no
 * transcript to check: its raw object is checked, and the verification says so (`unprocessable`),
 * with whether the current normalizer can process the answer now.
 */
export type VerifyCheck =
  | 'index.present'
  | 'index.parse'
  | 'index.raw-key'
  | 'index.transcript-key'
  | 'raw.present'
  | 'raw.sha256'
  | 'raw.metadata-sha256'
  | 'raw.parse'
  | 'transcript.present'
  | 'transcript.parse'
  | 'transcript.room-id'
  | 'transcript.source-sha256'
  | 'transcript.renormalize'
  | 'transcript.archiver-version'
  | 'index.latest-raw'
  | 'index.latest-transcript'
  | 'redacted.present'
  | 'redacted.sha256'
  | 'redacted.source-sha256';

/** One check a room failed: what the archive should hold, and what it holds. */
export interface Mismatch {
  readonly room_id: string;
  readonly check: VerifyCheck;
  readonly expected: string;
  readonly found: string;
}

/**
 * A transcript that differs from what this archiver derives from the raw bytes
 * only because an older archiver version derived it.
 */
export interface StaleTranscript {
  /** The version recorded in the transcript (`source.archiver_version`). */
  readonly archiver_version: string;
  /** This archiver's version. */
  readonly current_version: string;
  /** Where the transcript differs (paths only: values can be personal data), at most 20. */
  readonly differences: readonly string[];
}

/**
 * The verification of one room: `ok` (no mismatch; a stale transcript is no
 * mismatch), `status` `ok`, `stale` (see {@link StaleTranscript}) or `mismatch`.
 */
export interface RoomVerification {
  readonly room_id: string;
  readonly ok: boolean;
  readonly status: 'ok' | 'stale' | 'mismatch';
  readonly mismatches: readonly Mismatch[];
  /** Present when the index is marked `unprocessable`: the answer is kept as raw bytes only. */
  readonly unprocessable?: UnprocessableFinding;
  readonly stale?: StaleTranscript;
  /**
   * The index records no redacted copy: `pending` (its pseudonym key could
   * not be read; `reindex` makes it) or `missing` (archived before copies were
   * written, or copies off).
   */
  readonly redacted_copy?: 'pending' | 'missing';
}

/** What `verify` says of a room whose last answer could not be normalized. */
export interface UnprocessableFinding {
  /** Why, as the index records it. */
  readonly reason: string;
  readonly raw_key: string;
  /** The normalizer of this version processes the archived answer: archiving the room again gives its transcript. */
  readonly processable_now: boolean;
}

const MAX_DIFFERENCES = 3;

export interface VerifyOptions {
  /** IANA zone of HappyTalk's bare datetimes, as the archive was configured (`HAPPYTALK_TIMEZONE`). */
  readonly timeZone: string;
  /** Redacted copies are on (`REDACTED_COPY`): say of a room without one (`redacted_copy`). */
  readonly expectCopies?: boolean;
  /** Rooms verified at once (default 8). */
  readonly concurrency?: number;
  readonly onProgress?: (progress: VerifyProgress) => void;
}

export interface VerifyProgress {
  /** Rooms to verify, as far as known. */
  readonly total: number;
  readonly verified: number;
  readonly failed: number;
  readonly stale: number;
}

/** The objects of a room found in the partitions of a range. */
export interface FoundObjects {
  readonly raw: readonly string[];
  readonly transcripts: readonly string[];
}

/** Verifies the rooms named, in that order. */
export async function* verifyRooms(
  reader: ArchiveReader,
  roomIds: readonly string[],
  options: VerifyOptions,
): AsyncGenerator<RoomVerification> {
  yield* verifyEach(
    reader,
    roomIds.map((roomId) => ({ roomId })),
    options,
  );
}

/**
 * Verifies every room that has a raw object or a transcript in the date
 * partitions of `range` (so a raw object without its transcript is caught, as
 * is a room without an index), by room id.
 */
export async function* verifyRange(
  reader: ArchiveReader,
  range: DateRange,
  options: VerifyOptions,
): AsyncGenerator<RoomVerification> {
  const rooms = new Map<string, { raw: string[]; transcripts: string[] }>();
  for (const area of ['raw', 'transcripts'] as const) {
    for await (const page of objectsOf(reader, area, range)) {
      for (const object of page) {
        const location = parseArchiveKey(object.key);
        if (!location) continue;
        const found = rooms.get(location.roomId) ?? { raw: [], transcripts: [] };
        found[area === 'raw' ? 'raw' : 'transcripts'].push(location.key);
        rooms.set(location.roomId, found);
      }
    }
    options.onProgress?.({ total: rooms.size, verified: 0, failed: 0, stale: 0 });
  }
  const sorted = [...rooms.keys()].sort();
  yield* verifyEach(
    reader,
    sorted.map((roomId) => ({ roomId, found: rooms.get(roomId) })),
    options,
  );
}

async function* verifyEach(
  reader: ArchiveReader,
  rooms: readonly { roomId: string; found?: FoundObjects | undefined }[],
  options: VerifyOptions,
): AsyncGenerator<RoomVerification> {
  const progress = { total: rooms.length, verified: 0, failed: 0, stale: 0 };
  const verifyOne = async (room: { roomId: string; found?: FoundObjects | undefined }) => {
    const result = await verifyRoom(reader, room.roomId, {
      timeZone: options.timeZone,
      found: room.found,
      ...(options.expectCopies ? { expectCopies: true } : {}),
    });
    progress.verified += 1;
    if (!result.ok) progress.failed += 1;
    if (result.status === 'stale') progress.stale += 1;
    options.onProgress?.({ ...progress });
    return result;
  };
  yield* mapInOrder(rooms, options.concurrency ?? DEFAULT_CONCURRENCY, verifyOne);
}

/**
 * Runs every check (see {@link VerifyCheck}) on one room. Checks are
 * independent: one tampered object can fail several.
 *
 * @param options.found the room's objects found in a range's partitions, to check against the index
 * @param options.expectCopies copies are on: a room whose index records none is said to have none
 * @throws StorageAccessError, StorageUnavailableError (S3 failing is not a mismatch)
 */
export async function verifyRoom(
  reader: ArchiveReader,
  roomId: string,
  options: { timeZone: string; found?: FoundObjects | undefined; expectCopies?: boolean },
): Promise<RoomVerification> {
  const mismatches: Mismatch[] = [];
  let stale: StaleTranscript | undefined;
  const mismatch = (check: VerifyCheck, expected: string, found: string) => {
    mismatches.push({ room_id: roomId, check, expected, found });
  };
  let copy: RoomVerification['redacted_copy'];
  const done = (): RoomVerification => {
    const noted = copy ? { redacted_copy: copy } : {};
    if (mismatches.length > 0)
      return { room_id: roomId, ok: false, status: 'mismatch', mismatches, ...noted };
    if (stale) return { room_id: roomId, ok: true, status: 'stale', mismatches, stale, ...noted };
    return { room_id: roomId, ok: true, status: 'ok', mismatches, ...noted };
  };

  let index: IndexRecord | undefined;
  try {
    index = await reader.readIndex(roomId);
  } catch (error) {
    if (!(error instanceof CorruptArchiveError)) throw error;
    mismatch('index.parse', 'an index record', error.message);
    return done();
  }
  if (!index) {
    mismatch('index.present', `index/rooms/${roomId}.json`, 'missing');
    checkPartners(options.found, mismatch);
    return done();
  }
  for (const key of options.found?.raw ?? []) {
    if (key !== index.raw_key) mismatch('index.raw-key', index.raw_key, key);
  }
  const transcriptKey = index.transcript_key;
  // Beside an unprocessable answer, a transcript in the partition is of an earlier answer: expected.
  if (transcriptKey !== null) {
    for (const key of options.found?.transcripts ?? []) {
      if (key !== transcriptKey) mismatch('index.transcript-key', transcriptKey, key);
    }
  }

  const raw = await reader.readObject(index.raw_key, index.raw_version_id);
  let rawSha256: string | undefined;
  if (!raw) {
    mismatch('raw.present', describeObject(index.raw_key, index.raw_version_id), 'missing');
  } else {
    rawSha256 = sha256Hex(raw.body);
    if (rawSha256 !== index.sha256) mismatch('raw.sha256', index.sha256, rawSha256);
    const metadata = raw.metadata.sha256;
    if (metadata !== rawSha256)
      mismatch('raw.metadata-sha256', rawSha256, metadata ?? '(no sha256 metadata)');
  }

  if (isUnprocessable(index)) {
    await checkLatest(
      reader,
      index.sha256,
      [['index.latest-raw', index.raw_key, index.raw_version_id, raw]],
      mismatch,
    );
    const unprocessable: UnprocessableFinding = {
      reason: index.reason,
      raw_key: index.raw_key,
      processable_now:
        raw !== undefined &&
        rawSha256 === index.sha256 &&
        normalizesNow(roomId, raw.body, rawSha256, index, options.timeZone),
    };
    return { ...done(), unprocessable };
  }

  const transcriptObject = await reader.readObject(index.transcript_key, index.transcript_version_id);
  if (!transcriptObject) {
    mismatch(
      'transcript.present',
      describeObject(index.transcript_key, index.transcript_version_id),
      'missing',
    );
  } else {
    const parsed = parseTranscriptLine(transcriptObject.body);
    if (!parsed.ok) {
      mismatch('transcript.parse', 'a transcript v1', parsed.reason);
    } else {
      const { transcript } = parsed;
      if (transcript.room_id !== roomId) mismatch('transcript.room-id', roomId, transcript.room_id);
      if (transcript.source.sha256 !== index.sha256) {
        mismatch('transcript.source-sha256', index.sha256, transcript.source.sha256);
      }
      if (raw && rawSha256) {
        // Only bytes that are the ones indexed, under a transcript of them, can make a transcript stale.
        const intact = rawSha256 === index.sha256 && transcript.source.sha256 === index.sha256;
        stale = renormalize(
          { roomId, rawBytes: raw.body, rawSha256, stored: transcript, storedJson: parsed.json, intact },
          options.timeZone,
          mismatch,
        );
      }
    }
  }

  await checkLatest(
    reader,
    index.sha256,
    [
      ['index.latest-raw', index.raw_key, index.raw_version_id, raw],
      ['index.latest-transcript', index.transcript_key, index.transcript_version_id, transcriptObject],
    ],
    mismatch,
  );
  const without = await checkRedactedCopy(reader, index, mismatch);
  if (options.expectCopies) copy = without;
  return done();
}

/**
 * The index is stale when a newer answer was written beside it but the index
 * was not (or was rolled back): the latest version of each object read must
 * carry the index's SHA-256. A raw object whose latest version is not the one
 * the index pins is read too, and its bytes must have that SHA-256 (metadata
 * can be copied; the bytes of the answer cannot be faked).
 */
async function checkLatest(
  reader: ArchiveReader,
  sha256: string,
  objects: readonly (readonly [VerifyCheck, string, string | undefined, ObjectHead | undefined])[],
  mismatch: (check: VerifyCheck, expected: string, found: string) => void,
): Promise<void> {
  for (const [check, key, pinned, read] of objects) {
    if (!read) continue;
    const head = pinned === undefined ? read : await reader.headObject(key);
    if (!head) {
      mismatch(check, `${key} with sha256 ${sha256}`, `${key} has no latest version`);
    } else if (head.metadata.sha256 !== sha256) {
      mismatch(check, sha256, head.metadata.sha256 ?? '(no sha256 metadata)');
    } else if (check === 'index.latest-raw' && pinned !== undefined && head.versionId !== pinned) {
      const latest = await reader.readObject(key);
      const latestSha256 = latest ? sha256Hex(latest.body) : undefined;
      if (latestSha256 !== sha256) {
        mismatch(
          check,
          sha256,
          latestSha256 ? `bytes with sha256 ${latestSha256}` : `${key} has no latest version`,
        );
      }
    }
  }
}

/** Whether this version's normalizer turns the archived answer into a transcript line now. */
function normalizesNow(
  roomId: string,
  rawBytes: Uint8Array,
  rawSha256: string,
  index: UnprocessableIndexRecord,
  timeZone: string,
): boolean {
  try {
    const parsed = parseChatData(rawBytes, roomId);
    const transcript = normalizeProcessable(
      { ...parsed, endpoint: '', fetchedAt: new Date(index.fetched_at), sha256: rawSha256 },
      { roomId, timeZone },
    );
    encodeProcessable(transcript);
    return true;
  } catch {
    return false;
  }
}

/** Without an index, a raw object in the range should still have its transcript beside it, and the reverse. */
function checkPartners(
  found: FoundObjects | undefined,
  mismatch: (check: VerifyCheck, expected: string, found: string) => void,
): void {
  if (!found) return;
  if (found.transcripts.length === 0) {
    for (const key of found.raw) mismatch('transcript.present', keyBeside(key, 'transcripts'), 'missing');
  }
  if (found.raw.length === 0) {
    for (const key of found.transcripts) mismatch('raw.present', keyBeside(key, 'raw'), 'missing');
  }
}

interface StoredRoom {
  readonly roomId: string;
  readonly rawBytes: Uint8Array;
  readonly rawSha256: string;
  readonly stored: Transcript;
  readonly storedJson: unknown;
  /** The raw bytes are the ones indexed, and the transcript names them. */
  readonly intact: boolean;
}

/**
 * Normalizes the raw bytes again and compares. A difference is reported as a
 * mismatch, unless an older (or unordered) archiver version derived the
 * transcript of intact bytes: the room is then stale, and that is returned.
 */
function renormalize(
  { roomId, rawBytes, rawSha256, stored, storedJson, intact }: StoredRoom,
  timeZone: string,
  mismatch: (check: VerifyCheck, expected: string, found: string) => void,
): StaleTranscript | undefined {
  let expected: unknown;
  try {
    const parsed = parseChatData(rawBytes, roomId);
    const transcript = transcriptOf(
      {
        ...parsed,
        endpoint: stored.source.endpoint,
        fetchedAt: new Date(stored.source.fetched_at),
        sha256: rawSha256,
      },
      { roomId, timeZone },
    );
    // As JSON, the way it was stored (no undefined members), with the version that wrote the transcript.
    expected = JSON.parse(
      JSON.stringify({
        ...transcript,
        source: { ...transcript.source, archiver_version: stored.source.archiver_version },
      }),
    );
  } catch (error) {
    mismatch(
      'raw.parse',
      `a chat_data success response holding room ${roomId}`,
      error instanceof Error ? error.message : String(error),
    );
    return undefined;
  }
  const differences = transcriptDifferences(expected, storedJson);
  if (differences.length === 0) return undefined;
  const recorded = stored.source.archiver_version;
  const relation = compareArchiverVersion(recorded);
  if (intact && (relation === 'older' || relation === 'unordered')) {
    return {
      archiver_version: recorded,
      current_version: ARCHIVER_VERSION,
      differences: differences.map((difference) => difference.path),
    };
  }
  if (relation === 'newer') {
    mismatch(
      'transcript.archiver-version',
      `a transcript derived by archiver ${ARCHIVER_VERSION} or older`,
      `${recorded}: upgrade happytalk-archive to verify it`,
    );
    return undefined;
  }
  const shown = differences.slice(0, MAX_DIFFERENCES);
  const more = differences.length > shown.length ? ` (and ${differences.length - shown.length} more)` : '';
  mismatch(
    'transcript.renormalize',
    shown.map((difference) => `${difference.path} = ${difference.expected}`).join('; '),
    shown.map((difference) => `${difference.path} = ${difference.found}`).join('; ') + more,
  );
  return undefined;
}
