import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ArchivedRoom, type ArchiveRoomDeps, archiveRoom } from '../../../lib/archive/archive-room.js';
import { RoomNotFinalError } from '../../../lib/archive/errors.js';
import type { IndexRecord, TranscriptIndexRecord } from '../../../lib/archive/index-record.js';
import { bodyBytes } from '../../../lib/archive/s3-objects.js';
import type {
  ArchiveEntry,
  ArchiveStore,
  UnprocessableEntry,
  WriteOutcome,
} from '../../../lib/archive/store.js';
import { InvalidRoomIdError } from '../../../lib/errors.js';
import { type ChatDataSource, type FetchedRoom, parseChatData } from '../../../lib/happytalk/client.js';
import { FinalStatuses } from '../../../lib/happytalk/finality.js';
import type { Logger } from '../../../lib/logger.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { UnprocessableResponseError } from '../../../lib/transcript/unprocessable.js';
import { rawChat, rawMessage } from '../transcript/builders.js';

const ROOM = 'room0001';
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
const FETCHED_AT = new Date('2022-05-26T01:31:07.000Z');
const ARCHIVED_AT = new Date('2026-01-02T03:04:05.000Z');
const RAW_KEY = `raw/year=2022/month=05/day=26/${ROOM}.json`;
const TRANSCRIPT_KEY = `transcripts/year=2022/month=05/day=26/${ROOM}.json`;

/** A HappyTalk answer for one room (a value, or its JSON text), read by the real parser; records the rooms asked for. */
class FakeChatDataSource implements ChatDataSource {
  readonly requested: string[] = [];
  #body: unknown;

  constructor(body: unknown) {
    this.#body = body;
  }

  answer(body: unknown): void {
    this.#body = body;
  }

  async fetchRoom(roomId: string): Promise<FetchedRoom> {
    this.requested.push(roomId);
    const text = typeof this.#body === 'string' ? this.#body : JSON.stringify(this.#body);
    const bytes = new TextEncoder().encode(text);
    return {
      bytes,
      ...parseChatData(bytes, roomId),
      endpoint: ENDPOINT,
      fetchedAt: FETCHED_AT,
      attempts: 1,
      latencyMs: 12,
    };
  }
}

/** An archive in memory that records what was read and written. */
class MemoryArchiveStore implements ArchiveStore {
  readonly indexes = new Map<string, IndexRecord>();
  readonly writes: ArchiveEntry[] = [];
  readonly unprocessableWrites: UnprocessableEntry[] = [];
  readonly indexReads: string[] = [];

  async readIndex(roomId: string): Promise<IndexRecord | undefined> {
    this.indexReads.push(roomId);
    return this.indexes.get(roomId);
  }

  /** The outcome the next write reports; `written` stores the entry. */
  nextOutcome: WriteOutcome = 'written';

  async write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }> {
    this.writes.push(entry);
    if (this.nextOutcome === 'written') this.indexes.set(entry.index.room_id, entry.index);
    return { outcome: this.nextOutcome, index: entry.index };
  }

  async writeUnprocessable(
    entry: UnprocessableEntry,
  ): Promise<{ outcome: WriteOutcome; index: IndexRecord }> {
    this.unprocessableWrites.push(entry);
    if (this.nextOutcome === 'written') this.indexes.set(entry.index.room_id, entry.index);
    return { outcome: this.nextOutcome, index: entry.index };
  }

  async readTranscript(): Promise<undefined> {
    throw new Error('archiveRoom does not read transcripts');
  }

  async readRaw(): Promise<undefined> {
    throw new Error('archiveRoom does not read raw responses');
  }
  async writeRedacted(): Promise<never> {
    throw new Error('these rooms are archived without redacted copies');
  }
}

/** A logger that keeps its warnings. */
function recordingLogger(): Logger & { warnings: { message: string; extra: Record<string, unknown>[] }[] } {
  const warnings: { message: string; extra: Record<string, unknown>[] }[] = [];
  return {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (message, ...extra) => {
      warnings.push({ message, extra });
    },
    error: () => {},
  };
}

function response(
  messageCount = 1,
  extraFields: Record<string, unknown> = {},
  chat: Record<string, unknown> = {},
): unknown {
  const messages = Array.from({ length: messageCount }, (_, index) =>
    rawMessage({ id: String(index + 1), send_date: `2022-05-26 10:30:0${index}` }),
  );
  return {
    result: 'success',
    data: [{ chat: rawChat({ id: ROOM, ...chat }), message: messages }],
    ...extraFields,
  };
}

/** A room in this status, open ones with HappyTalk's zero completion date. */
function roomIn(status: string): unknown {
  const open = ['-2', '-1', '0', '1'].includes(status);
  return response(1, {}, { status, ...(open ? { complate_date: '0000-00-00 00:00:00' } : {}) });
}

function sha256Of(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

function deps(
  source: ChatDataSource,
  store: ArchiveStore,
  extra: Partial<ArchiveRoomDeps> = {},
): ArchiveRoomDeps {
  return { source, store, now: () => ARCHIVED_AT, ...extra };
}

function storedLine(entry: ArchiveEntry | undefined): string {
  if (entry === undefined) throw new Error('nothing was written');
  return Buffer.from(bodyBytes(entry.transcriptLine)).toString('utf8');
}

function storedTranscript(entry: ArchiveEntry | undefined) {
  return TranscriptSchema.parse(JSON.parse(storedLine(entry)));
}

describe('archiveRoom', () => {
  it('archives a new room: raw bytes, transcript, and an index with its status and completion', async () => {
    // Prepare
    const body = response(2);
    const source = new FakeChatDataSource(body);
    const store = new MemoryArchiveStore();

    // Act
    const summary = await archiveRoom(ROOM, deps(source, store));

    // Assess
    const sha256 = sha256Of(body);
    expect(summary).toEqual({
      room_id: ROOM,
      status: 'archived',
      transcript_key: TRANSCRIPT_KEY,
      raw_key: RAW_KEY,
      sha256,
      message_count: 2,
    });
    expect(store.writes).toHaveLength(1);
    const [entry] = store.writes;
    expect(entry?.index).toEqual({
      room_id: ROOM,
      transcript_key: TRANSCRIPT_KEY,
      raw_key: RAW_KEY,
      sha256,
      archived_at: '2026-01-02T03:04:05.000Z',
      schema_version: 1,
      message_count: 2,
      chat_status: '2',
      completed_at: '2022-05-26T10:31:06+09:00',
      fetched_at: '2022-05-26T01:31:07.000Z',
    });
    expect(Buffer.from(entry?.raw ?? []).toString('utf8')).toBe(JSON.stringify(body));
    expect(storedLine(entry).endsWith('}\n')).toBe(true);
    expect(storedTranscript(entry)).toMatchObject({
      room_id: ROOM,
      stats: { message_count: 2 },
      source: { endpoint: ENDPOINT, fetched_at: '2022-05-26T01:31:07.000Z', sha256 },
    });
  });

  it('keeps the fields of the response beside result and data as warnings of the archived transcript', async () => {
    // Prepare
    const source = new FakeChatDataSource(response(1, { extra_field: { page: 2 } }));
    const store = new MemoryArchiveStore();
    const logger = recordingLogger();

    // Act
    await archiveRoom(ROOM, deps(source, store, { logger }));

    // Assess
    expect(storedTranscript(store.writes[0]).warnings).toContainEqual({
      path: '$.extra_field',
      value: { page: 2 },
      reason: 'response field not in the spec',
    });
    expect(logger.warnings).toEqual([
      {
        message: 'transcript normalized with warnings',
        extra: [
          {
            room_id: ROOM,
            warnings: [{ path: '$.extra_field', reason: 'response field not in the spec' }],
          },
        ],
      },
    ]);
  });

  it('reports updated and rewrites the index when the content changed', async () => {
    // Prepare
    const source = new FakeChatDataSource(response(1));
    const store = new MemoryArchiveStore();
    const first = await archiveRoom(ROOM, deps(source, store));
    source.answer(response(3));

    // Act
    const second = await archiveRoom(ROOM, deps(source, store));

    // Assess
    expect(first.status).toBe('archived');
    expect(second).toMatchObject({ status: 'updated', message_count: 3, sha256: sha256Of(response(3)) });
    expect(store.writes).toHaveLength(2);
    expect(store.indexes.get(ROOM)).toMatchObject({ sha256: second.sha256, message_count: 3 });
  });

  it('reports unchanged and writes nothing when the archived copy has the same sha256', async () => {
    // Prepare
    const source = new FakeChatDataSource(response(1));
    const store = new MemoryArchiveStore();
    const first = await archiveRoom(ROOM, deps(source, store));

    // Act
    const second = await archiveRoom(ROOM, deps(source, store));

    // Assess
    expect(second).toEqual({ ...first, status: 'unchanged' });
    expect(store.writes).toHaveLength(1);
    expect(source.requested).toEqual([ROOM, ROOM]);
  });

  it('refuses an invalid room id before calling HappyTalk or the store', async () => {
    // Prepare
    const source = new FakeChatDataSource(response(1));
    const store = new MemoryArchiveStore();

    // Act
    const archiving = archiveRoom('../../etc/passwd', deps(source, store));

    // Assess
    await expect(archiving).rejects.toThrow(InvalidRoomIdError);
    expect(source.requested).toEqual([]);
    expect(store.indexReads).toEqual([]);
    expect(store.writes).toEqual([]);
  });

  it.each([['2'], ['4']])(
    'archives a finished room (status %s) where only final rooms are wanted',
    async (status) => {
      // Prepare
      const store = new MemoryArchiveStore();

      // Act
      const summary = await archiveRoom(ROOM, deps(new FakeChatDataSource(roomIn(status)), store), {
        requireFinalStatus: true,
      });

      // Assess
      expect(summary.status).toBe('archived');
      expect(store.writes[0]?.index.chat_status).toBe(status);
    },
  );

  it.each([['-2'], ['-1'], ['0'], ['1'], ['3'], ['7']])(
    'refuses a room in status %s, not finished, where only final rooms are wanted, writing nothing',
    async (status) => {
      // Prepare
      const store = new MemoryArchiveStore();

      // Act
      const archiving = archiveRoom(ROOM, deps(new FakeChatDataSource(roomIn(status)), store), {
        requireFinalStatus: true,
      });

      // Assess
      await expect(archiving).rejects.toThrow(RoomNotFinalError);
      await expect(archiving).rejects.toMatchObject({ status, retryable: true });
      expect(store.writes).toEqual([]);
    },
  );

  it('takes a deleted room (3) as finished when the final statuses say so', async () => {
    // Prepare
    const store = new MemoryArchiveStore();
    const finalStatuses = new FinalStatuses(['2', '3', '4']);

    // Act
    const summary = await archiveRoom(
      ROOM,
      deps(new FakeChatDataSource(roomIn('3')), store, { finalStatuses }),
      { requireFinalStatus: true },
    );

    // Assess
    expect(summary.status).toBe('archived');
  });

  it('archives a room still in the chatbot as it is after the last attempt, saying so in the transcript', async () => {
    // Prepare
    const store = new MemoryArchiveStore();

    // Act
    await archiveRoom(ROOM, deps(new FakeChatDataSource(roomIn('-1')), store), { notFinalAfterAttempts: 3 });

    // Assess
    const transcript = storedTranscript(store.writes[0]);
    expect(transcript.chat.status).toEqual({ code: '-1', label: '봇 상담', name: 'bot_in_progress' });
    expect(transcript.warnings).toContainEqual({
      path: 'chat.status',
      value: '-1',
      reason: 'room not final after 3 attempts: archived as it is',
    });
  });

  it('tells onArchived of each new content written, whether the room was finished, and when it completed', async () => {
    // Prepare
    const seen: ArchivedRoom[] = [];
    const source = new FakeChatDataSource(roomIn('1'));
    const store = new MemoryArchiveStore();
    const onArchived = (archived: ArchivedRoom) => seen.push(archived);
    await archiveRoom(ROOM, deps(source, store, { onArchived }));
    source.answer(roomIn('4'));

    // Act
    await archiveRoom(ROOM, deps(source, store, { onArchived }));
    await archiveRoom(ROOM, deps(source, store, { onArchived }));

    // Assess
    expect(seen).toEqual([
      {
        roomId: ROOM,
        outcome: 'archived',
        final: false,
        completedAt: null,
        archivedAt: ARCHIVED_AT.toISOString(),
      },
      {
        roomId: ROOM,
        outcome: 'updated',
        final: true,
        completedAt: '2022-05-26T10:31:06+09:00',
        archivedAt: ARCHIVED_AT.toISOString(),
      },
    ]);
  });
});

/** A room whose first message holds a value nested `levels` deep, as JSON text (too deep for JSON.stringify). */
function deeplyNested(levels: number): string {
  const chat = JSON.stringify(rawChat({ id: ROOM }));
  const message = JSON.stringify(rawMessage({ id: '1', send_date: '2022-05-26 10:30:00' })).slice(0, -1);
  return `{"result":"success","data":[{"chat":${chat},"message":[${message},"x":${'['.repeat(levels)}${']'.repeat(levels)}}]}]}`;
}

describe('archiveRoom and an answer it cannot normalize', () => {
  it('keeps the raw bytes of a room nested 20,000 levels deep, marks its index unprocessable, and throws why', async () => {
    // Prepare
    const body = deeplyNested(20_000);
    const source = new FakeChatDataSource(body);
    const store = new MemoryArchiveStore();

    // Act
    const error = await archiveRoom(ROOM, deps(source, store)).catch((caught: unknown) => caught);

    // Assess
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(error).toBeInstanceOf(UnprocessableResponseError);
    expect(error).toMatchObject({
      code: 'UNPROCESSABLE_RESPONSE',
      retryable: false,
      reason: 'nested 20005 levels deep, beyond the limit of 512',
    });
    expect((error as Error).message).toBe(
      `room ${ROOM}: HappyTalk's answer cannot be normalized (nested 20005 levels deep, beyond the limit of 512); ` +
        `its raw bytes are archived at ${RAW_KEY}, marked unprocessable in the index`,
    );
    expect(store.writes).toEqual([]);
    expect(store.unprocessableWrites).toHaveLength(1);
    const [entry] = store.unprocessableWrites;
    expect(Buffer.from(entry?.raw ?? []).toString('utf8')).toBe(body);
    expect(entry?.expectNew).toBe(true);
    expect(entry?.index).toEqual({
      room_id: ROOM,
      status: 'unprocessable',
      transcript_key: null,
      raw_key: RAW_KEY,
      sha256,
      archived_at: '2026-01-02T03:04:05.000Z',
      fetched_at: '2022-05-26T01:31:07.000Z',
      endpoint: ENDPOINT,
      reason: 'nested 20005 levels deep, beyond the limit of 512',
      archiver_version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it('normalizes a room nested exactly to the limit', async () => {
    // Prepare: the value's arrays sit at levels 6 to 512 of the answer
    const source = new FakeChatDataSource(deeplyNested(512 - 5));
    const store = new MemoryArchiveStore();

    // Act
    const summary = await archiveRoom(ROOM, deps(source, store));

    // Assess
    expect(summary.status).toBe('archived');
    expect(store.unprocessableWrites).toEqual([]);
  });

  it('turns anything the normalizer throws into UNPROCESSABLE_RESPONSE, naming the error class only', async () => {
    // Prepare: a record whose reading throws, with a message that quotes the answer
    const source = new FakeChatDataSource(response(1));
    const fetchRoom = source.fetchRoom.bind(source);
    source.fetchRoom = async (roomId) => {
      const fetched = await fetchRoom(roomId);
      Object.defineProperty(fetched.room.chat, 'title', {
        enumerable: true,
        get: () => {
          throw new TypeError('cannot read 홍길동 010-1234-5678');
        },
      });
      return fetched;
    };
    const store = new MemoryArchiveStore();

    // Act
    const error = await archiveRoom(ROOM, deps(source, store)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({
      code: 'UNPROCESSABLE_RESPONSE',
      reason: 'the normalizer failed (TypeError)',
    });
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error as object))).not.toContain('홍길동');
    expect(store.unprocessableWrites[0]?.index.reason).toBe('the normalizer failed (TypeError)');
  });

  it('never counts an unprocessable answer as unchanged: the same bytes are normalized again', async () => {
    // Prepare
    const source = new FakeChatDataSource(deeplyNested(600));
    const store = new MemoryArchiveStore();
    await archiveRoom(ROOM, deps(source, store)).catch(() => undefined);

    // Act
    const again = await archiveRoom(ROOM, deps(source, store)).catch((caught: unknown) => caught);

    // Assess
    expect(again).toBeInstanceOf(UnprocessableResponseError);
    expect(store.unprocessableWrites).toHaveLength(2);
    expect(store.unprocessableWrites[1]?.expectNew).toBeUndefined();
    expect(store.unprocessableWrites[1]?.basis?.index).toEqual(store.unprocessableWrites[0]?.index);
  });

  it('archives the transcript of the same bytes once the normalizer processes them', async () => {
    // Prepare: the index says an earlier normalizer could not process this very answer
    const body = response(2);
    const store = new MemoryArchiveStore();
    store.indexes.set(ROOM, {
      room_id: ROOM,
      status: 'unprocessable',
      transcript_key: null,
      raw_key: RAW_KEY,
      sha256: sha256Of(body),
      archived_at: '2025-01-01T00:00:00.000Z',
      fetched_at: '2022-05-26T01:31:07.000Z',
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      reason: 'the normalizer failed (RangeError)',
      archiver_version: '0.0.1',
    });

    // Act
    const summary = await archiveRoom(ROOM, deps(new FakeChatDataSource(body), store));

    // Assess
    expect(summary).toMatchObject({ status: 'archived', message_count: 2, transcript_key: TRANSCRIPT_KEY });
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]?.expectNew).toBeUndefined();
    expect(store.writes[0]?.basis?.index).toMatchObject({ status: 'unprocessable', sha256: sha256Of(body) });
    expect(store.indexes.get(ROOM)).toMatchObject({ transcript_key: TRANSCRIPT_KEY, sha256: sha256Of(body) });
  });

  it('reports updated when a new answer follows an unprocessable one', async () => {
    // Prepare
    const source = new FakeChatDataSource(deeplyNested(600));
    const store = new MemoryArchiveStore();
    await archiveRoom(ROOM, deps(source, store)).catch(() => undefined);
    source.answer(response(1));

    // Act
    const summary = await archiveRoom(ROOM, deps(source, store));

    // Assess
    expect(summary.status).toBe('updated');
  });
});
