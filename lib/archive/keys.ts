/** Where one room's objects live in the archive bucket. */
export interface ArchiveKeys {
  readonly rawKey: string;
  readonly transcriptKey: string;
  readonly indexKey: string;
}

export const RAW_PREFIX = 'raw/';
export const TRANSCRIPTS_PREFIX = 'transcripts/';
export const INDEX_PREFIX = 'index/rooms/';

/** `index/rooms/<room_id>.json`: finds a room by id alone. */
export function indexKey(roomId: string): string {
  return `${INDEX_PREFIX}${roomId}.json`;
}

/**
 * The keys of one room, partitioned Hive-style by the local date the room was
 * registered (`year=YYYY/month=MM/day=DD`), so Athena can prune by date.
 *
 * @param roomId a validated room id
 * @param localDate `YYYY-MM-DD` in HappyTalk's time zone
 */
export function archiveKeys(roomId: string, localDate: string): ArchiveKeys {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!match) throw new Error(`invalid partition date ${JSON.stringify(localDate)}: expected YYYY-MM-DD`);
  const partition = `year=${match[1]}/month=${match[2]}/day=${match[3]}`;
  return {
    rawKey: `${RAW_PREFIX}${partition}/${roomId}.json`,
    transcriptKey: `${TRANSCRIPTS_PREFIX}${partition}/${roomId}.json`,
    indexKey: indexKey(roomId),
  };
}

/**
 * The partition date of a room: the date part of HappyTalk's `reg_date` as given
 * (it is already HappyTalk local time). When `reg_date` is missing or malformed,
 * the date `fallback` falls on in `timeZone` is used instead.
 */
export function partitionDate(regDate: unknown, fallback: Date, timeZone: string): string {
  if (typeof regDate === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})[ T]/.exec(regDate);
    if (
      match &&
      match[1] !== '0000' &&
      isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))
    ) {
      return `${match[1]}-${match[2]}-${match[3]}`;
    }
  }
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(fallback);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
