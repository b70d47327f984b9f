import { ConfigurationError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { addDays, calendarDay, daysBetween } from '../shared/calendar.js';
import {
  describeFailAnswer,
  documentedFailCode,
  notDocumentedShape,
  parseAnswerJson,
  type RefusedAnswer,
} from './answer.js';
import type { HappyTalkClientOptions } from './chat-data-client.js';
import {
  HappyTalkAuthError,
  type HappyTalkError,
  HappyTalkUnavailableError,
  OverDateError,
} from './errors.js';
import { isRoomListResponse } from './schema.js';
import { HappyTalkTransport } from './transport.js';

/** The path of the `chat_room_lists` endpoint below a HappyTalk base URL. */
export const CHAT_ROOM_LISTS_PATH = '/user/api/chat_room_lists/format/json';

/** The most rooms HappyTalk returns per page. */
export const ROOM_LIST_MAX_LIMIT = 50;

/** The `status` filter of the room list (NOTES.md): 99 lists every status. */
export const ROOM_LIST_STATUSES = {
  all: 99,
  waitingForCounselor: -2,
  chatbotInProgress: -1,
  waiting: 0,
  inProgress: 1,
  completed: 2,
  deleted: 3,
} as const;

export type RoomListSortKey = 'reg_date' | 'complate_date';
export type RoomListSortOrder = 'asc' | 'desc';

/** One page request of `chat_room_lists`. */
export interface RoomListQuery {
  /** First day, `YYYY-MM-DD` (`sdate`), HappyTalk local date. */
  readonly from: string;
  /** Last day, included, `YYYY-MM-DD` (`edate`). */
  readonly to: string;
  /** Status filter (default 99, every status). */
  readonly status?: number;
  /** Default `reg_date`. */
  readonly sortKey?: RoomListSortKey;
  /** Default `asc`: pages stay stable while rooms are added at the end. */
  readonly sortOrder?: RoomListSortOrder;
  /** Rooms per page, 1 to {@link ROOM_LIST_MAX_LIMIT} (default 50). */
  readonly limit?: number;
  /** 1-based page (default 1). */
  readonly page?: number;
}

/**
 * One room of a list page: only what archiving decisions need. The other
 * fields of `chat_list` (names, customer ids, the last message) are personal
 * data this code has no use for, so they are not kept.
 */
export interface ListedRoom {
  readonly roomId: string;
  /** `status` as received (e.g. "2"), or null. */
  readonly status: string | null;
  /** `reg_date` as received (bare local datetime), or null. */
  readonly regDate: string | null;
  /** `complate_date` as received; `"0000-00-00 00:00:00"` while open. */
  readonly completeDate: string | null;
}

/** One page of the room list. */
export interface RoomListPage {
  readonly page: number;
  readonly limit: number;
  readonly totalCount: number;
  readonly rooms: readonly ListedRoom[];
  readonly attempts: number;
}

/** The port listing depends on. */
export interface RoomListSource {
  listPage(query: RoomListQuery): Promise<RoomListPage>;
}

/**
 * Client of HappyTalk's `chat_room_lists` API, with the error handling and
 * retries of the `chat_data` client (see {@link HappyTalkTransport}).
 */
export class HappyTalkRoomListClient implements RoomListSource {
  readonly #transport: HappyTalkTransport;

  constructor(options: HappyTalkClientOptions) {
    this.#transport = new HappyTalkTransport(CHAT_ROOM_LISTS_PATH, options);
  }

  get endpoint(): string {
    return this.#transport.endpoint;
  }

  /**
   * Fetches one page of rooms registered from `from` to `to`.
   *
   * @throws OverDateError for fail `-504` (the range is too long or too old: split it)
   * @throws HappyTalkAuthError for `-501`, `-502`, HTTP 401/403
   * @throws HappyTalkUnavailableError once retries are exhausted
   */
  async listPage(query: RoomListQuery): Promise<RoomListPage> {
    const fields = roomListFields(query);
    const subject = `the room list ${fields.sdate}..${fields.edate} page ${fields.page}`;
    const call = await this.#transport.call(fields, subject, (bytes) => parseListedPage(bytes, subject));
    return { ...call.value, attempts: call.attempts };
  }
}

/** The request body fields of a {@link RoomListQuery} (without the token), validated. */
export function roomListFields(query: RoomListQuery): Record<string, string | number> & {
  sdate: string;
  edate: string;
  page: number;
} {
  const from = checkDate('from', query.from);
  const to = checkDate('to', query.to);
  if (from > to) throw new ConfigurationError(`the room list range ends before it starts: ${from}..${to}`);
  const limit = query.limit ?? ROOM_LIST_MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > ROOM_LIST_MAX_LIMIT) {
    throw new ConfigurationError(
      `limit must be an integer from 1 to ${ROOM_LIST_MAX_LIMIT}, received ${limit}`,
    );
  }
  const page = query.page ?? 1;
  if (!Number.isInteger(page) || page < 1) {
    throw new ConfigurationError(`page must be a positive integer, received ${page}`);
  }
  return {
    sdate: from,
    edate: to,
    status: query.status ?? ROOM_LIST_STATUSES.all,
    sort_key: query.sortKey ?? 'reg_date',
    sort_value: query.sortOrder ?? 'asc',
    limit,
    page,
  };
}

/**
 * `parseRoomList` as the client runs it: the zod schema that names the first
 * issue of a refused answer is loaded then, on first use, and never at a
 * Lambda function's cold start.
 */
async function parseListedPage(bytes: Uint8Array, subject: string): Promise<Omit<RoomListPage, 'attempts'>> {
  const answer = readRoomList(bytes, subject);
  if (!('refused' in answer)) return answer;
  const { describeRoomListShape } = await import('./shape-schemas.js');
  throw notDocumentedShape(subject, describeRoomListShape(answer.refused));
}

/**
 * A `chat_room_lists` page read and classified (see `parseRoomList` in
 * `room-list.ts`), or, when it is not the documented shape, what to describe.
 */
export function readRoomList(
  bytes: Uint8Array,
  subject: string,
): Omit<RoomListPage, 'attempts'> | RefusedAnswer {
  const { json } = parseAnswerJson(bytes, subject);
  if (!isRoomListResponse(json)) return { refused: json, subject };
  if (json.result === 'fail') {
    if (documentedFailCode(json.code) === -503) return { page: 1, limit: 0, totalCount: 0, rooms: [] };
    throw listFailError(json.code, json.message, subject);
  }
  const data = Array.isArray(json.data) ? undefined : (json.data ?? undefined);
  const rooms = (data?.chat_list ?? []).map(
    (chat): ListedRoom => ({
      roomId: String(chat.id),
      status: text(chat.status),
      regDate: text(chat.reg_date),
      completeDate: text(chat.complate_date),
    }),
  );
  return {
    page: data?.page === undefined ? 1 : Number(data.page),
    limit: data?.limit === undefined ? rooms.length : Number(data.limit),
    totalCount: data === undefined ? 0 : Number(data.total_count),
    rooms,
  };
}

function listFailError(
  code: number | string,
  message: string | null | undefined,
  subject: string,
): HappyTalkError {
  const said = `HappyTalk answered ${describeFailAnswer(code, message)}`;
  switch (documentedFailCode(code)) {
    case -501:
    case -502:
      return new HappyTalkAuthError(`${said}: check the token and client credentials`);
    case -504:
      return new OverDateError(`${subject} is outside HappyTalk's query window: ${said}`);
    default:
      return new HappyTalkUnavailableError(`${subject}: ${said} (an undocumented code)`);
  }
}

function text(value: string | number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function checkDate(name: string, value: string): string {
  if (!calendarDay(value)) {
    throw new ConfigurationError(`${name} must be a date YYYY-MM-DD, received ${JSON.stringify(value)}`);
  }
  return value;
}

/** `YYYY-MM-DD` checked to be a real calendar date. */
export function parseDay(name: string, value: string): string {
  return checkDate(name, value);
}

/** A range of days, both ends included. */
export interface DayWindow {
  readonly from: string;
  readonly to: string;
}

/** What {@link listRooms} yields. */
export type RoomListEvent =
  /** One page of rooms not seen before in this listing. */
  | { readonly kind: 'rooms'; readonly window: DayWindow; readonly rooms: readonly ListedRoom[] }
  /** HappyTalk answered overDate for a window, which is split and tried again. */
  | { readonly kind: 'split'; readonly window: DayWindow; readonly windowDays: number }
  /** HappyTalk refuses even a single day (older than it lets this token query); listing goes on. */
  | { readonly kind: 'window-failed'; readonly window: DayWindow; readonly error: OverDateError };

export interface ListRoomsOptions extends DayWindow {
  readonly status?: number;
  readonly sortKey?: RoomListSortKey;
  readonly sortOrder?: RoomListSortOrder;
  /** Rooms per page (default 50). */
  readonly pageSize?: number;
  /** The longest window asked for at once, in days (default: the whole range). */
  readonly maxWindowDays?: number;
  /**
   * Called with every page as HappyTalk answered it (repeated rooms included):
   * `true` ends the current window there, its later pages unlisted, and
   * listing goes on with the next window. For a listing sorted newest first
   * that needs only the rooms after some time.
   */
  readonly endWindow?: (page: readonly ListedRoom[]) => boolean;
  readonly logger?: Logger;
}

/**
 * Lists every room from `from` to `to`, page by page, each room once (ids
 * already yielded are dropped, so pages that shift while listing cannot
 * duplicate a room). On `-504 overDate` the window is halved and tried again,
 * and later windows keep the smaller size; a single day still refused is
 * reported as `window-failed` and skipped. Other errors end the listing.
 *
 * The one listing of the archive: backfill, reconciliation and the
 * completion watcher use it.
 */
export async function* listRooms(
  source: RoomListSource,
  options: ListRoomsOptions,
): AsyncGenerator<RoomListEvent, void, undefined> {
  const from = parseDay('from', options.from);
  const to = parseDay('to', options.to);
  if (from > to) throw new ConfigurationError(`the range ends before it starts: ${from}..${to}`);
  const logger = options.logger ?? silentLogger;
  const pageSize = options.pageSize ?? ROOM_LIST_MAX_LIMIT;
  const seen = new Set<string>();
  let windowDays = Math.min(options.maxWindowDays ?? daysBetween(from, to), daysBetween(from, to));
  if (!Number.isInteger(windowDays) || windowDays < 1) {
    throw new ConfigurationError(
      `maxWindowDays must be a positive integer, received ${options.maxWindowDays}`,
    );
  }
  let cursor = from;
  while (cursor <= to) {
    const end = minDay(addDays(cursor, windowDays - 1), to);
    const window = { from: cursor, to: end };
    try {
      for (let page = 1; ; page++) {
        const answer = await source.listPage({
          from: cursor,
          to: end,
          page,
          limit: pageSize,
          ...(options.status === undefined ? {} : { status: options.status }),
          ...(options.sortKey === undefined ? {} : { sortKey: options.sortKey }),
          ...(options.sortOrder === undefined ? {} : { sortOrder: options.sortOrder }),
        });
        const fresh = answer.rooms.filter((room) => !seen.has(room.roomId));
        for (const room of fresh) seen.add(room.roomId);
        if (fresh.length > 0) yield { kind: 'rooms', window, rooms: fresh };
        const pageLimit = answer.limit > 0 ? answer.limit : pageSize;
        if (answer.rooms.length < pageLimit || page * pageLimit >= answer.totalCount) break;
        if (options.endWindow?.(answer.rooms)) break;
      }
    } catch (error) {
      if (!(error instanceof OverDateError)) throw error;
      const days = daysBetween(cursor, end);
      if (days > 1) {
        windowDays = Math.ceil(days / 2);
        logger.info('HappyTalk refused the window (overDate): splitting it', {
          ...window,
          window_days: windowDays,
        });
        yield { kind: 'split', window, windowDays };
        continue;
      }
      logger.warn('HappyTalk refused a single day (overDate): skipping it', window);
      yield { kind: 'window-failed', window, error };
    }
    cursor = addDays(end, 1);
  }
}

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}
