import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ArchivedRoom, type ArchiveRoomDeps, archiveRoom } from '../../../lib/archive/archive-room.js';
import { RoomNotFinalError } from '../../../lib/archive/errors.js';
import type { ArchiveEntry, ArchiveStore, IndexRecord, WriteOutcome } from '../../../lib/archive/store.js';
import { InvalidRoomIdError } from '../../../lib/errors.js';
import { type ChatDataSource, type FetchedRoom, parseChatData } from '../../../lib/happytalk/client.js';
import { FinalStatuses } from '../../../lib/happytalk/finality.js';
import type { Logger } from '../../../lib/logger.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { rawChat, rawMessage } from '../transcript/builders.js';

const ROOM = 'room0001';
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
const FETCHED_AT = new Date('2022-05-26T01:31:07.000Z');
const ARCHIVED_AT = new Date('2026-01-02T03:04:05.000Z');
const RAW_KEY = `raw/year=2022/month=05/day=26/${ROOM}.json`;
const TRANSCRIPT_KEY = `transcripts/year=2022/month=05/day=26/${ROOM}.json`;

/** A HappyTalk answer for one room, read by the real parser; records the rooms asked for. */
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
    const bytes = new TextEncoder().encode(JSON.stringify(this.#body));
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
  readonly indexReads: string[] = [];

  async readIndex(roomId: string): Promise<IndexRecord | undefined> {
    this.indexReads.push(roomId);
    return this.indexes.get(roomId);
  }

  /** The outcome the next write reports; `written` stores the entry. */
  nextOutcome: WriteOutcome = 'written';

  async write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: IndexRecord }> {
    this.writes.push(entry);
    if (this.nextOutcome === 'written') this.indexes.set(entry.index.room_id, entry.index);
    return { outcome: this.nextOutcome, index: entry.index };
  }

  async readTranscript(): Promise<undefined> {
    throw new Error('archiveRoom does not read transcripts');
  }

  async readRaw(): Promise<undefined> {
    throw new Error('archiveRoom does not read raw responses');
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
  const line = entry.transcriptLine;
  return typeof line === 'string' ? line : Buffer.from(line).toString('utf8');
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
      expect(store.indexes.get(ROOM)?.chat_status).toBe(status);
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
