import { CorruptArchiveError } from '../archive/errors.js';
import { isUnprocessable, type UnprocessableIndexRecord } from '../archive/index-record.js';
import type { ListedObject } from '../archive/s3-objects.js';
import { parseArchiveKey } from '../contract/keys.js';
import type { Transcript } from '../transcript/schema.js';
import type { DateRange } from './date-range.js';
import type { ArchiveReader } from './reader.js';
import { objectsOf, type ScanOptions, scanTranscripts } from './scan.js';

/** Which rooms to keep: every field given must equal the transcript's. */
export interface RoomFilter {
  /** `chat.customer.uuid`. */
  readonly customerUuid?: string;
  /** `chat.customer.user_id`. */
  readonly userId?: string;
  /** `chat.status.code`, e.g. `"2"`. */
  readonly status?: string;
}

/** One room of a listing. */
export interface RoomRow {
  readonly room_id: string;
  readonly registered_at: string | null;
  /** `chat.status.code`, or null. */
  readonly status: string | null;
  /** `chat.status.name`, e.g. `completed`, or null. */
  readonly status_name: string | null;
  readonly customer_uuid: string | null;
  readonly user_id: string | null;
  readonly message_count: number;
  readonly transcript_key: string;
  /**
   * Present when the room's last archived answer could not be normalized: the
   * row is of the transcript of an earlier answer.
   */
  readonly unprocessable?: UnprocessableRoom;
}

/** A room whose last archived answer is kept as raw bytes only (its index is marked `unprocessable`). */
export interface UnprocessableRoom {
  readonly room_id: string;
  readonly raw_key: string;
  readonly reason: string;
  readonly fetched_at: string;
}

/**
 * What a listing yields: a matching room, a room whose only archived answer
 * could not be normalized (no transcript: its customer and status are
 * unknown, so no filter can match it), or a transcript that could not be read
 * (the listing goes on).
 */
export type ListedRoomEvent =
  | { readonly kind: 'room'; readonly row: RoomRow }
  | { readonly kind: 'unprocessable'; readonly room: UnprocessableRoom }
  | { readonly kind: 'unreadable'; readonly key: string; readonly reason: string };

/** Whether a transcript passes `filter`. */
export function matchesFilter(transcript: Transcript, filter: RoomFilter): boolean {
  const { customer, status } = transcript.chat;
  return (
    (filter.customerUuid === undefined || customer.uuid === filter.customerUuid) &&
    (filter.userId === undefined || customer.user_id === filter.userId) &&
    (filter.status === undefined || status?.code === filter.status)
  );
}

/** The row of a transcript. */
export function roomRowOf(
  transcript: Transcript,
  transcriptKey: string,
  unprocessable?: UnprocessableRoom,
): RoomRow {
  const { chat } = transcript;
  return {
    ...(unprocessable ? { unprocessable } : {}),
    room_id: transcript.room_id,
    registered_at: chat.registered_at,
    status: chat.status?.code ?? null,
    status_name: chat.status?.name ?? null,
    customer_uuid: chat.customer.uuid,
    user_id: chat.customer.user_id,
    message_count: transcript.stats.message_count,
    transcript_key: transcriptKey,
  };
}

// A raw object written this long after its transcript is of a later answer (both are written together).
const LATER_ANSWER_MS = 2_000;

/**
 * The rooms whose transcripts lie in the date partitions of `range` and pass
 * `filter`, by day then room id; then the rooms of the range whose only
 * archived answer is unprocessable (raw bytes without a transcript). Each
 * transcript (its latest version) is read to filter it. A room whose raw
 * object is newer than its transcript has its index read: when its last
 * answer is unprocessable, its row says so.
 */
export async function* listRooms(
  reader: ArchiveReader,
  range: DateRange,
  filter: RoomFilter,
  options: ScanOptions = {},
): AsyncGenerator<ListedRoomEvent> {
  const raws = await rawObjectsByRoom(reader, range);
  const withTranscript = new Set<string>();
  for await (const read of scanTranscripts(reader, range, options)) {
    withTranscript.add(read.location.roomId);
    if (read.kind === 'unreadable') {
      yield { kind: 'unreadable', key: read.location.key, reason: read.reason };
    } else if (matchesFilter(read.transcript, filter)) {
      const raw = raws.get(read.location.roomId);
      const later =
        raw?.lastModified !== undefined &&
        read.lastModified !== undefined &&
        raw.lastModified.getTime() - read.lastModified.getTime() > LATER_ANSWER_MS;
      const unprocessable = later ? await unprocessableRoom(reader, read.location.roomId) : undefined;
      yield { kind: 'room', row: roomRowOf(read.transcript, read.location.key, unprocessable) };
    }
  }
  for (const roomId of [...raws.keys()].filter((id) => !withTranscript.has(id)).sort()) {
    const room = await unprocessableRoom(reader, roomId);
    if (room) yield { kind: 'unprocessable', room };
  }
}

/** The raw objects in the partitions of `range` (or the whole archive), by room id. */
export async function rawObjectsByRoom(
  reader: ArchiveReader,
  range: DateRange | undefined,
): Promise<Map<string, ListedObject>> {
  const raws = new Map<string, ListedObject>();
  for await (const page of objectsOf(reader, 'raw', range)) {
    for (const object of page) {
      const location = parseArchiveKey(object.key);
      if (location) raws.set(location.roomId, object);
    }
  }
  return raws;
}

/** The room's unprocessable answer, when its index says its last answer is one. */
export async function unprocessableRoom(
  reader: ArchiveReader,
  roomId: string,
): Promise<UnprocessableRoom | undefined> {
  let index: Awaited<ReturnType<ArchiveReader['readIndex']>>;
  try {
    index = await reader.readIndex(roomId);
  } catch (error) {
    // An unreadable index is verify's to report; the listing goes on.
    if (error instanceof CorruptArchiveError) return undefined;
    throw error;
  }
  return index && isUnprocessable(index) ? unprocessableOf(index) : undefined;
}

function unprocessableOf(index: UnprocessableIndexRecord): UnprocessableRoom {
  return {
    room_id: index.room_id,
    raw_key: index.raw_key,
    reason: index.reason,
    fetched_at: index.fetched_at,
  };
}
