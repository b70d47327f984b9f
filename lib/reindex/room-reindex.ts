import { isDeepStrictEqual } from 'node:util';
import { CorruptArchiveError } from '../archive/errors.js';
import {
  type IndexRecord,
  isUnprocessable,
  parseIndex,
  type TranscriptIndexRecord,
  type UnprocessableIndexRecord,
} from '../archive/index-record.js';
import type { StoredObject } from '../archive/s3-objects.js';
import { indexMetadata } from '../archive/store.js';
import { isAttachmentWarning } from '../attachments/warnings.js';
import { indexKey, keyBeside } from '../contract/keys.js';
import { parseChatData } from '../happytalk/client.js';
import { RoomNotArchivedError } from '../retrieval/errors.js';
import { parseTranscriptLine } from '../retrieval/scan.js';
import { transcriptDifferences } from '../retrieval/transcript-differences.js';
import { sha256Hex } from '../shared/hash.js';
import { encodeTranscriptLine } from '../transcript/line-encoder.js';
import { transcriptOf } from '../transcript/normalize.js';
import type { Transcript } from '../transcript/schema.js';
import { TRANSCRIPT_SCHEMA_VERSION } from '../transcript/schema-version.js';
import {
  encodeProcessable,
  normalizeProcessable,
  UnprocessableResponseError,
} from '../transcript/unprocessable.js';
import { ARCHIVER_VERSION } from '../version.js';
import { compareArchiverVersion } from '../version-order.js';
import {
  etagOf,
  keepArchiveAdditions,
  objectMetadata,
  pendingOf,
  reindexedAtOf,
  withoutArchiveWarnings,
  withoutReindexedAt,
} from './archive-additions.js';
import {
  NewerArchiverError,
  RawIntegrityError,
  RawUnreadableError,
  ReindexConflictError,
  refuseNewerAnswer,
} from './errors.js';
import {
  copyDecision,
  copyResult,
  type RedactedCopyResult,
  withCopy,
  writeRedactedCopy,
} from './redacted-copy.js';
import type { ReindexOptions, ReindexResult, ReindexStore } from './reindex.js';

/** One room's reindex; `run` is tried again when the room changed under it. */
export class RoomReindex {
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
      return this.#sameAsStored(index, indexObject, latest, recorded, parsed.json as Transcript);
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
    const decided = await this.#copyDecision(index, true);
    if (this.#options.dryRun) {
      return {
        ...result,
        dry_run: true,
        ...(pending > 0 ? { attachments_pending: pending } : {}),
        ...(decided ? { redacted: decided } : {}),
      };
    }

    const now = (this.#options.now?.() ?? new Date()).toISOString();
    const transcript = { ...derived, source: { ...derived.source, reindexed_at: now } };
    const line = encodeTranscriptLine(transcript);
    const metadata = objectMetadata(index, latest, pending);
    const written = await this.#store.putIfMatch(index.transcript_key, line, metadata, etagOf(latest));
    if (written.outcome === 'conflict') {
      throw new ReindexConflictError(`transcript of room ${roomId} changed while it was reindexed`);
    }
    const copy = await this.#writeCopy(index, transcript, metadata);
    this.#written = {
      ...result,
      ...(written.versionId ? { transcript_version_id: written.versionId } : {}),
      ...(pending > 0 ? { attachments_pending: pending } : {}),
      ...(decided && copy ? { redacted: copyResult(decided, copy) } : {}),
    };
    await this.#writeIndex(
      withCopy(index, copy),
      indexObject,
      metadata,
      { versionId: written.versionId, etag: written.etag },
      pending,
      now,
    );
    return this.#written;
  }

  /** Whether the room's copy is to be made (again); undefined when copies are not handled. */
  async #copyDecision(
    index: TranscriptIndexRecord,
    transcriptChanged: boolean,
  ): Promise<RedactedCopyResult | undefined> {
    const maker = this.#options.redaction;
    return maker ? copyDecision(index, maker, transcriptChanged) : undefined;
  }

  /** The copy of the transcript the index is about to point at, written; undefined when copies are not handled. */
  async #writeCopy(
    index: TranscriptIndexRecord,
    transcript: Transcript,
    metadata: Readonly<Record<string, string>>,
  ): Promise<{ fields: Partial<TranscriptIndexRecord> } | { pending: string } | undefined> {
    const maker = this.#options.redaction;
    return maker ? writeRedactedCopy(this.#store, maker, index, transcript, metadata) : undefined;
  }

  /**
   * The transcript is the one this archiver derives: only its redacted copy
   * may be due (missing, of an older redactor, of another key). Made from the
   * stored transcript and written, then the index that records it.
   */
  async #copyAlone(
    index: TranscriptIndexRecord,
    indexObject: StoredObject,
    latest: StoredObject,
    recorded: string,
    stored: Transcript,
  ): Promise<ReindexResult> {
    const unchanged = { room_id: this.#roomId, status: 'unchanged' as const, archiver_version: recorded };
    const decided = await this.#copyDecision(index, false);
    if (!decided || decided.status === 'current' || decided.status === 'pending') {
      return decided ? { ...unchanged, redacted: decided } : unchanged;
    }
    const result = {
      room_id: this.#roomId,
      status: 'reindexed' as const,
      archiver_version: recorded,
      current_version: ARCHIVER_VERSION,
      differences: [],
      transcript_key: index.transcript_key,
      redacted: decided,
    };
    if (this.#options.dryRun) return { ...result, dry_run: true };
    const metadata = objectMetadata(index, latest, pendingOf(latest.metadata));
    const copy = await this.#writeCopy(index, stored, metadata);
    if (copy === undefined || 'pending' in copy) {
      return copy ? { ...unchanged, redacted: copyResult(decided, copy) } : unchanged;
    }
    await this.#putIndex(withCopy(index, copy), metadata, indexObject);
    return result;
  }

  /** The index, written over the one read (`If-Match`), with the redactor of the copy it records. */
  async #putIndex(
    next: TranscriptIndexRecord,
    metadata: Readonly<Record<string, string>>,
    indexObject: StoredObject,
  ): Promise<void> {
    const written = await this.#store.putIfMatch(
      indexKey(this.#roomId),
      JSON.stringify(next),
      indexMetadata(metadata, next),
      etagOf(indexObject),
    );
    if (written.outcome === 'conflict') {
      throw new ReindexConflictError(`index of room ${this.#roomId} changed while it was reindexed`);
    }
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
    refuseNewerAnswer(earlier, index.fetched_at, `the transcript of room ${roomId}`);
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
    const first: TranscriptIndexRecord = {
      ...kept,
      transcript_key: transcriptKey,
      schema_version: derived.schema_version,
      message_count: derived.stats.message_count,
      chat_status: derived.chat.status?.code ?? null,
      completed_at: derived.chat.completed_at,
      ...(written.versionId ? { transcript_version_id: written.versionId } : {}),
      ...(written.etag ? { transcript_etag: written.etag } : {}),
      ...(pending > 0 ? { attachments_pending: pending } : {}),
      reindexed_at: now,
    };
    const decided = await this.#copyDecision(first, true);
    const copy = await this.#writeCopy(
      first,
      { ...derived, source: { ...derived.source, reindexed_at: now } },
      metadata,
    );
    await this.#putIndex(withCopy(first, copy), metadata, indexObject);
    return {
      ...result,
      ...(written.versionId ? { transcript_version_id: written.versionId } : {}),
      ...(decided && copy ? { redacted: copyResult(decided, copy) } : {}),
    };
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
    stored: Transcript,
  ): Promise<ReindexResult> {
    const pinned = index.transcript_version_id;
    const reindexedAt = reindexedAtOf(latest);
    if (
      pinned === undefined ||
      latest.versionId === undefined ||
      pinned === latest.versionId ||
      !reindexedAt
    ) {
      return this.#written ?? this.#copyAlone(index, indexObject, latest, recorded, stored);
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
    const decided = await this.#copyDecision(index, true);
    if (this.#options.dryRun) {
      return { ...repaired, dry_run: true, index_repaired: true, ...(decided ? { redacted: decided } : {}) };
    }
    const metadata = objectMetadata(index, latest, pending);
    // The copy of the transcript the index is now pointed at (written already when an earlier try got that far).
    const copy = await this.#writeCopy(index, stored, metadata);
    await this.#writeIndex(
      withCopy(index, copy),
      indexObject,
      metadata,
      { versionId: latest.versionId, etag: latest.etag },
      pending,
      reindexedAt,
    );
    return (
      this.#written ?? {
        ...repaired,
        index_repaired: true,
        ...(decided && copy ? { redacted: copyResult(decided, copy) } : {}),
      }
    );
  }

  async #writeIndex(
    index: TranscriptIndexRecord,
    indexObject: StoredObject,
    metadata: Readonly<Record<string, string>>,
    transcript: { readonly versionId?: string | undefined; readonly etag?: string | undefined },
    pending: number,
    reindexedAt: string,
  ): Promise<void> {
    const {
      transcript_version_id: _version,
      transcript_etag: _etag,
      attachments_pending: _pending,
      reindexed_at: _reindexed,
      ...kept
    } = index;
    const next: TranscriptIndexRecord = {
      ...kept,
      ...(transcript.versionId ? { transcript_version_id: transcript.versionId } : {}),
      ...(transcript.etag ? { transcript_etag: transcript.etag } : {}),
      ...(pending > 0 ? { attachments_pending: pending } : {}),
      reindexed_at: reindexedAt,
    };
    await this.#putIndex(next, metadata, indexObject);
  }
}
