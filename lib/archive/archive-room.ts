import { createHash } from 'node:crypto';
import type { ChatDataSource } from '../happytalk/client.js';
import { type Logger, silentLogger } from '../logger.js';
import { validateRoomId } from '../room-id.js';
import { encodeTranscriptLine, transcriptOf } from '../transcript/normalize.js';
import { TRANSCRIPT_SCHEMA_VERSION } from '../transcript/schema-version.js';
import { DEFAULT_TIME_ZONE } from '../transcript/time.js';
import { RoomNotFinalError } from './errors.js';
import { archiveKeys, partitionDate } from './keys.js';
import type { ArchiveStore, IndexRecord } from './store.js';

/** What archiving one room did. */
export interface ArchiveSummary {
  readonly room_id: string;
  /** `archived` the first time, `updated` when the content changed, `unchanged` when it did not. */
  readonly status: 'archived' | 'updated' | 'unchanged';
  readonly transcript_key: string;
  readonly raw_key: string;
  readonly sha256: string;
  readonly message_count: number;
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
}

/** HappyTalk statuses after which a room no longer changes: waiting (0) and in progress (1) are not final. */
const OPEN_STATUSES: ReadonlySet<string> = new Set(['0', '1']);

export interface ArchiveRoomOptions {
  /**
   * Refuse a room that is still waiting or in progress with a retryable
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
 * HappyTalk, and, unless the archived copy has the same SHA-256, writes the
 * raw bytes, the normalized transcript and then the index.
 *
 * @throws InvalidRoomIdError, RoomNotFinalError, the HappyTalk client's errors, the store's errors
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
  if (options.requireFinalStatus && OPEN_STATUSES.has(status)) {
    throw new RoomNotFinalError(`room ${id} is not final yet (HappyTalk status ${status})`, status);
  }
  const sha256 = createHash('sha256').update(fetched.bytes).digest('hex');

  if (previous?.sha256 === sha256) {
    logger.info('room unchanged since its last archive', { room_id: id, sha256 });
    return summarize(previous, 'unchanged');
  }

  const transcript = transcriptOf({ ...fetched, sha256 }, { roomId: id, timeZone });
  if (options.notFinalAfterAttempts !== undefined && OPEN_STATUSES.has(status)) {
    transcript.warnings.push({
      path: 'chat.status',
      value: status,
      reason: `room not final after ${options.notFinalAfterAttempts} attempts: archived as it is`,
    });
  }
  if (transcript.warnings.length > 0) {
    // Paths and reasons only: warning values can hold personal data.
    logger.warn('transcript normalized with warnings', {
      room_id: id,
      warnings: transcript.warnings.map(({ path, reason }) => ({ path, reason })),
    });
  }

  const keys = archiveKeys(id, partitionDate(fetched.room.chat.reg_date, fetched.fetchedAt, timeZone));
  const index: IndexRecord = {
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
  };
  const written = await deps.store.write({
    index,
    raw: fetched.bytes,
    transcriptLine: encodeTranscriptLine(transcript),
    expectNew: previous === undefined,
  });
  if (written.outcome !== 'written') {
    // A concurrent delivery archived the same content, or a newer answer is already archived.
    logger.info(`room ${written.outcome}: nothing written`, { room_id: id, sha256 });
    return summarize(written.index, 'unchanged');
  }
  const outcome = previous ? 'updated' : 'archived';
  logger.info(`room ${outcome}`, { room_id: id, sha256, message_count: index.message_count });
  return summarize(written.index, outcome);
}

function summarize(index: IndexRecord, status: ArchiveSummary['status']): ArchiveSummary {
  return {
    room_id: index.room_id,
    status,
    transcript_key: index.transcript_key,
    raw_key: index.raw_key,
    sha256: index.sha256,
    message_count: index.message_count,
  };
}
