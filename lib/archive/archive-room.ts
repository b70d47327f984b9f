import type { AttachmentArchiver, AttachmentStepResult } from '../attachments/archive-attachments.js';
import { type ArchiveKeys, archiveKeys, keyBeside, partitionDate } from '../contract/keys.js';
import type { ChatDataSource, FetchedRoom } from '../happytalk/client.js';
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
  encodeProcessable,
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
import type { ArchiveStore, RedactionEntry } from './store.js';
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
}

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
  const timeZone = deps.timeZone ?? DEFAULT_TIME_ZONE;

  const [fetched, previous] = await Promise.all([deps.source.fetchRoom(id), deps.store.readIndex(id)]);
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
    const attachmentsDue = deps.attachments !== undefined && (previous.attachments_pending ?? 0) > 0;
    const copyDue = deps.redaction !== undefined && previous.redacted_key === undefined;
    if (attachmentsDue || copyDue) return completeStored(id, fetched, previous, deps, logger);
    logger.info('room unchanged since its last archive', { room_id: id, sha256 });
    return summarize(previous, 'unchanged');
  }

  const keys = archiveKeys(id, partitionDate(fetched.room.chat.reg_date, fetched.fetchedAt, timeZone));
  let transcript: Transcript;
  try {
    transcript = normalizeProcessable({ ...fetched, sha256 }, { roomId: id, timeZone });
  } catch (error) {
    if (!(error instanceof UnprocessableResponseError)) throw error;
    return archiveUnprocessable(id, fetched, sha256, keys, previous, error, deps, logger);
  }
  if (options.notFinalAfterAttempts !== undefined && !final) {
    transcript.warnings.push(notFinalWarning(status, options.notFinalAfterAttempts));
  }
  const attachments = deps.attachments
    ? await runAttachmentStep(deps.attachments, transcript, fetched, id, logger)
    : undefined;
  if (transcript.warnings.length > 0) {
    // Paths and reasons only: warning values can hold personal data.
    logger.warn('transcript normalized with warnings', {
      room_id: id,
      warnings: transcript.warnings.map(({ path, reason }) => ({ path, reason })),
    });
  }

  let transcriptLine: Uint8Array;
  try {
    transcriptLine = encodeProcessable(transcript);
  } catch (error) {
    if (!(error instanceof UnprocessableResponseError)) throw error;
    return archiveUnprocessable(id, fetched, sha256, keys, previous, error, deps, logger);
  }
  const index: TranscriptIndexRecord = {
    room_id: id,
    transcript_key: keys.transcriptKey,
    raw_key: keys.rawKey,
    sha256,
    archived_at: (deps.now?.() ?? new Date()).toISOString(),
    schema_version: TRANSCRIPT_SCHEMA_VERSION,
    message_count: transcript.stats.message_count,
    chat_status: transcript.chat.status?.code ?? null,
    completed_at: transcript.chat.completed_at,
    fetched_at: fetched.fetchedAt.toISOString(),
    ...(attachments && attachments.pending > 0 ? { attachments_pending: attachments.pending } : {}),
  };
  const written = await deps.store.write({
    index,
    raw: fetched.bytes,
    transcriptLine,
    expectNew: previous === undefined,
    ...(deps.redaction
      ? { redaction: await redactionOf(deps.redaction, transcript, keys.redactedKey, deps, logger) }
      : {}),
  });
  if (written.outcome !== 'written') {
    // A concurrent delivery archived the same content, or a newer answer is already archived.
    logger.info(`room ${written.outcome}: nothing written`, { room_id: id, sha256 });
    return summarize(written.index, 'unchanged');
  }
  // The first transcript of an answer archived before as unprocessable is archived, not updated.
  const firstTranscript = previous === undefined || (isUnprocessable(previous) && previous.sha256 === sha256);
  const outcome = firstTranscript ? 'archived' : 'updated';
  logger.info(`room ${outcome}`, { room_id: id, sha256, message_count: index.message_count });
  deps.onArchived?.({
    roomId: id,
    outcome,
    final,
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
  fetched: FetchedRoom,
  sha256: string,
  keys: ArchiveKeys,
  previous: IndexRecord | undefined,
  error: UnprocessableResponseError,
  deps: ArchiveRoomDeps,
  logger: Logger,
): Promise<never> {
  const index: UnprocessableIndexRecord = {
    room_id: roomId,
    status: 'unprocessable',
    transcript_key: null,
    raw_key: keys.rawKey,
    sha256,
    archived_at: (deps.now?.() ?? new Date()).toISOString(),
    fetched_at: fetched.fetchedAt.toISOString(),
    endpoint: fetched.endpoint,
    reason: error.reason,
    archiver_version: ARCHIVER_VERSION,
  };
  const written = await deps.store.writeUnprocessable({
    index,
    raw: fetched.bytes,
    expectNew: previous === undefined,
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
  fetched: FetchedRoom,
  roomId: string,
  logger: Logger,
): Promise<AttachmentStepResult | undefined> {
  try {
    const result = await step.archive(transcript, fetched.room.message ?? []);
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
      ? await runAttachmentStep(deps.attachments, transcript, fetched, roomId, logger)
      : undefined;
  if (result && result.linked > 0)
    return rewriteStored(stored.index, transcript, fetched, result, deps, logger);
  if (attachmentsDue) {
    logger.info('room unchanged since its last archive; its pending attachments still fail', {
      room_id: roomId,
      pending: previous.attachments_pending,
    });
  }
  if (!maker) return summarize(stored.index, 'unchanged');
  const redaction = await redactionOf(maker, transcript, redactedKey, deps, logger);
  if ('pending' in redaction) return summarize(stored.index, 'unchanged');
  const written = await deps.store.writeRedacted(stored.index, redaction);
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
  deps: ArchiveRoomDeps,
  logger: Logger,
): Promise<ArchiveSummary> {
  const roomId = storedIndex.room_id;
  const {
    raw_version_id: _raw,
    transcript_version_id: _transcript,
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
