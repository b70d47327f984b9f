import type { AttachmentArchiver, AttachmentStepResult } from '../attachments/archive-attachments.js';
import { type ArchiveKeys, archiveKeys, keyBeside, partitionDate } from '../contract/keys.js';
import type { ChatDataSource, FetchedRoom, RequestGate } from '../happytalk/chat-data-client.js';
import { FinalStatuses } from '../happytalk/finality.js';
import { type Logger, silentLogger } from '../logger.js';
import type { RedactedCopyMaker } from '../redaction/copy.js';
import { validateRoomId } from '../room-id.js';
import { sha256Hex } from '../shared/hash.js';
import { isRecord } from '../shared/records.js';
import { encodeTranscriptLine } from '../transcript/line-encoder.js';
import type { Transcript } from '../transcript/schema.js';
import { TRANSCRIPT_SCHEMA_VERSION } from '../transcript/schema-version.js';
import { DEFAULT_TIME_ZONE } from '../transcript/time.js';
import {
  encodeProcessableParts,
  normalizeProcessable,
  UnprocessableResponseError,
} from '../transcript/unprocessable.js';
import { ARCHIVER_VERSION } from '../version.js';
import { RoomNotFinalError } from './errors.js';
import {
  type IndexRecord,
  isUnprocessable,
  type TranscriptIndexRecord,
  type UnprocessableIndexRecord,
} from './index-record.js';
import { PART_BYTES } from './s3-objects.js';
import type { ArchiveStore, IndexEntry, RedactionEntry } from './store.js';
import { notFinalWarning } from './warnings.js';

/** What archiving one room did. */
export interface ArchiveSummary {
  readonly room_id: string;
  /**
   * `archived` the first time, `updated` when the content changed (or, the
   * content unchanged, when images left pending by an earlier archive were now
   * archived), `unchanged` when nothing was written.
   */
  readonly status: 'archived' | 'updated' | 'unchanged';
  readonly transcript_key: string;
  readonly raw_key: string;
  readonly sha256: string;
  readonly message_count: number;
  /**
   * The redacted copy could not be made (the pseudonym key could not be read):
   * why, in fixed words. The transcript is archived; the next archive of the
   * room, or `reindex`, makes the copy. Absent when the copy is written (or off).
   */
  readonly redaction_pending?: string;
}

/** A room whose new content was just written, for metrics. */
export interface ArchivedRoom {
  readonly roomId: string;
  readonly outcome: 'archived' | 'updated';
  /** Whether the room was finished (its status one of the final statuses) when HappyTalk answered. */
  readonly final: boolean;
  /** The room's completion time (ISO 8601 with offset), or null. */
  readonly completedAt: string | null;
  /** When the archive was written (UTC ISO 8601), as the index records it. */
  readonly archivedAt: string;
}

/** Facts about the upstream call, for metrics. */
export interface FetchObservation {
  readonly roomId: string;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly bytes: number;
}

export interface ArchiveRoomDeps {
  readonly source: ChatDataSource;
  readonly store: ArchiveStore;
  /** IANA zone of HappyTalk's bare datetimes (default Asia/Seoul). */
  readonly timeZone?: string;
  readonly now?: () => Date;
  readonly logger?: Logger;
  readonly onFetched?: (observation: FetchObservation) => void;
  /** Called once the room's new content (not a retry of its images alone) is written. */
  readonly onArchived?: (archived: ArchivedRoom) => void;
  /**
   * The attachment step: archives the images the messages name and links them
   * from the transcript (see {@link AttachmentArchiver}). Without it, no image
   * is downloaded.
   */
  readonly attachments?: Pick<AttachmentArchiver, 'archive'>;
  /** The statuses of a finished room (default 2 and 4). */
  readonly finalStatuses?: FinalStatuses;
  /**
   * Makes the redacted copy written beside every transcript
   * (`redacted/year=…/<room_id>.json`). Without it (`REDACTED_COPY=off`), no copy.
   */
  readonly redaction?: RedactedCopyMaker;
  /** Called when a room's redacted copy is left pending: the pseudonym key could not be read. */
  readonly onRedactionPending?: (pending: { readonly roomId: string; readonly reason: string }) => void;
}

const DEFAULT_FINAL_STATUSES = new FinalStatuses();

export interface ArchiveRoomOptions {
  /**
   * Refuse a room that is not finished yet (its status is not one of
   * `deps.finalStatuses`: waiting or talking in the chatbot or with a
   * counselor, or a code HappyTalk has not documented) with a retryable
   * {@link RoomNotFinalError}, writing nothing (the event path: the room may
   * close a moment after its event).
   */
  readonly requireFinalStatus?: boolean;
  /**
   * The room was already refused this many times as not final: archive it as it
   * is, with a warning in the transcript.
   */
  readonly notFinalAfterAttempts?: number;
  /**
   * Admits the room's requests to HappyTalk (backfill and `watch` bound the
   * requests in flight, not the rooms: a room's writes hold no place in it).
   */
  readonly happyTalkGate?: RequestGate;
}

/** Archives a room, its HappyTalk requests admitted by `options.happyTalkGate` (backfill, `watch`). */
export type GatedArchive = (
  roomId: string,
  options: { readonly happyTalkGate: RequestGate },
) => Promise<ArchiveSummary>;

/**
 * Archives one room: validates the id (before any I/O), fetches it from
 * HappyTalk, and, unless the archived copy has the same SHA-256, normalizes it,
 * archives the images its messages name (`deps.attachments`), and writes the
 * raw bytes, the transcript and its redacted copy (`deps.redaction`), then the
 * index.
 *
 * An image that could not be archived never fails the room: the transcript
 * names it in a warning and the index counts it (`attachments_pending`). The
 * next archive of the room retries it even when HappyTalk's answer is
 * unchanged: the stored transcript gets the attachments that now succeed and is
 * rewritten (`updated`); nothing else in it changes.
 *
 * The redacted copy is made from the final transcript (its attachments
 * linked). It is never made without the pseudonym key: when the key cannot
 * be read, the transcript is archived all the same, its index says the copy
 * is pending (`redaction_pending`, a warning and `deps.onRedactionPending`),
 * and the next archive of the room (its answer unchanged or not), or
 * `reindex`, makes it. A room archived before copies were written gets its
 * copy the same way.
 *
 * An answer the normalizer cannot process (see `normalizeProcessable`) is
 * still evidence: its raw bytes are archived with an index marked
 * `unprocessable` and no transcript, then an {@link UnprocessableResponseError}
 * is thrown. Such an index never makes a later archive `unchanged`: the answer
 * is normalized again each time, and archived (`archived`) once it can be.
 *
 * @throws InvalidRoomIdError, RoomNotFinalError, UnprocessableResponseError,
 *   the HappyTalk client's errors, the store's errors
 */
export async function archiveRoom(
  roomId: unknown,
  deps: ArchiveRoomDeps,
  options: ArchiveRoomOptions = {},
): Promise<ArchiveSummary> {
  const id = validateRoomId(roomId);
  const logger = deps.logger ?? silentLogger;
  const next = await fetchAndPrepare(id, deps, options, logger);
  switch (next.kind) {
    case 'done':
      return next.summary;
    case 'unprocessable':
      return archiveUnprocessable(id, next.answer, next.keys, next.basis, next.error, deps, logger);
    default:
      return writeArchive(id, next.answer, next.transcript, next.context, deps, logger);
  }
}

/** What is left to do once HappyTalk's answer is read and normalized. */
type NextStep =
  | { readonly kind: 'done'; readonly summary: ArchiveSummary }
  | {
      readonly kind: 'unprocessable';
      readonly answer: Answer;
      readonly keys: ArchiveKeys;
      readonly basis: IndexEntry | undefined;
      readonly error: UnprocessableResponseError;
    }
  | {
      readonly kind: 'write';
      readonly answer: Answer;
      readonly transcript: Transcript;
      readonly context: WriteContext;
    };

/**
 * Everything that needs HappyTalk's parsed answer: fetches the room (and
 * reads its index meanwhile), decides, normalizes and runs the attachment
 * step. The parsed answer is let go when this returns: the writes that follow
 * hold the raw bytes and the transcript, not a second tree of every message.
 */
async function fetchAndPrepare(
  id: string,
  deps: ArchiveRoomDeps,
  options: ArchiveRoomOptions,
  logger: Logger,
): Promise<NextStep> {
  const [fetched, basis] = await Promise.all([
    options.happyTalkGate
      ? deps.source.fetchRoom(id, { gate: options.happyTalkGate })
      : deps.source.fetchRoom(id),
    readIndexEntry(deps.store, id),
  ]);
  const prepared = prepareArchive(id, fetched, basis?.index, deps, options);
  if (prepared.kind === 'unchanged') {
    const { previous } = prepared;
    const attachmentsDue = deps.attachments !== undefined && (previous.attachments_pending ?? 0) > 0;
    const copyDue = deps.redaction !== undefined && previous.redacted_key === undefined;
    if (attachmentsDue || copyDue) {
      return { kind: 'done', summary: await completeStored(id, fetched, previous, basis, deps, logger) };
    }
    logger.info('room unchanged since its last archive', { room_id: id, sha256: prepared.sha256 });
    return { kind: 'done', summary: summarize(prepared.previous, 'unchanged') };
  }
  const answer = answerOf(fetched, prepared.sha256);
  if (prepared.kind === 'unprocessable') {
    return { kind: 'unprocessable', answer, keys: prepared.keys, basis, error: prepared.error };
  }
  const { transcript, keys, final } = prepared;
  const attachments = deps.attachments
    ? await runAttachmentStep(deps.attachments, transcript, fetched.room.message ?? [], id, logger)
    : undefined;
  if (transcript.warnings.length > 0) {
    // Paths and reasons only: warning values can hold personal data.
    logger.warn('transcript normalized with warnings', {
      room_id: id,
      warnings: transcript.warnings.map(({ path, reason }) => ({ path, reason })),
    });
  }
  return { kind: 'write', answer, transcript, context: { keys, final, basis, attachments } };
}

/** What archiving keeps of HappyTalk's answer once it is normalized: not the parsed answer. */
interface Answer {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly fetchedAt: Date;
  readonly endpoint: string;
}

function answerOf(fetched: FetchedRoom, sha256: string): Answer {
  return { bytes: fetched.bytes, sha256, fetchedAt: fetched.fetchedAt, endpoint: fetched.endpoint };
}

/** The index and its entity tag, or (a store that cannot tell the tag) the index alone. */
async function readIndexEntry(store: ArchiveStore, roomId: string): Promise<IndexEntry | undefined> {
  if (store.readIndexEntry) return store.readIndexEntry(roomId);
  const index = await store.readIndex(roomId);
  return index === undefined ? undefined : { index, etag: '' };
}

type Prepared =
  | { readonly kind: 'unchanged'; readonly sha256: string; readonly previous: TranscriptIndexRecord }
  | {
      readonly kind: 'unprocessable';
      readonly sha256: string;
      readonly keys: ArchiveKeys;
      readonly error: UnprocessableResponseError;
    }
  | {
      readonly kind: 'transcript';
      readonly sha256: string;
      readonly keys: ArchiveKeys;
      readonly transcript: Transcript;
      readonly final: boolean;
    };

/**
 * Decides from HappyTalk's answer and the index: a room not finished yet
 * (when that is required) is refused; an answer archived already is
 * `unchanged`; else the answer is normalized (or found unprocessable).
 */
function prepareArchive(
  id: string,
  fetched: FetchedRoom,
  previous: IndexRecord | undefined,
  deps: ArchiveRoomDeps,
  options: ArchiveRoomOptions,
): Prepared {
  deps.onFetched?.({
    roomId: id,
    latencyMs: fetched.latencyMs,
    attempts: fetched.attempts,
    bytes: fetched.bytes.byteLength,
  });
  const status = String(fetched.room.chat.status ?? '');
  const final = (deps.finalStatuses ?? DEFAULT_FINAL_STATUSES).has(status);
  if (options.requireFinalStatus && !final) {
    throw new RoomNotFinalError(`room ${id} is not final yet (HappyTalk status ${status})`, status);
  }
  const sha256 = sha256Hex(fetched.bytes);
  if (previous !== undefined && !isUnprocessable(previous) && previous.sha256 === sha256) {
    return { kind: 'unchanged', sha256, previous };
  }
  const timeZone = deps.timeZone ?? DEFAULT_TIME_ZONE;
  const keys = archiveKeys(id, partitionDate(fetched.room.chat.reg_date, fetched.fetchedAt, timeZone));
  let transcript: Transcript;
  try {
    transcript = normalizeProcessable({ ...fetched, sha256 }, { roomId: id, timeZone });
  } catch (error) {
    if (!(error instanceof UnprocessableResponseError)) throw error;
    return { kind: 'unprocessable', sha256, keys, error };
  }
  if (options.notFinalAfterAttempts !== undefined && !final) {
    transcript.warnings.push(notFinalWarning(status, options.notFinalAfterAttempts));
  }
  return { kind: 'transcript', sha256, keys, transcript, final };
}

/** What the writes need to know beside the answer and the transcript. */
interface WriteContext {
  readonly keys: ArchiveKeys;
  readonly final: boolean;
  readonly basis: IndexEntry | undefined;
  readonly attachments: AttachmentStepResult | undefined;
}

/**
 * Writes the raw bytes, the transcript (encoded in parts as the upload asks
 * for them) and its redacted copy, then the index. A transcript that cannot
 * be encoded leaves the answer unprocessable.
 */
async function writeArchive(
  id: string,
  answer: Answer,
  transcript: Transcript,
  context: WriteContext,
  deps: ArchiveRoomDeps,
  logger: Logger,
): Promise<ArchiveSummary> {
  const { keys, basis, attachments } = context;
  const previous = basis?.index;
  const index: TranscriptIndexRecord = {
    room_id: id,
    transcript_key: keys.transcriptKey,
    raw_key: keys.rawKey,
    sha256: answer.sha256,
    archived_at: (deps.now?.() ?? new Date()).toISOString(),
    schema_version: TRANSCRIPT_SCHEMA_VERSION,
    message_count: transcript.stats.message_count,
    chat_status: transcript.chat.status?.code ?? null,
    completed_at: transcript.chat.completed_at,
    fetched_at: answer.fetchedAt.toISOString(),
    ...(attachments && attachments.pending > 0 ? { attachments_pending: attachments.pending } : {}),
  };
  let written: Awaited<ReturnType<ArchiveStore['write']>>;
  try {
    written = await deps.store.write({
      index,
      raw: answer.bytes,
      transcriptLine: encodeProcessableParts(transcript, PART_BYTES),
      ...(previous === undefined ? { expectNew: true } : { basis }),
      ...(deps.redaction
        ? { redaction: await redactionOf(deps.redaction, transcript, keys.redactedKey, deps, logger) }
        : {}),
    });
  } catch (error) {
    if (!(error instanceof UnprocessableResponseError)) throw error;
    return archiveUnprocessable(id, answer, keys, basis, error, deps, logger);
  }
  if (written.outcome !== 'written') {
    // A concurrent delivery archived the same content, or a newer answer is already archived.
    logger.info(`room ${written.outcome}: nothing written`, { room_id: id, sha256: answer.sha256 });
    return summarize(written.index, 'unchanged');
  }
  // The first transcript of an answer archived before as unprocessable is archived, not updated.
  const firstTranscript =
    previous === undefined || (isUnprocessable(previous) && previous.sha256 === answer.sha256);
  const outcome = firstTranscript ? 'archived' : 'updated';
  logger.info(`room ${outcome}`, { room_id: id, sha256: answer.sha256, message_count: index.message_count });
  deps.onArchived?.({
    roomId: id,
    outcome,
    final: context.final,
    completedAt: index.completed_at,
    archivedAt: index.archived_at,
  });
  return summarize(written.index, outcome);
}

/**
 * Keeps an answer the normalizer cannot process: its raw bytes, and an index
 * marking it `unprocessable` (so `verify` and `list` show it), then throws why.
 */
async function archiveUnprocessable(
  roomId: string,
  answer: Answer,
  keys: ArchiveKeys,
  basis: IndexEntry | undefined,
  error: UnprocessableResponseError,
  deps: ArchiveRoomDeps,
  logger: Logger,
): Promise<never> {
  const { sha256 } = answer;
  const index: UnprocessableIndexRecord = {
    room_id: roomId,
    status: 'unprocessable',
    transcript_key: null,
    raw_key: keys.rawKey,
    sha256,
    archived_at: (deps.now?.() ?? new Date()).toISOString(),
    fetched_at: answer.fetchedAt.toISOString(),
    endpoint: answer.endpoint,
    reason: error.reason,
    archiver_version: ARCHIVER_VERSION,
  };
  const written = await deps.store.writeUnprocessable({
    index,
    raw: answer.bytes,
    ...(basis === undefined ? { expectNew: true } : { basis }),
  });
  const kept =
    written.outcome === 'superseded'
      ? 'a newer answer is already archived, so nothing was written'
      : `its raw bytes are archived at ${keys.rawKey}, marked unprocessable in the index`;
  logger.error('answer cannot be normalized: kept as raw bytes only', {
    room_id: roomId,
    sha256,
    reason: error.reason,
    outcome: written.outcome,
  });
  throw new UnprocessableResponseError(
    `room ${roomId}: HappyTalk's answer cannot be normalized (${error.reason}); ${kept}`,
    error.reason,
    { cause: error },
  );
}

/** The attachment step; a failure of the step itself leaves the transcript as normalized. */
async function runAttachmentStep(
  step: Pick<AttachmentArchiver, 'archive'>,
  transcript: Transcript,
  rawMessages: NonNullable<FetchedRoom['room']['message']>,
  roomId: string,
  logger: Logger,
): Promise<AttachmentStepResult | undefined> {
  try {
    const result = await step.archive(transcript, rawMessages);
    if (result.linked > 0 || result.pending > 0) {
      logger.info('attachments archived', {
        room_id: roomId,
        linked: result.linked,
        pending: result.pending,
      });
    }
    return result;
  } catch (error) {
    logger.error('attachment step failed: no attachment archived', {
      room_id: roomId,
      error: error instanceof Error ? error.name : 'unknown',
    });
    return undefined;
  }
}

/**
 * The redacted copy of a final transcript, or why it is pending (logged in
 * fixed words and reported to `deps.onRedactionPending`).
 */
async function redactionOf(
  maker: RedactedCopyMaker,
  transcript: Transcript,
  key: string,
  deps: ArchiveRoomDeps,
  logger: Logger,
): Promise<RedactionEntry> {
  const outcome = await maker.make(transcript);
  if ('copy' in outcome) {
    const { line, sha256, redactorVersion, keyId } = outcome.copy;
    return { key, line, sha256, redactorVersion, keyId };
  }
  reportPending(transcript.room_id, outcome.pending, deps, logger);
  return { pending: outcome.pending };
}

function reportPending(roomId: string, reason: string, deps: ArchiveRoomDeps, logger: Logger): void {
  logger.warn('redacted copy pending: the transcript is archived without it', { room_id: roomId, reason });
  deps.onRedactionPending?.({ roomId, reason });
}

/**
 * HappyTalk's answer is the one archived, but the archive of it is not
 * complete: some of its images were not archived, or its redacted copy was
 * not written (pending, or archived before copies were). Runs the attachment
 * step again on the stored transcript and, when it links more of them,
 * rewrites the transcript, its copy and the index (`updated`); otherwise
 * writes the missing copy and the index (`updated`).
 */
async function completeStored(
  roomId: string,
  fetched: FetchedRoom,
  previous: TranscriptIndexRecord,
  basis: IndexEntry | undefined,
  deps: ArchiveRoomDeps,
  logger: Logger,
): Promise<ArchiveSummary> {
  const attachmentsDue = deps.attachments !== undefined && (previous.attachments_pending ?? 0) > 0;
  const maker = previous.redacted_key === undefined ? deps.redaction : undefined;
  if (!attachmentsDue && maker) {
    // The key first: while it cannot be read, the stored transcript is not read for nothing.
    const key = await maker.keyId();
    if ('pending' in key) {
      reportPending(roomId, key.pending, deps, logger);
      return summarize(previous, 'unchanged');
    }
  }
  const stored = await deps.store.readTranscript(roomId);
  const transcript = stored ? storedTranscript(stored.body, previous.sha256) : undefined;
  if (!stored || stored.index.sha256 !== previous.sha256 || transcript === undefined) {
    // Changed under us (a concurrent archive), or unreadable: nothing to complete; verify reports the latter.
    logger.warn('archive not completed: the stored transcript is not the one indexed', { room_id: roomId });
    return summarize(stored?.index ?? previous, 'unchanged');
  }
  const redactedKey = keyBeside(stored.index.transcript_key, 'redacted');
  const result =
    attachmentsDue && deps.attachments
      ? await runAttachmentStep(deps.attachments, transcript, fetched.room.message ?? [], roomId, logger)
      : undefined;
  if (result && result.linked > 0)
    return rewriteStored(stored.index, transcript, fetched, result, basis, deps, logger);
  if (attachmentsDue) {
    logger.info('room unchanged since its last archive; its pending attachments still fail', {
      room_id: roomId,
      pending: previous.attachments_pending,
    });
  }
  if (!maker) return summarize(stored.index, 'unchanged');
  const redaction = await redactionOf(maker, transcript, redactedKey, deps, logger);
  if ('pending' in redaction) return summarize(stored.index, 'unchanged');
  const written = await deps.store.writeRedacted(stored.index, redaction, basis);
  if (written.outcome !== 'written') {
    logger.info(`room ${written.outcome}: nothing written`, { room_id: roomId, sha256: previous.sha256 });
    return summarize(written.index, 'unchanged');
  }
  logger.info('room updated: its redacted copy written', { room_id: roomId });
  return summarize(written.index, 'updated');
}

/** The stored transcript, with more of its images linked: written again, with its copy and the index. */
async function rewriteStored(
  storedIndex: TranscriptIndexRecord,
  transcript: Transcript,
  fetched: FetchedRoom,
  result: AttachmentStepResult,
  basis: IndexEntry | undefined,
  deps: ArchiveRoomDeps,
  logger: Logger,
): Promise<ArchiveSummary> {
  const roomId = storedIndex.room_id;
  const {
    raw_version_id: _raw,
    transcript_version_id: _transcript,
    raw_etag: _rawEtag,
    transcript_etag: _transcriptEtag,
    attachments_pending: _pending,
    ...kept
  } = storedIndex;
  const index: TranscriptIndexRecord = {
    ...kept,
    archived_at: (deps.now?.() ?? new Date()).toISOString(),
    fetched_at: storedIndex.fetched_at ?? storedIndex.archived_at,
    ...(result.pending > 0 ? { attachments_pending: result.pending } : {}),
  };
  const redactedKey = keyBeside(storedIndex.transcript_key, 'redacted');
  const written = await deps.store.write({
    index,
    raw: fetched.bytes,
    transcriptLine: encodeTranscriptLine(transcript),
    ...(basis ? { basis } : {}),
    ...(deps.redaction
      ? { redaction: await redactionOf(deps.redaction, transcript, redactedKey, deps, logger) }
      : {}),
  });
  if (written.outcome !== 'written') {
    logger.info(`room ${written.outcome}: nothing written`, { room_id: roomId, sha256: storedIndex.sha256 });
    return summarize(written.index, 'unchanged');
  }
  logger.info('room updated: attachments retried', { room_id: roomId, linked: result.linked });
  return summarize(written.index, 'updated');
}

/**
 * A stored transcript line, read back to be completed: only the shape the
 * attachment step relies on is checked (the Lambda path does not load the
 * transcript schema), and every other member is kept as it was.
 */
function storedTranscript(body: string, sha256: string): Transcript | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.messages) || !Array.isArray(parsed.warnings))
    return undefined;
  if (!isRecord(parsed.source) || parsed.source.sha256 !== sha256) return undefined;
  const messagesFit = parsed.messages.every(
    (message) =>
      isRecord(message) &&
      typeof message.id === 'string' &&
      (message.image_url === null || typeof message.image_url === 'string') &&
      (message.attachments === undefined ||
        (Array.isArray(message.attachments) && message.attachments.every(isRecord))),
  );
  return messagesFit ? (parsed as Transcript) : undefined;
}

function summarize(index: TranscriptIndexRecord, status: ArchiveSummary['status']): ArchiveSummary {
  return {
    room_id: index.room_id,
    status,
    transcript_key: index.transcript_key,
    raw_key: index.raw_key,
    sha256: index.sha256,
    message_count: index.message_count,
    ...(index.redaction_pending ? { redaction_pending: index.redaction_pending } : {}),
  };
}
