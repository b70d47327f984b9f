import { isDeepStrictEqual } from 'node:util';
import { backOff } from 'exponential-backoff';
import { CorruptArchiveError } from '../archive/errors.js';
import {
  type IndexRecord,
  isUnprocessable,
  parseIndex,
  type TranscriptIndexRecord,
  type UnprocessableIndexRecord,
} from '../archive/index-record.js';
import type { ObjectHead, StoredObject } from '../archive/s3-objects.js';
import { isNotFinalWarning } from '../archive/warnings.js';
import { attachmentWarningPath, rawIndexById } from '../attachments/archive-attachments.js';
import { ATTACHMENT_WARNING_PREFIX, isAttachmentWarning } from '../attachments/warnings.js';
import { indexKey, keyBeside, parseArchiveKey } from '../contract/keys.js';
import { ArchiveError } from '../errors.js';
import { parseChatData } from '../happytalk/client.js';
import type { DateRange } from '../retrieval/date-range.js';
import { RoomNotArchivedError } from '../retrieval/errors.js';
import type { ArchiveReader } from '../retrieval/reader.js';
import { DEFAULT_CONCURRENCY, mapInOrder, objectsOf, parseTranscriptLine } from '../retrieval/scan.js';
import { transcriptDifferences } from '../retrieval/verify.js';
import { sha256Hex } from '../shared/hash.js';
import { isRecord } from '../shared/records.js';
import { encodeTranscriptLine } from '../transcript/line-encoder.js';
import { transcriptOf } from '../transcript/normalize.js';
import type { Attachment, Transcript, Warning } from '../transcript/schema.js';
import { TRANSCRIPT_SCHEMA_VERSION } from '../transcript/schema-version.js';
import {
  encodeProcessable,
  normalizeProcessable,
  UnprocessableResponseError,
} from '../transcript/unprocessable.js';
import { ARCHIVER_VERSION } from '../version.js';
import { compareArchiverVersion } from '../version-order.js';
import { NewerArchiverError, RawIntegrityError, RawUnreadableError, ReindexConflictError } from './errors.js';

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
  ): Promise<{ outcome: 'written'; versionId?: string } | { outcome: 'conflict' }>;
  putIfNoneMatch(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
  ): Promise<{ outcome: 'written'; versionId?: string } | { outcome: 'conflict' }>;
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
    }
  | { readonly room_id: string; readonly status: 'unchanged'; readonly archiver_version: string }
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

/** One room's reindex; `run` is tried again when the room changed under it. */
class RoomReindex {
  readonly #store: ReindexStore;
  readonly #roomId: string;
  readonly #options: ReindexOptions;
  /** What an earlier try wrote (a transcript whose index write lost a race), to report it. */
  #written: Extract<ReindexResult, { status: 'reindexed' }> | undefined;

  constructor(store: ReindexStore, roomId: string, options: ReindexOptions) {
    this.#store = store;
    this.#roomId = roomId;
    this.#options = options;
  }

  async run(): Promise<ReindexResult> {
    const roomId = this.#roomId;
    const key = indexKey(roomId);
    const indexObject = await this.#store.readObject(key);
    if (!indexObject) throw new RoomNotArchivedError(`room ${roomId} is not archived: no ${key}`);
    const index = parseIndex(new TextDecoder().decode(indexObject.body), key);
    if (isUnprocessable(index)) return this.#firstTranscript(index, indexObject);
    const raw = await this.#rawOf(index);
    const latest = await this.#store.readObject(index.transcript_key);
    if (!latest) {
      throw new CorruptArchiveError(
        `index of room ${roomId} points at ${index.transcript_key}, which is missing`,
      );
    }
    if (latest.metadata.sha256 !== index.sha256) {
      // A newer answer is being archived (its transcript is written, its index not yet), or the index is stale.
      throw new ReindexConflictError(
        `the transcript of room ${roomId} holds another answer than its index (an archive in progress, ` +
          'or a stale index: run verify)',
      );
    }
    const parsed = parseTranscriptLine(latest.body);
    if (!parsed.ok)
      throw new CorruptArchiveError(`transcript of room ${roomId} is unreadable: ${parsed.reason}`);
    const stored = parsed.transcript;
    if (stored.room_id !== roomId || stored.source.sha256 !== index.sha256) {
      throw new CorruptArchiveError(
        `transcript of room ${roomId} is not the one indexed (room_id or source.sha256 differ): run verify`,
      );
    }

    const derived = this.#derive(raw, stored, parsed.json);
    const recorded = stored.source.archiver_version;
    const comparable = { ...derived, source: { ...derived.source, archiver_version: recorded } };
    const storedJson = withoutReindexedAt(parsed.json);
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(comparable)), storedJson)) {
      return this.#sameAsStored(index, indexObject, latest, recorded);
    }
    if (compareArchiverVersion(recorded) === 'newer') {
      throw new NewerArchiverError(
        `transcript of room ${roomId} was derived by archiver ${recorded}, newer than this one ` +
          `(${ARCHIVER_VERSION}): upgrade happytalk-archive to reindex it`,
      );
    }
    const result = {
      room_id: roomId,
      status: 'reindexed' as const,
      archiver_version: recorded,
      current_version: ARCHIVER_VERSION,
      differences: transcriptDifferences(withoutArchiveWarnings(comparable), storedJson).map(
        (difference) => difference.path,
      ),
      transcript_key: index.transcript_key,
    };
    const pending = derived.warnings.filter(isAttachmentWarning).length;
    if (this.#options.dryRun) {
      return { ...result, dry_run: true, ...(pending > 0 ? { attachments_pending: pending } : {}) };
    }

    const now = (this.#options.now?.() ?? new Date()).toISOString();
    const line = encodeTranscriptLine({ ...derived, source: { ...derived.source, reindexed_at: now } });
    const metadata = objectMetadata(index, latest, pending);
    const written = await this.#store.putIfMatch(index.transcript_key, line, metadata, etagOf(latest));
    if (written.outcome === 'conflict') {
      throw new ReindexConflictError(`transcript of room ${roomId} changed while it was reindexed`);
    }
    this.#written = {
      ...result,
      ...(written.versionId ? { transcript_version_id: written.versionId } : {}),
      ...(pending > 0 ? { attachments_pending: pending } : {}),
    };
    await this.#writeIndex(index, indexObject, metadata, written.versionId, pending, now);
    return this.#written;
  }

  /**
   * An answer an earlier archiver could not normalize: derived from its raw
   * bytes, it becomes the room's first transcript of it (a new version of the
   * transcript key, written over any earlier answer's transcript with
   * `If-Match`), then the index of a transcript replaces the unprocessable one.
   */
  async #firstTranscript(index: UnprocessableIndexRecord, indexObject: StoredObject): Promise<ReindexResult> {
    const roomId = this.#roomId;
    const raw = await this.#rawOf(index);
    const parsed = this.#parseRaw(raw);
    let derived: Transcript;
    try {
      derived = normalizeProcessable(
        { ...parsed, endpoint: index.endpoint, fetchedAt: new Date(index.fetched_at), sha256: index.sha256 },
        { roomId, timeZone: this.#options.timeZone },
      );
    } catch (error) {
      if (!(error instanceof UnprocessableResponseError)) throw error;
      throw new UnprocessableResponseError(
        `room ${roomId}: its archived answer still cannot be normalized (${error.reason})`,
        error.reason,
      );
    }
    keepArchiveAdditions(derived, {}, parsed.room.message ?? [], this.#options.attachmentsEnabled ?? false);
    const pending = derived.warnings.filter(isAttachmentWarning).length;
    const transcriptKey = keyBeside(index.raw_key, 'transcripts');
    const result = {
      room_id: roomId,
      status: 'reindexed' as const,
      archiver_version: index.archiver_version,
      current_version: ARCHIVER_VERSION,
      differences: [],
      transcript_key: transcriptKey,
      was_unprocessable: true as const,
      ...(pending > 0 ? { attachments_pending: pending } : {}),
    };
    if (this.#options.dryRun) return { ...result, dry_run: true };

    const now = (this.#options.now?.() ?? new Date()).toISOString();
    const line = encodeProcessable({ ...derived, source: { ...derived.source, reindexed_at: now } });
    const metadata = {
      'room-id': roomId,
      sha256: index.sha256,
      'fetched-at': index.fetched_at,
      'schema-version': String(TRANSCRIPT_SCHEMA_VERSION),
      ...(pending > 0 ? { 'attachments-pending': String(pending) } : {}),
    };
    const earlier = await this.#store.headObject(transcriptKey);
    const written = earlier
      ? await this.#store.putIfMatch(transcriptKey, line, metadata, etagOf(earlier))
      : await this.#store.putIfNoneMatch(transcriptKey, line, metadata);
    if (written.outcome === 'conflict') {
      throw new ReindexConflictError(`transcript of room ${roomId} changed while it was reindexed`);
    }
    const {
      status: _status,
      reason: _reason,
      archiver_version: _version,
      endpoint: _endpoint,
      ...kept
    } = index;
    const next: TranscriptIndexRecord = {
      ...kept,
      transcript_key: transcriptKey,
      schema_version: derived.schema_version,
      message_count: derived.stats.message_count,
      chat_status: derived.chat.status?.code ?? null,
      completed_at: derived.chat.completed_at,
      ...(written.versionId ? { transcript_version_id: written.versionId } : {}),
      ...(pending > 0 ? { attachments_pending: pending } : {}),
      reindexed_at: now,
    };
    const indexed = await this.#store.putIfMatch(
      indexKey(roomId),
      JSON.stringify(next),
      metadata,
      etagOf(indexObject),
    );
    if (indexed.outcome === 'conflict') {
      throw new ReindexConflictError(`index of room ${roomId} changed while it was reindexed`);
    }
    return { ...result, ...(written.versionId ? { transcript_version_id: written.versionId } : {}) };
  }

  /** The raw bytes the index points at, checked against the index's SHA-256. */
  async #rawOf(index: IndexRecord): Promise<StoredObject> {
    const raw = await this.#store.readObject(index.raw_key, index.raw_version_id);
    if (!raw) {
      throw new CorruptArchiveError(
        `index of room ${this.#roomId} points at ${index.raw_key}, which is missing`,
      );
    }
    const sha256 = sha256Hex(raw.body);
    if (sha256 !== index.sha256) {
      throw new RawIntegrityError(
        `raw object of room ${this.#roomId} has SHA-256 ${sha256}, not the indexed ${index.sha256}: run verify`,
      );
    }
    return raw;
  }

  /** The archived raw response read as a `chat_data` answer holding the room. */
  #parseRaw(raw: StoredObject): ReturnType<typeof parseChatData> {
    try {
      return parseChatData(raw.body, this.#roomId);
    } catch (error) {
      throw new RawUnreadableError(
        `raw response of room ${this.#roomId} cannot be normalized: ${error instanceof Error ? error.message : 'unknown error'}`,
        { cause: error },
      );
    }
  }

  /** The transcript this archiver derives from the raw bytes, with what the archive added to the stored one. */
  #derive(raw: StoredObject, stored: Transcript, storedJson: unknown): Transcript {
    const parsed = this.#parseRaw(raw);
    const derived = transcriptOf(
      {
        ...parsed,
        endpoint: stored.source.endpoint,
        fetchedAt: new Date(stored.source.fetched_at),
        sha256: stored.source.sha256,
      },
      { roomId: this.#roomId, timeZone: this.#options.timeZone },
    );
    keepArchiveAdditions(
      derived,
      storedJson,
      parsed.room.message ?? [],
      this.#options.attachmentsEnabled ?? false,
    );
    return derived;
  }

  /**
   * The derived transcript is the stored one: nothing to write, unless an
   * earlier reindex wrote this transcript but not its index (the index pins
   * the version before): the index is then pointed at it.
   */
  async #sameAsStored(
    index: TranscriptIndexRecord,
    indexObject: StoredObject,
    latest: StoredObject,
    recorded: string,
  ): Promise<ReindexResult> {
    const pinned = index.transcript_version_id;
    const reindexedAt = reindexedAtOf(latest);
    if (
      pinned === undefined ||
      latest.versionId === undefined ||
      pinned === latest.versionId ||
      !reindexedAt
    ) {
      return this.#written ?? { room_id: this.#roomId, status: 'unchanged', archiver_version: recorded };
    }
    const pending = pendingOf(latest.metadata);
    const repaired = {
      room_id: this.#roomId,
      status: 'reindexed' as const,
      archiver_version: recorded,
      current_version: ARCHIVER_VERSION,
      differences: [],
      transcript_key: index.transcript_key,
      transcript_version_id: latest.versionId,
      ...(pending > 0 ? { attachments_pending: pending } : {}),
    };
    if (this.#options.dryRun) return { ...repaired, dry_run: true, index_repaired: true };
    await this.#writeIndex(
      index,
      indexObject,
      objectMetadata(index, latest, pending),
      latest.versionId,
      pending,
      reindexedAt,
    );
    return this.#written ?? { ...repaired, index_repaired: true };
  }

  async #writeIndex(
    index: TranscriptIndexRecord,
    indexObject: StoredObject,
    metadata: Readonly<Record<string, string>>,
    transcriptVersionId: string | undefined,
    pending: number,
    reindexedAt: string,
  ): Promise<void> {
    const {
      transcript_version_id: _version,
      attachments_pending: _pending,
      reindexed_at: _reindexed,
      ...kept
    } = index;
    const next: TranscriptIndexRecord = {
      ...kept,
      ...(transcriptVersionId ? { transcript_version_id: transcriptVersionId } : {}),
      ...(pending > 0 ? { attachments_pending: pending } : {}),
      reindexed_at: reindexedAt,
    };
    const written = await this.#store.putIfMatch(
      indexKey(this.#roomId),
      JSON.stringify(next),
      metadata,
      etagOf(indexObject),
    );
    if (written.outcome === 'conflict') {
      throw new ReindexConflictError(`index of room ${this.#roomId} changed while it was reindexed`);
    }
  }
}

/**
 * Carries over, onto a transcript derived again, what the archive added to
 * the stored one after normalizing: each message's archived `attachments`;
 * the warning of a room archived while still open; and the `attachment not
 * archived` warnings of images still not archived. An image the new transcript
 * names that the stored one did not (read from a template the older archiver
 * could not read) gets such a warning when the archive downloads images, so
 * that the room's next archive downloads it.
 */
function keepArchiveAdditions(
  derived: Transcript,
  storedJson: unknown,
  rawMessages: readonly unknown[],
  attachmentsEnabled: boolean,
): void {
  const stored = isRecord(storedJson) ? storedJson : {};
  const storedMessages = new Map<string, Record<string, unknown>>();
  for (const message of Array.isArray(stored.messages) ? stored.messages : []) {
    if (isRecord(message) && typeof message.id === 'string') storedMessages.set(message.id, message);
  }
  const storedWarnings = Array.isArray(stored.warnings) ? stored.warnings : [];
  const attachmentWarnings = new Map<string, Warning>();
  for (const warning of storedWarnings) {
    if (isAttachmentWarning(warning))
      attachmentWarnings.set(`${warning.path}\n${String(warning.value)}`, warning);
  }
  derived.warnings.push(...(storedWarnings.filter(isNotFinalWarning) as Warning[]));

  const rawIndex = rawIndexById(rawMessages);
  for (const message of derived.messages) {
    const before = storedMessages.get(message.id);
    if (before && Array.isArray(before.attachments)) message.attachments = before.attachments as Attachment[];
    const url = message.image_url;
    if (url === null || message.attachments?.some((attachment) => attachment.url === url)) continue;
    const path = attachmentWarningPath(message, rawIndex);
    const kept = attachmentWarnings.get(`${path}\n${url}`);
    if (kept) {
      derived.warnings.push(kept);
    } else if (attachmentsEnabled && before?.image_url !== url) {
      derived.warnings.push({
        path,
        value: url,
        reason: `${ATTACHMENT_WARNING_PREFIX}found when the transcript was derived again; the next archive of the room downloads it`,
      });
    }
  }
}

/** The metadata of a reindexed transcript and of its index: as the archive writes them. */
function objectMetadata(
  index: TranscriptIndexRecord,
  latest: StoredObject,
  pending: number,
): Record<string, string> {
  return {
    'room-id': index.room_id,
    sha256: index.sha256,
    'fetched-at': latest.metadata['fetched-at'] ?? index.fetched_at ?? index.archived_at,
    'schema-version': String(index.schema_version),
    ...(pending > 0 ? { 'attachments-pending': String(pending) } : {}),
  };
}

function etagOf(object: ObjectHead): string {
  if (!object.etag) throw new CorruptArchiveError(`${object.key} has no entity tag to write over it`);
  return object.etag;
}

function pendingOf(metadata: Readonly<Record<string, string>>): number {
  const pending = Number(metadata['attachments-pending'] ?? 0);
  return Number.isSafeInteger(pending) && pending > 0 ? pending : 0;
}

/** The `source.reindexed_at` of a stored transcript, when `reindex` wrote it. */
function reindexedAtOf(object: StoredObject): string | undefined {
  const parsed = parseTranscriptLine(object.body);
  return parsed.ok ? parsed.transcript.source.reindexed_at : undefined;
}

/** The transcript without the warnings the archive adds (which `transcriptDifferences` leaves out of the stored one). */
function withoutArchiveWarnings(transcript: Transcript): Transcript {
  return {
    ...transcript,
    warnings: transcript.warnings.filter(
      (warning) => !isNotFinalWarning(warning) && !isAttachmentWarning(warning),
    ),
  };
}

function withoutReindexedAt(json: unknown): unknown {
  if (!isRecord(json) || !isRecord(json.source)) return json;
  const { reindexed_at: _reindexed, ...source } = json.source;
  return { ...json, source };
}
