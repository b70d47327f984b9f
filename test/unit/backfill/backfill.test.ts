import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveSummary } from '../../../lib/archive/archive-room.js';
import { backfill, ROOMS_PER_REQUEST } from '../../../lib/backfill/backfill.js';
import { FileCheckpoint } from '../../../lib/backfill/checkpoint.js';
import { ConfigurationError } from '../../../lib/errors.js';
import type { RequestGate } from '../../../lib/happytalk/client.js';
import { HappyTalkAuthError, RoomNotFoundError } from '../../../lib/happytalk/errors.js';
import { FinalStatuses } from '../../../lib/happytalk/finality.js';
import type { RoomListQuery, RoomListSource } from '../../../lib/happytalk/room-list.js';
import type { ArchiveRequestSink } from '../../../lib/queue/archive-requests.js';

const SCOPE = { target: 's3://archive', from: '2024-03-01', to: '2024-03-02', status: 2 };

/** Rooms by id, completed (status 2) unless `statuses` names another status. */
function source(
  ids: string[],
  statuses: Record<string, string> = {},
  queries: RoomListQuery[] = [],
): RoomListSource {
  return {
    listPage: async (query) => {
      queries.push(query);
      const page = query.page ?? 1;
      const limit = query.limit ?? 50;
      return {
        page,
        limit,
        totalCount: ids.length,
        attempts: 1,
        rooms: ids.slice((page - 1) * limit, page * limit).map((roomId) => ({
          roomId,
          status: statuses[roomId] ?? '2',
          regDate: null,
          completeDate: null,
        })),
      };
    },
  };
}

function summary(roomId: string, status: ArchiveSummary['status'] = 'archived'): ArchiveSummary {
  return { room_id: roomId, status, transcript_key: '', raw_key: '', sha256: '', message_count: 1 };
}

/** An archive that records the rooms it is asked for. */
function recording(archived: string[]) {
  return async (roomId: string) => {
    archived.push(roomId);
    return summary(roomId);
  };
}

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'backfill-unit-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('backfill', () => {
  it('archives each listed room, counts each outcome, and reports failures with their reason', async () => {
    // Prepare
    const archived: string[] = [];
    const archive = async (roomId: string) => {
      archived.push(roomId);
      if (roomId === 'gone') throw new RoomNotFoundError('room gone not found: HappyTalk answered fail -503');
      return summary(roomId, roomId === 'same' ? 'unchanged' : roomId === 'newer' ? 'updated' : 'archived');
    };

    // Act
    const result = await backfill(
      { from: '2024-03-01', to: '2024-03-02', concurrency: 3, ratePerSecond: 1000 },
      { rooms: source(['a', 'same', 'newer', 'gone', 'b']), target: { kind: 'archive', archive } },
    );

    // Assess
    expect(archived.sort()).toEqual(['a', 'b', 'gone', 'newer', 'same']);
    expect(result).toMatchObject({
      mode: 'archive',
      status: 'final',
      final_statuses: ['2', '4'],
      listed: 5,
      processed: 5,
      archived: 2,
      updated: 1,
      unchanged: 1,
      failed: 1,
      failures: [{ room_id: 'gone', code: 'ROOM_NOT_FOUND', message: expect.stringContaining('-503') }],
    });
    expect(result.aborted).toBeUndefined();
  });

  it('lists every status and archives the finished rooms only: completed and ended in the chatbot', async () => {
    // Prepare
    const statuses = {
      botWait: '-2',
      botTalk: '-1',
      waiting: '0',
      talking: '1',
      done: '2',
      gone: '3',
      bot: '4',
    };
    const queries: RoomListQuery[] = [];
    const archived: string[] = [];

    // Act
    const result = await backfill(
      { from: '2024-03-01', to: '2024-03-02', ratePerSecond: 1000 },
      {
        rooms: source(Object.keys(statuses), statuses, queries),
        target: { kind: 'archive', archive: recording(archived) },
      },
    );

    // Assess
    expect(queries.map((query) => query.status)).toEqual([99]);
    expect(archived.sort()).toEqual(['bot', 'done']);
    expect(result).toMatchObject({ status: 'final', listed: 2, archived: 2, not_final: 5 });
  });

  it('keeps deleted rooms too when 3 is configured final', async () => {
    // Prepare
    const statuses = { talking: '1', done: '2', gone: '3', bot: '4' };
    const archived: string[] = [];

    // Act
    const result = await backfill(
      {
        from: '2024-03-01',
        to: '2024-03-02',
        ratePerSecond: 1000,
        finalStatuses: new FinalStatuses(['2', '3', '4']),
      },
      {
        rooms: source(Object.keys(statuses), statuses),
        target: { kind: 'archive', archive: recording(archived) },
      },
    );

    // Assess
    expect(archived.sort()).toEqual(['bot', 'done', 'gone']);
    expect(result).toMatchObject({ final_statuses: ['2', '3', '4'], not_final: 1 });
  });

  it('lists one explicit status and archives every room it lists', async () => {
    // Prepare
    const statuses = { talking: '1', alsoTalking: '1' };
    const queries: RoomListQuery[] = [];
    const archived: string[] = [];

    // Act
    const result = await backfill(
      { from: '2024-03-01', to: '2024-03-02', ratePerSecond: 1000, status: 1 },
      {
        rooms: source(Object.keys(statuses), statuses, queries),
        target: { kind: 'archive', archive: recording(archived) },
      },
    );

    // Assess
    expect(queries.map((query) => query.status)).toEqual([1]);
    expect(archived.sort()).toEqual(['alsoTalking', 'talking']);
    expect(result).toMatchObject({ status: 1, listed: 2, not_final: 0 });
    expect(result.final_statuses).toBeUndefined();
  });

  it('bounds the HappyTalk requests in flight, list pages included, not the rooms: a room writing holds no place', async () => {
    // Prepare
    const ids = Array.from({ length: 60 }, (_, index) => `room${index}`);
    let requests = 0;
    let mostRequests = 0;
    let rooms = 0;
    let mostRooms = 0;
    const request = async (work: () => Promise<void>) => {
      requests += 1;
      mostRequests = Math.max(mostRequests, requests);
      try {
        await work();
      } finally {
        requests -= 1;
      }
    };
    const listed = source(ids);
    const pages: RoomListSource = {
      listPage: async (query) => {
        let page: Awaited<ReturnType<RoomListSource['listPage']>> | undefined;
        await request(async () => {
          page = await listed.listPage(query);
        });
        return page as Awaited<ReturnType<RoomListSource['listPage']>>;
      },
    };
    const archive = async (roomId: string, { happyTalkGate }: { happyTalkGate: RequestGate }) => {
      rooms += 1;
      mostRooms = Math.max(mostRooms, rooms);
      try {
        await happyTalkGate(() => request(() => new Promise((resolve) => setTimeout(resolve, 3))));
        // The room's writes: outside the gate.
        await new Promise((resolve) => setTimeout(resolve, 9));
      } finally {
        rooms -= 1;
      }
      return summary(roomId);
    };

    // Act
    const result = await backfill(
      { from: '2024-03-01', to: '2024-03-02', concurrency: 2, ratePerSecond: 1000 },
      { rooms: pages, target: { kind: 'archive', archive } },
    );

    // Assess
    expect(result.archived).toBe(60);
    expect(mostRequests).toBe(2);
    expect(mostRooms).toBeGreaterThan(2);
    expect(mostRooms).toBeLessThanOrEqual(2 * ROOMS_PER_REQUEST);
  });

  it("starts at most ratePerSecond HappyTalk requests a second, the rooms' calls and list pages alike", async () => {
    // Prepare
    const ids = Array.from({ length: 6 }, (_, index) => `room${index}`);
    const started: number[] = [];
    const listed = source(ids);
    const pages: RoomListSource = {
      listPage: async (query) => {
        started.push(Date.now());
        return listed.listPage(query);
      },
    };
    const archive = async (roomId: string, { happyTalkGate }: { happyTalkGate: RequestGate }) => {
      await happyTalkGate(async () => {
        started.push(Date.now());
      });
      return summary(roomId);
    };

    // Act
    await backfill(
      { from: '2024-03-01', to: '2024-03-02', concurrency: 8, ratePerSecond: 4 },
      { rooms: pages, target: { kind: 'archive', archive } },
    );

    // Assess: 7 requests (a page and 6 rooms) at 4 a second take a second window more.
    expect(started).toHaveLength(7);
    const first = started[0] ?? 0;
    expect(started.filter((time) => time - first < 900)).toHaveLength(4);
  });

  it('stops at an error every room would hit, instead of trying them all', async () => {
    // Prepare
    const ids = Array.from({ length: 40 }, (_, index) => `room${index}`);
    let calls = 0;
    const archive = async (): Promise<ArchiveSummary> => {
      calls += 1;
      throw new HappyTalkAuthError('HappyTalk answered fail -501 "token": check the token');
    };

    // Act
    const result = await backfill(
      { from: '2024-03-01', to: '2024-03-02', concurrency: 2, ratePerSecond: 1000 },
      { rooms: source(ids), target: { kind: 'archive', archive } },
    );

    // Assess
    expect(result.aborted).toMatchObject({ code: 'UPSTREAM_AUTH' });
    expect(calls).toBeLessThanOrEqual(2 * ROOMS_PER_REQUEST);
  });

  it('skips what the checkpoint holds and records what it does', async () => {
    // Prepare
    const path = join(directory, 'checkpoint.jsonl');
    const first = await FileCheckpoint.open(path, SCOPE);
    await first.record('a', 'archived');
    await first.close();
    const checkpoint = await FileCheckpoint.open(path, SCOPE);
    const archived: string[] = [];

    // Act
    const result = await backfill(
      { from: '2024-03-01', to: '2024-03-02', ratePerSecond: 1000 },
      {
        rooms: source(['a', 'b']),
        target: {
          kind: 'archive',
          archive: async (roomId) => {
            archived.push(roomId);
            return summary(roomId);
          },
        },
        checkpoint,
      },
    );
    await checkpoint.close();

    // Assess
    expect(checkpoint.resumed).toBe(1);
    expect(archived).toEqual(['b']);
    expect(result).toMatchObject({ listed: 2, skipped: 1, archived: 1 });
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.slice(1).map((line) => JSON.parse(line))).toEqual([
      { room_id: 'a', status: 'archived' },
      { room_id: 'b', status: 'archived' },
    ]);
  });

  it('sends rooms to the queue in batches of 10 and reports the entries SQS refused', async () => {
    // Prepare
    const ids = Array.from({ length: 23 }, (_, index) => `room${index}`);
    const batches: string[][] = [];
    const queue: ArchiveRequestSink = {
      enqueue: async (roomIds) => {
        batches.push([...roomIds]);
        const refused: string[] = roomIds.filter((id) => id === 'room7');
        return {
          sent: roomIds.filter((id) => !refused.includes(id)),
          failed: refused.map((id) => ({ room_id: id, code: 'InvalidMessageContents', message: 'bad body' })),
        };
      },
    };

    // Act
    const result = await backfill(
      { from: '2024-03-01', to: '2024-03-02', ratePerSecond: 1000 },
      { rooms: source(ids), target: { kind: 'queue', queue } },
    );

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 3]);
    expect(result).toMatchObject({
      mode: 'queue',
      listed: 23,
      enqueued: 22,
      failed: 1,
      failures: [{ room_id: 'room7', code: 'SQS_InvalidMessageContents', message: 'bad body' }],
    });
  });

  it.each([
    [{ status: 7 }, 'status must be one of'],
    [{ concurrency: 0 }, 'concurrency must be an integer from 1 to 64'],
    [{ ratePerSecond: 0 }, 'rate must be a number of requests per second above 0'],
    [{ from: '2024-03-05' }, 'the range ends before it starts'],
  ])('refuses %j', async (options, message) => {
    // Act
    const act = backfill(
      { from: '2024-03-01', to: '2024-03-02', ...options },
      { rooms: source([]), target: { kind: 'archive', archive: async (id) => summary(id) } },
    );

    // Assess
    await expect(act).rejects.toThrow(ConfigurationError);
    await expect(act).rejects.toThrow(message);
  });
});

describe('FileCheckpoint', () => {
  it('refuses the checkpoint of another backfill', async () => {
    // Prepare
    const path = join(directory, 'checkpoint.jsonl');
    await (await FileCheckpoint.open(path, SCOPE)).close();

    // Act
    const act = FileCheckpoint.open(path, { ...SCOPE, target: 's3://other-bucket' });

    // Assess
    await expect(act).rejects.toThrow('is the checkpoint of another backfill (target "s3://archive")');
  });

  it('ignores a partial last line left by a killed run, and appends on a line of its own', async () => {
    // Prepare
    const path = join(directory, 'checkpoint.jsonl');
    const first = await FileCheckpoint.open(path, SCOPE);
    await first.record('a', 'archived');
    await first.close();
    await writeFile(path, `${await readFile(path, 'utf8')}{"room_id":"b","sta`);

    // Act
    const checkpoint = await FileCheckpoint.open(path, SCOPE);
    await checkpoint.record('c', 'unchanged');
    await checkpoint.close();
    const reopened = await FileCheckpoint.open(path, SCOPE);
    await reopened.close();

    // Assess
    expect(checkpoint.resumed).toBe(1);
    expect(reopened.has('a') && reopened.has('c') && !reopened.has('b')).toBe(true);
    expect(reopened.resumed).toBe(2);
  });

  it('refuses a file that is not a checkpoint', async () => {
    // Prepare
    const path = join(directory, 'notes.txt');
    await writeFile(path, 'shopping list\n');

    // Act
    const act = FileCheckpoint.open(path, SCOPE);

    // Assess
    await expect(act).rejects.toThrow('is not a backfill checkpoint');
  });
});
