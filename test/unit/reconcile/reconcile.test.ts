import { describe, expect, it } from 'vitest';
import { CorruptArchiveError, StorageUnavailableError } from '../../../lib/archive/errors.js';
import type { IndexRecord } from '../../../lib/archive/index-record.js';
import { OverDateError } from '../../../lib/happytalk/errors.js';
import { FinalStatuses } from '../../../lib/happytalk/finality.js';
import type { ListedRoom, RoomListQuery, RoomListSource } from '../../../lib/happytalk/room-list.js';
import type { ArchiveRequestSink } from '../../../lib/queue/archive-requests.js';
import { type ReconcileDeps, reconcile } from '../../../lib/reconcile/reconcile.js';

// 2024-06-12 12:00 in Seoul.
const NOW = new Date('2024-06-12T03:00:00Z');

function listed(roomId: string, completeDate: string, status = '2'): ListedRoom {
  return { roomId, status, regDate: `${completeDate.slice(0, 10)} 09:00:00`, completeDate };
}

function indexOf(roomId: string, completedAt: string | null, status = '2'): IndexRecord {
  return {
    room_id: roomId,
    transcript_key: `transcripts/${roomId}.json`,
    raw_key: `raw/${roomId}.json`,
    sha256: 'a'.repeat(64),
    archived_at: '2024-06-12T02:00:00.000Z',
    schema_version: 1,
    message_count: 3,
    chat_status: status,
    completed_at: completedAt,
  };
}

function deps(
  rooms: ListedRoom[],
  indexes: Record<string, IndexRecord | Error>,
  overrides: Partial<ReconcileDeps> = {},
) {
  const queries: RoomListQuery[] = [];
  const enqueued: string[][] = [];
  const logged: Record<string, unknown>[] = [];
  const source: RoomListSource = {
    listPage: async (query) => {
      queries.push(query);
      return { page: 1, limit: 50, totalCount: rooms.length, attempts: 1, rooms };
    },
  };
  const queue: ArchiveRequestSink = {
    enqueue: async (roomIds) => {
      enqueued.push([...roomIds]);
      return { sent: roomIds, failed: [] };
    },
  };
  const value: ReconcileDeps = {
    rooms: source,
    index: {
      readIndex: async (roomId) => {
        const entry = indexes[roomId];
        if (entry instanceof Error) throw entry;
        return entry;
      },
    },
    queue,
    timeZone: 'Asia/Seoul',
    now: () => NOW,
    logger: {
      debug: () => {},
      info: (message, ...extra) => {
        if (message === 'reconcile decision') logged.push(Object.assign({}, ...extra));
      },
      warn: () => {},
      error: () => {},
    },
    ...overrides,
  };
  return { value, queries, enqueued, logged };
}

describe('reconcile', () => {
  it('leaves a room whose answer fetched after completion is unprocessable, and queues one fetched before', async () => {
    // Prepare
    const unprocessable = (roomId: string, fetchedAt: string): IndexRecord => ({
      room_id: roomId,
      status: 'unprocessable',
      transcript_key: null,
      raw_key: `raw/${roomId}.json`,
      sha256: 'b'.repeat(64),
      archived_at: fetchedAt,
      fetched_at: fetchedAt,
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      reason: 'nested 20005 levels deep, beyond the limit of 512',
      archiver_version: '0.1.0',
    });
    const rooms = [listed('parked', '2024-06-11 10:00:00'), listed('parkedEarly', '2024-06-11 11:00:00')];
    const { value, enqueued, logged } = deps(rooms, {
      // 10:00 in Seoul is 01:00 UTC: fetched after the completion, and before it.
      parked: unprocessable('parked', '2024-06-11T01:30:00.000Z'),
      parkedEarly: unprocessable('parkedEarly', '2024-06-11T01:30:00.000Z'),
    });

    // Act
    const report = await reconcile(value);

    // Assess
    expect(enqueued).toEqual([['parkedEarly']]);
    expect(report).toMatchObject({ listed: 2, gaps: 1, unprocessable: 1, up_to_date: 0 });
    expect(Object.fromEntries(logged.map((entry) => [entry.room_id, [entry.decision, entry.gap]]))).toEqual({
      parked: ['unprocessable', false],
      parkedEarly: ['archived-before-completion', true],
    });
  });

  it('lists completed rooms of the trailing window and queues exactly the gaps, logging every decision', async () => {
    // Prepare
    const rooms = [
      listed('upToDate', '2024-06-11 10:00:00'),
      listed('missing', '2024-06-11 11:00:00'),
      listed('archivedOpen', '2024-06-11 12:00:00'),
      listed('archivedEarlier', '2024-06-12 09:00:00'),
      listed('corrupt', '2024-06-12 09:30:00'),
      listed('tooRecent', '2024-06-12 11:45:00'),
      listed('bad/id', '2024-06-12 08:00:00'),
    ];
    const { value, queries, enqueued, logged } = deps(rooms, {
      upToDate: indexOf('upToDate', '2024-06-11T10:00:00+09:00'),
      archivedOpen: indexOf('archivedOpen', null, '1'),
      archivedEarlier: indexOf('archivedEarlier', '2024-06-12T08:00:00+09:00'),
      corrupt: new CorruptArchiveError('index/rooms/corrupt.json is not an index record'),
      tooRecent: indexOf('tooRecent', null, '1'),
    });

    // Act
    const report = await reconcile(value);

    // Assess
    expect(queries[0]).toMatchObject({
      from: '2024-06-11',
      to: '2024-06-12',
      status: 99,
      sortKey: 'complate_date',
      sortOrder: 'desc',
    });
    expect(enqueued.map((batch) => [...batch].sort())).toEqual([
      ['archivedEarlier', 'archivedOpen', 'corrupt', 'missing'],
    ]);
    expect(report).toMatchObject({
      from: '2024-06-11',
      to: '2024-06-12',
      listed: 7,
      up_to_date: 1,
      gaps: 4,
      gaps_by_reason: { 'not-archived': 1, 'archived-before-completion': 2, 'index-unreadable': 1 },
      too_recent: 1,
      invalid_room_ids: 1,
      enqueued: 4,
    });
    expect(Object.fromEntries(logged.map((entry) => [entry.room_id, entry.decision]))).toEqual({
      upToDate: 'up-to-date',
      missing: 'not-archived',
      archivedOpen: 'archived-before-completion',
      archivedEarlier: 'archived-before-completion',
      corrupt: 'index-unreadable',
      tooRecent: 'too-recent',
      '"bad/id"': 'invalid-room-id',
    });
    expect(logged).toHaveLength(7);
    // An id that is not one is described (JSON-escaped, cut), and its status is not logged.
    expect(logged.find((entry) => entry.decision === 'invalid-room-id')).not.toHaveProperty('status');
  });

  it('keeps the rooms finished in the chatbot (4) beside the completed ones, and nothing open', async () => {
    // Prepare
    const open = '0000-00-00 00:00:00';
    const rooms = [
      listed('completed', '2024-06-11 10:00:00', '2'),
      listed('chatbotEnded', '2024-06-11 10:05:00', '4'),
      listed('botWaiting', open, '-2'),
      listed('botTalking', open, '-1'),
      listed('waiting', open, '0'),
      listed('talking', open, '1'),
      listed('deleted', '2024-06-11 10:10:00', '3'),
      listed('unknown', '2024-06-11 10:15:00', '7'),
    ];
    const { value, enqueued, logged } = deps(rooms, {});

    // Act
    const report = await reconcile(value);

    // Assess
    expect(enqueued.flat().sort()).toEqual(['chatbotEnded', 'completed']);
    expect(report).toMatchObject({ listed: 8, gaps: 2, not_final: 6 });
    // Open rooms are counted, not logged one by one (a day lists many); finished ones are, with their status.
    expect(logged.find((entry) => entry.room_id === 'botTalking')).toBeUndefined();
    expect(logged.map((entry) => entry.decision)).not.toContain('not-final');
    expect(logged.find((entry) => entry.room_id === 'chatbotEnded')).toMatchObject({
      decision: 'not-archived',
      gap: true,
      status: '4',
    });
  });

  it('keeps deleted rooms when 3 is configured final', async () => {
    // Prepare
    const rooms = [
      listed('deleted', '2024-06-11 10:10:00', '3'),
      listed('talking', '0000-00-00 00:00:00', '1'),
    ];
    const { value, enqueued } = deps(rooms, {}, { finalStatuses: new FinalStatuses(['2', '3', '4']) });

    // Act
    const report = await reconcile(value);

    // Assess
    expect(enqueued.flat()).toEqual(['deleted']);
    expect(report.not_final).toBe(1);
  });

  it('queues nothing when everything is archived', async () => {
    // Prepare
    const { value, enqueued } = deps([listed('a', '2024-06-11 10:00:00')], {
      a: indexOf('a', '2024-06-11T10:00:00+09:00'),
    });

    // Act
    const report = await reconcile(value);

    // Assess
    expect(report.gaps).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it('reports a day HappyTalk refuses instead of failing the run', async () => {
    // Prepare
    const { value } = deps(
      [],
      {},
      {
        rooms: {
          listPage: async (query) => {
            if (query.from === '2024-06-11') throw new OverDateError('overDate');
            return { page: 1, limit: 50, totalCount: 0, attempts: 1, rooms: [] };
          },
        },
      },
    );

    // Act
    const report = await reconcile(value);

    // Assess
    expect(report.failed_windows).toEqual([{ from: '2024-06-11', to: '2024-06-11' }]);
  });

  it('fails when the index cannot be read at all, rather than calling rooms gaps', async () => {
    // Prepare
    const { value, enqueued } = deps([listed('a', '2024-06-11 10:00:00')], {
      a: new StorageUnavailableError('cannot read s3://bucket/index/rooms/a.json: SlowDown'),
    });

    // Act
    const act = reconcile(value);

    // Assess
    await expect(act).rejects.toThrow(StorageUnavailableError);
    expect(enqueued).toEqual([]);
  });

  it('refuses a window outside 1 to 31 days', async () => {
    // Act
    const act = reconcile(deps([], {}, { windowDays: 0 }).value);

    // Assess
    await expect(act).rejects.toThrow('the reconciliation window must be 1 to 31 days, received 0');
  });
});
