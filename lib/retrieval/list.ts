import type { Transcript } from '../transcript/schema.js';
import type { DateRange } from './date-range.js';
import type { ArchiveReader } from './reader.js';
import { type ScanOptions, scanTranscripts } from './scan.js';

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
}

/** What a listing yields: a matching room, or a transcript that could not be read (the listing goes on). */
export type ListedRoomEvent =
  | { readonly kind: 'room'; readonly row: RoomRow }
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
export function roomRowOf(transcript: Transcript, transcriptKey: string): RoomRow {
  const { chat } = transcript;
  return {
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

/**
 * The rooms whose transcripts lie in the date partitions of `range` and pass
 * `filter`, by day then room id. Each transcript (its latest version) is read
 * to filter it.
 */
export async function* listRooms(
  reader: ArchiveReader,
  range: DateRange,
  filter: RoomFilter,
  options: ScanOptions = {},
): AsyncGenerator<ListedRoomEvent> {
  for await (const read of scanTranscripts(reader, range, options)) {
    if (read.kind === 'unreadable') {
      yield { kind: 'unreadable', key: read.location.key, reason: read.reason };
    } else if (matchesFilter(read.transcript, filter)) {
      yield { kind: 'room', row: roomRowOf(read.transcript, read.location.key) };
    }
  }
}
