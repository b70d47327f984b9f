/**
 * Fakes of the watcher's ports: HappyTalk's room list answered by the
 * simulator's own listing rules (sorting, paging, overDate) without a server,
 * an index in memory, and a watcher state with S3's conditional-write rules.
 */

import { type SimRoom, seoulDatetime } from '../../../dev/simulator/index.js';
import {
  type QueryWindow,
  readRoomListRequest,
  roomListAnswer,
  seoulToday,
} from '../../../dev/simulator/room-list.js';
import type { IndexRecord } from '../../../lib/archive/index-record.js';
import { HappyTalkUnavailableError } from '../../../lib/happytalk/errors.js';
import {
  parseRoomList,
  type RoomListQuery,
  type RoomListSource,
  roomListFields,
} from '../../../lib/happytalk/room-list.js';
import type { StoredWatcherState, WatcherState, WatcherStateStore } from '../../../lib/watch/state.js';

export const OPEN = '0000-00-00 00:00:00';

/** A listed-only room: what the room list needs of it. */
export function room(id: string, status: string, registered: Date, completed?: Date): SimRoom {
  return {
    chat: {
      id,
      status,
      reg_date: seoulDatetime(registered),
      complate_date: completed === undefined ? OPEN : seoulDatetime(completed),
    },
    message: [],
  };
}

/** HappyTalk's room list over `rooms`, as the simulator answers it, at the time `clock` says. */
export class FakeRoomList implements RoomListSource {
  readonly queries: RoomListQuery[] = [];
  rooms: SimRoom[] = [];
  /** Answers every request with this error while set. */
  failure: Error | undefined;
  /** Sorts pages by registration instead of completion, as a HappyTalk ignoring `sort_key` would. */
  ignoreSortKey = false;

  constructor(
    private readonly clock: () => Date,
    private readonly window: QueryWindow = {},
  ) {}

  async listPage(query: RoomListQuery) {
    this.queries.push(query);
    if (this.failure) throw this.failure;
    const today = seoulToday(this.clock());
    const request = readRoomListRequest(roomListFields(query), today);
    if (request === undefined) throw new HappyTalkUnavailableError('malformed request');
    const result = roomListAnswer(
      this.ignoreSortKey ? { ...request, sortKey: 'reg_date' } : request,
      this.rooms,
      this.window,
      today,
    );
    const body =
      result.kind === 'success'
        ? result.body
        : { result: 'fail', code: result.code, message: result.message };
    return { ...parseRoomList(new TextEncoder().encode(JSON.stringify(body))), attempts: 1 };
  }
}

/** The archive's index in memory. */
export class MemoryIndex {
  readonly records = new Map<string, IndexRecord>();
  failure: Error | undefined;

  async readIndex(roomId: string): Promise<IndexRecord | undefined> {
    if (this.failure) throw this.failure;
    return this.records.get(roomId);
  }

  /** Records a room as archived, holding its completion (null: archived while open). */
  archive(roomId: string, completedAt: string | null): void {
    this.records.set(roomId, {
      room_id: roomId,
      transcript_key: `transcripts/${roomId}.json`,
      raw_key: `raw/${roomId}.json`,
      sha256: 'a'.repeat(64),
      archived_at: '2024-06-12T00:00:00.000Z',
      schema_version: 1,
      message_count: 1,
      chat_status: completedAt === null ? '1' : '2',
      completed_at: completedAt,
    });
  }
}

/** The watcher state with S3's rules: `If-None-Match: *` and `If-Match` on the ETag. */
export class MemoryStateStore implements WatcherStateStore {
  #object: StoredWatcherState | undefined;
  #version = 0;
  /** What this store last read or wrote, as S3WatcherStateStore remembers it. */
  #known: StoredWatcherState | undefined;
  /** Reads of the state (a GetObject each). */
  reads = 0;
  /** Every state written, in order. */
  readonly written: WatcherState[] = [];
  /** Writes refused by their condition. */
  refused = 0;
  /** Runs before each write's condition is checked: another writer can get in there. */
  beforeWrite: (() => Promise<void> | void) | undefined;
  failure: Error | undefined;

  get current(): StoredWatcherState | undefined {
    return this.#object;
  }

  set(watermark: string): void {
    this.#version += 1;
    this.#object = { state: { watermark, updated_at: watermark }, etag: `"v${this.#version}"` };
  }

  recall(): StoredWatcherState | undefined {
    return this.#known;
  }

  async read(): Promise<StoredWatcherState | undefined> {
    this.reads += 1;
    this.#known = undefined;
    if (this.failure) throw this.failure;
    this.#known = this.#object;
    return this.#object;
  }

  async write(state: WatcherState, expectedEtag: string | undefined): Promise<string | undefined> {
    await this.beforeWrite?.();
    if (this.failure) throw this.failure;
    if (expectedEtag === undefined ? this.#object !== undefined : this.#object?.etag !== expectedEtag) {
      this.refused += 1;
      this.#known = undefined;
      return undefined;
    }
    this.#version += 1;
    this.#object = { state, etag: `"v${this.#version}"` };
    this.#known = this.#object;
    this.written.push(state);
    return this.#object.etag;
  }
}
