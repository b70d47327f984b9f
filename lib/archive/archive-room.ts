import { createHash } from 'node:crypto';
import type { ChatDataSource } from '../happytalk/client.js';
import { type Logger, silentLogger } from '../logger.js';
import { validateRoomId } from '../room-id.js';
import { transcriptOf } from '../transcript/normalize.js';
import { TRANSCRIPT_SCHEMA_VERSION } from '../transcript/schema.js';
import { DEFAULT_TIME_ZONE } from '../transcript/time.js';
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

/**
 * Archives one room: validates the id (before any I/O), fetches it from
 * HappyTalk, and, unless the archived copy has the same SHA-256, writes the
 * raw bytes, the normalized transcript and then the index.
 *
 * @throws InvalidRoomIdError, the HappyTalk client's errors, the store's errors
 */
export async function archiveRoom(roomId: unknown, deps: ArchiveRoomDeps): Promise<ArchiveSummary> {
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
  const sha256 = createHash('sha256').update(fetched.bytes).digest('hex');

  if (previous?.sha256 === sha256) {
    logger.info('room unchanged since its last archive', { room_id: id, sha256 });
    return summarize(previous, 'unchanged');
  }

  const transcript = transcriptOf({ ...fetched, sha256 }, { roomId: id, timeZone });
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
  };
  await deps.store.write({ index, raw: fetched.bytes, transcriptLine: `${JSON.stringify(transcript)}\n` });

  const status = previous ? 'updated' : 'archived';
  logger.info(`room ${status}`, { room_id: id, sha256, message_count: index.message_count });
  return summarize(index, status);
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
