import { describe, expect, it } from 'vitest';
import type { QueryWindow } from '../../../dev/simulator/room-list.js';
import type { ArchiveSummary } from '../../../lib/archive/archive-room.js';
import { StorageUnavailableError } from '../../../lib/archive/errors.js';
import {
  HappyTalkAuthError,
  HappyTalkUnavailableError,
  RoomNotFoundError,
} from '../../../lib/happytalk/errors.js';
import { FinalStatuses } from '../../../lib/happytalk/finality.js';
import type { Logger } from '../../../lib/logger.js';
import type { ArchiveRequestSink } from '../../../lib/queue/archive-requests.js';
import { UnprocessableResponseError } from '../../../lib/transcript/unprocessable.js';
import {
  ROOMS_PER_REQUEST,
  type WatchDeps,
  type WatchTarget,
  watchPass,
} from '../../../lib/watch/watcher.js';
import { FakeRoomList, MemoryIndex, MemoryStateStore, room } from './fakes.js';

// 2024-06-12 12:00 in Seoul.
const NOW = new Date('2024-06-12T03:00:00Z');
const MINUTE = 60_000;

function minutesBefore(minutes: number, from = NOW): Date {
  return new Date(from.getTime() - minutes * MINUTE);
}

/** A queue that records what it was sent, refusing the ids in `refuse`. */
function recordingQueue(refuse: readonly string[] = []): ArchiveRequestSink & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    enqueue: async (roomIds) => {
      sent.push(...roomIds.filter((id) => !refuse.includes(id)));
      return {
        sent: roomIds.filter((id) => !refuse.includes(id)),
        failed: roomIds
          .filter((id) => refuse.includes(id))
          .map((id) => ({ room_id: id, code: 'InvalidMessageContents', message: 'refused' })),
      };
    },
  };
}

function setup(options: { window?: QueryWindow; target?: WatchTarget; deps?: Partial<WatchDeps> } = {}) {
  const clock = { now: NOW };
  const rooms = new FakeRoomList(() => clock.now, options.window);
  const index = new MemoryIndex();
  const state = new MemoryStateStore();
  const queue = recordingQueue();
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    error: () => {},
  };
  const memory = {};
  const deps = (): WatchDeps => ({
    rooms,
    index,
    state,
    memory,
    target: options.target ?? { kind: 'queue', queue },
    timeZone: 'Asia/Seoul',
    firstWatermark: (now) => minutesBefore(5, now),
    now: () => clock.now,
    logger,
    ...options.deps,
  });
  return { clock, rooms, index, state, queue, warnings, pass: () => watchPass(deps()) };
}

describe('watchPass', () => {
  it('starts a first pass at its first watermark less the overlap, sends the finished rooms, and moves the watermark', async () => {
    // Prepare
    const { rooms, state, queue, pass } = setup();
    const registered = minutesBefore(60);
    rooms.rooms = [
      room('completed', '2', registered, minutesBefore(3)),
      room('chatbotEnded', '4', registered, minutesBefore(14)),
      room('tooOld', '2', registered, minutesBefore(16)),
      room('deleted', '3', registered, minutesBefore(2)),
      room('odd', '7', registered, minutesBefore(2)),
      room('botWaiting', '-2', registered),
      room('botTalking', '-1', registered),
      room('waiting', '0', registered),
      room('talking', '1', registered),
    ];

    // Act
    const report = await pass();

    // Assess
    expect(queue.sent.sort()).toEqual(['chatbotEnded', 'completed']);
    expect(rooms.queries[0]).toMatchObject({
      from: '2024-06-06',
      to: '2024-06-12',
      status: 99,
      sortKey: 'complate_date',
      sortOrder: 'desc',
      limit: 50,
      page: 1,
    });
    expect(state.written.map((written) => written.watermark)).toEqual([
      minutesBefore(5).toISOString(),
      NOW.toISOString(),
    ]);
    expect(report).toMatchObject({
      mode: 'queue',
      watermark_before: minutesBefore(5).toISOString(),
      watermark: NOW.toISOString(),
      advanced: true,
      since: minutesBefore(15).toISOString(),
      days: { from: '2024-06-06', to: '2024-06-12' },
      seen: 9,
      finished: 2,
      gaps: 2,
      enqueued: 2,
      failures: [],
      lag_seconds: 0,
    });
  });

  it('archives a deleted room too when 3 is configured final', async () => {
    // Prepare
    const { rooms, queue, pass } = setup({ deps: { finalStatuses: new FinalStatuses(['2', '3', '4']) } });
    rooms.rooms = [room('deleted', '3', minutesBefore(60), minutesBefore(2))];

    // Act
    await pass();

    // Assess
    expect(queue.sent).toEqual(['deleted']);
  });

  it('sends the rooms archived before they finished, and not the ones archived since', async () => {
    // Prepare
    const { rooms, index, state, queue, pass } = setup();
    state.set(minutesBefore(5).toISOString());
    const registered = minutesBefore(60);
    rooms.rooms = [
      room('archivedOpen', '2', registered, minutesBefore(4)),
      room('archivedDone', '4', registered, minutesBefore(4)),
      room('archivedEarlier', '2', registered, minutesBefore(4)),
    ];
    index.archive('archivedOpen', null);
    index.archive('archivedDone', '2024-06-12T11:56:00+09:00');
    index.archive('archivedEarlier', '2024-06-12T11:40:00+09:00');

    // Act
    const report = await pass();

    // Assess
    expect(queue.sent.sort()).toEqual(['archivedEarlier', 'archivedOpen']);
    expect(report).toMatchObject({ finished: 3, up_to_date: 1, gaps: 2 });
  });

  it('finds every one of more than 50 rooms finished in one window, and stops paging past the watermark', async () => {
    // Prepare
    const { rooms, state, queue, pass } = setup();
    state.set(minutesBefore(5).toISOString());
    const recent = Array.from({ length: 123 }, (_, i) =>
      room(`recent${i}`, i % 3 === 0 ? '4' : '2', minutesBefore(120), minutesBefore((i % 14) + 0.5)),
    );
    const older = Array.from({ length: 400 }, (_, i) =>
      room(`older${i}`, '2', minutesBefore(3000), minutesBefore(20 + i)),
    );
    rooms.rooms = [...recent, ...older];

    // Act
    const report = await pass();

    // Assess
    expect(queue.sent.sort()).toEqual(recent.map((r) => String(r.chat.id)).sort());
    // 123 rooms since the watermark fill pages 1 to 3; page 3 reaches older rooms, so no page 4.
    expect(rooms.queries.map((query) => query.page)).toEqual([1, 2, 3]);
    expect(report).toMatchObject({ seen: 150, finished: 123, advanced: true });
  });

  it('lists every page when a page comes out of completion order, and still finds every room', async () => {
    // Prepare: HappyTalk sorting by registration, whatever sort_key says
    const { rooms, state, queue, warnings, pass } = setup();
    state.set(minutesBefore(5).toISOString());
    rooms.ignoreSortKey = true;
    rooms.rooms = Array.from({ length: 130 }, (_, i) =>
      room(`r${i}`, '2', minutesBefore(600 - i), minutesBefore(i < 20 ? 1 : 300 + ((i * 37) % 100))),
    );

    // Act
    await pass();

    // Assess
    expect(queue.sent).toHaveLength(20);
    expect(rooms.queries.map((query) => query.page)).toEqual([1, 2, 3]);
    expect(warnings).toContain('watcher: the room list is not sorted by completion time: listing every page');
  });

  it('splits the range on overDate as reconcile does, and finds rooms of every window', async () => {
    // Prepare
    const { rooms, state, queue, pass } = setup({ window: { maxDays: 2 } });
    state.set(minutesBefore(5).toISOString());
    rooms.rooms = [
      room('registeredSixDaysAgo', '2', minutesBefore(6 * 1440), minutesBefore(2)),
      room('registeredToday', '4', minutesBefore(30), minutesBefore(1)),
    ];

    // Act
    const report = await pass();

    // Assess
    expect(queue.sent.sort()).toEqual(['registeredSixDaysAgo', 'registeredToday']);
    expect(report.splits).toBeGreaterThan(0);
    expect(report.advanced).toBe(true);
    expect(new Set(rooms.queries.map((query) => `${query.from}..${query.to}`)).size).toBeGreaterThan(3);
  });

  it('keeps the watermark when HappyTalk refuses a day even alone', async () => {
    // Prepare
    const { rooms, state, pass } = setup({ window: { maxAgeDays: 3 } });
    state.set(minutesBefore(5).toISOString());
    rooms.rooms = [room('today', '2', minutesBefore(30), minutesBefore(1))];

    // Act
    const report = await pass();

    // Assess
    expect(report.failed_windows.length).toBeGreaterThan(0);
    expect(report).toMatchObject({ advanced: false, watermark: minutesBefore(5).toISOString() });
    expect(state.written).toEqual([]);
  });

  it('keeps the watermark through an outage and, once HappyTalk answers again, sends what finished meanwhile', async () => {
    // Prepare
    const { clock, rooms, state, queue, pass } = setup();
    state.set(minutesBefore(5).toISOString());
    rooms.failure = new HappyTalkUnavailableError('HappyTalk answered HTTP 503 (4 attempts)');
    // One room finishes every minute of the outage.
    rooms.rooms = Array.from({ length: 60 }, (_, i) =>
      room(`during${i}`, i % 2 ? '2' : '4', minutesBefore(120), new Date(NOW.getTime() + i * MINUTE)),
    );
    const outage = [];
    for (let minute = 0; minute < 60; minute += 5) {
      outage.push(await pass());
      clock.now = new Date(clock.now.getTime() + 5 * MINUTE);
    }
    rooms.failure = undefined;

    // Act
    const recovered = await pass();

    // Assess
    expect(
      outage.every((report) => !report.advanced && report.aborted?.code === 'UPSTREAM_UNAVAILABLE'),
    ).toBe(true);
    expect(outage.at(-1)?.lag_seconds).toBe(60 * 60);
    expect(state.written).toHaveLength(1);
    expect(queue.sent).toHaveLength(60);
    expect(recovered).toMatchObject({ advanced: true, watermark: clock.now.toISOString(), lag_seconds: 0 });
  });

  it('keeps the watermark when the queue refuses a room, and sends it again on the next pass', async () => {
    // Prepare
    const refusing = recordingQueue(['b']);
    const { rooms, state, pass } = setup({ target: { kind: 'queue', queue: refusing } });
    state.set(minutesBefore(5).toISOString());
    rooms.rooms = [
      room('a', '2', minutesBefore(60), minutesBefore(2)),
      room('b', '2', minutesBefore(60), minutesBefore(2)),
    ];

    // Act
    const report = await pass();

    // Assess
    expect(report).toMatchObject({
      advanced: false,
      enqueued: 1,
      failures: [{ room_id: 'b', code: 'SQS_InvalidMessageContents', message: 'refused' }],
    });
    expect(state.current?.state.watermark).toBe(minutesBefore(5).toISOString());
  });

  it('keeps the watermark when the index cannot be read, and sends nothing', async () => {
    // Prepare
    const { rooms, index, state, queue, pass } = setup();
    state.set(minutesBefore(5).toISOString());
    rooms.rooms = [room('a', '2', minutesBefore(60), minutesBefore(2))];
    index.failure = new StorageUnavailableError('cannot read s3://archive/index/rooms/a.json: SlowDown');

    // Act
    const report = await pass();

    // Assess
    expect(report).toMatchObject({ advanced: false, aborted: { code: 'STORAGE_UNAVAILABLE' } });
    expect(queue.sent).toEqual([]);
    expect(state.written).toEqual([]);
  });

  it('reports a watcher state it cannot read, without writing one', async () => {
    // Prepare
    const { state, pass } = setup();
    state.failure = new StorageUnavailableError('cannot read s3://archive/state/completion-watcher.json');

    // Act
    const report = await pass();

    // Assess
    expect(report).toMatchObject({
      watermark_before: null,
      watermark: null,
      advanced: false,
      aborted: { code: 'STORAGE_UNAVAILABLE' },
      lag_seconds: null,
    });
  });

  it('never moves the watermark back when a later one was written while it ran', async () => {
    // Prepare
    const { rooms, state, pass } = setup();
    state.set(minutesBefore(5).toISOString());
    rooms.rooms = [room('a', '2', minutesBefore(60), minutesBefore(2))];
    const later = new Date(NOW.getTime() + MINUTE).toISOString();
    state.beforeWrite = () => {
      state.beforeWrite = undefined;
      state.set(later);
    };

    // Act
    const report = await pass();

    // Assess
    expect(report).toMatchObject({ advanced: false, watermark: later });
    expect(state.current?.state.watermark).toBe(later);
    expect(state.refused).toBe(1);
  });

  it('moves the watermark past an earlier one written while it ran, with a write conditional on that one', async () => {
    // Prepare
    const { rooms, state, pass } = setup();
    state.set(minutesBefore(10).toISOString());
    rooms.rooms = [room('a', '2', minutesBefore(60), minutesBefore(2))];
    state.beforeWrite = () => {
      state.beforeWrite = undefined;
      state.set(minutesBefore(5).toISOString());
    };

    // Act
    const report = await pass();

    // Assess
    expect(report).toMatchObject({ advanced: true, watermark: NOW.toISOString() });
    expect(state.refused).toBe(1);
    expect(state.current?.state.watermark).toBe(NOW.toISOString());
  });

  it('reads a first watermark written by another run at the same moment instead of its own', async () => {
    // Prepare
    const { state, pass } = setup();
    const theirs = minutesBefore(7).toISOString();
    state.beforeWrite = () => {
      state.beforeWrite = undefined;
      state.set(theirs);
    };

    // Act
    const report = await pass();

    // Assess
    expect(report).toMatchObject({ watermark_before: theirs, since: minutesBefore(17).toISOString() });
  });

  it('lists from its own clock when the watermark is later, and leaves the watermark where it is', async () => {
    // Prepare
    const { rooms, state, queue, pass } = setup();
    const future = new Date(NOW.getTime() + 60 * MINUTE).toISOString();
    state.set(future);
    rooms.rooms = [room('a', '2', minutesBefore(60), minutesBefore(2))];

    // Act
    const report = await pass();

    // Assess
    expect(queue.sent).toEqual(['a']);
    expect(report).toMatchObject({
      advanced: false,
      watermark: future,
      since: minutesBefore(10).toISOString(),
    });
  });

  it('widens the range back to the watermark day after an outage longer than the look-back', async () => {
    // Prepare
    const { rooms, state, queue, pass } = setup({ deps: { lookbackDays: 2 } });
    state.set(minutesBefore(4 * 1440).toISOString());
    rooms.rooms = [room('a', '2', minutesBefore(4 * 1440 + 60), minutesBefore(3 * 1440))];

    // Act
    const report = await pass();

    // Assess
    expect(report.days).toEqual({ from: '2024-06-08', to: '2024-06-12' });
    expect(queue.sent).toEqual(['a']);
  });

  it('archives the rooms itself, its concurrency bounding HappyTalk requests and not rooms, a room HappyTalk no longer has not holding the watermark', async () => {
    // Prepare
    let requests = 0;
    let mostRequests = 0;
    let rooms = 0;
    let mostRooms = 0;
    const archive: Extract<WatchTarget, { kind: 'archive' }>['archive'] = async (
      roomId,
      { happyTalkGate },
    ) => {
      rooms += 1;
      mostRooms = Math.max(mostRooms, rooms);
      try {
        await happyTalkGate(async () => {
          requests += 1;
          mostRequests = Math.max(mostRequests, requests);
          await new Promise((resolve) => setTimeout(resolve, 2));
          requests -= 1;
        });
        // The room's writes, outside the gate.
        await new Promise((resolve) => setTimeout(resolve, 6));
      } finally {
        rooms -= 1;
      }
      if (roomId === 'gone') throw new RoomNotFoundError('room gone not found: HappyTalk answered fail -503');
      return {
        room_id: roomId,
        status: roomId === 'again' ? 'updated' : 'archived',
        transcript_key: '',
        raw_key: '',
        sha256: '',
        message_count: 1,
      };
    };
    const setUp = setup({ target: { kind: 'archive', archive, concurrency: 3 } });
    setUp.state.set(minutesBefore(5).toISOString());
    setUp.rooms.rooms = ['gone', 'again', ...Array.from({ length: 20 }, (_, i) => `r${i}`)].map((id) =>
      room(id, '2', minutesBefore(60), minutesBefore(2)),
    );

    // Act
    const report = await setUp.pass();

    // Assess
    expect(mostRequests).toBe(3);
    expect(mostRooms).toBe(3 * ROOMS_PER_REQUEST);
    expect(report).toMatchObject({
      mode: 'archive',
      archived: 20,
      updated: 1,
      advanced: true,
      failures: [{ room_id: 'gone', code: 'ROOM_NOT_FOUND' }],
    });
  });

  it.each([
    ['a room refused for good (an answer it cannot process) lets the watermark move on', 'poison', true],
    ['a room that failed for now (storage busy) holds the watermark', 'busy', false],
  ])('%s', async (_name, failing, advanced) => {
    // Prepare
    const archive = async (roomId: string): Promise<ArchiveSummary> => {
      if (roomId === 'poison') {
        throw new UnprocessableResponseError('room poison: the answer nests too deep', 'nesting too deep');
      }
      if (roomId === 'busy')
        throw new StorageUnavailableError('cannot write s3://archive/raw/busy.json: SlowDown');
      return {
        room_id: roomId,
        status: 'archived',
        transcript_key: '',
        raw_key: '',
        sha256: '',
        message_count: 1,
      };
    };
    const { rooms, state, pass } = setup({ target: { kind: 'archive', archive, concurrency: 2 } });
    state.set(minutesBefore(5).toISOString());
    rooms.rooms = [failing, 'fine'].map((id) => room(id, '2', minutesBefore(60), minutesBefore(2)));

    // Act
    const report = await pass();

    // Assess
    expect(report).toMatchObject({ archived: 1, advanced, failures: [{ room_id: failing }] });
    expect(report.aborted).toBeUndefined();
  });

  it('stops archiving at an error every room would hit, and keeps the watermark', async () => {
    // Prepare
    let calls = 0;
    const archive = async (): Promise<ArchiveSummary> => {
      calls += 1;
      throw new HappyTalkAuthError('HappyTalk answered fail -501 "token": check the token');
    };
    const { rooms, state, pass } = setup({ target: { kind: 'archive', archive, concurrency: 2 } });
    state.set(minutesBefore(5).toISOString());
    rooms.rooms = Array.from({ length: 40 }, (_, i) =>
      room(`r${i}`, '2', minutesBefore(60), minutesBefore(2)),
    );

    // Act
    const report = await pass();

    // Assess
    expect(calls).toBeLessThanOrEqual(2 * ROOMS_PER_REQUEST);
    expect(report).toMatchObject({ advanced: false, aborted: { code: 'UPSTREAM_AUTH' } });
  });

  describe('what S3 sees of a pass', () => {
    it('starts a warm pass from the state it last wrote, without reading it', async () => {
      // Prepare
      const { rooms, state, clock, pass } = setup();
      state.set(minutesBefore(5).toISOString());
      rooms.rooms = [room('a', '2', minutesBefore(60), minutesBefore(2))];
      await pass();
      const readsAfterFirst = state.reads;
      clock.now = new Date(NOW.getTime() + 5 * MINUTE);
      rooms.rooms.push(room('b', '2', minutesBefore(60), minutesBefore(1, clock.now)));

      // Act
      const report = await pass();

      // Assess
      expect(state.reads).toBe(readsAfterFirst);
      expect(report).toMatchObject({
        watermark_before: NOW.toISOString(),
        advanced: true,
        watermark: clock.now.toISOString(),
      });
      expect(state.refused).toBe(0);
    });

    it('finds out with its conditional write that another run moved the watermark since it last wrote, and decides again', async () => {
      // Prepare
      const { rooms, state, clock, pass } = setup();
      state.set(minutesBefore(5).toISOString());
      rooms.rooms = [room('a', '2', minutesBefore(60), minutesBefore(2))];
      await pass();
      const theirs = new Date(NOW.getTime() + 10 * MINUTE).toISOString();
      state.set(theirs);
      clock.now = new Date(NOW.getTime() + 5 * MINUTE);
      rooms.rooms.push(room('b', '2', minutesBefore(60), minutesBefore(1, clock.now)));

      // Act
      const report = await pass();

      // Assess
      expect(state.refused).toBe(1);
      expect(report).toMatchObject({ advanced: false, watermark: theirs });
      expect(state.current?.state.watermark).toBe(theirs);
    });

    it('does not write a watermark when no room finished in its window, yet reports the window as covered', async () => {
      // Prepare
      const { rooms, state, queue, pass } = setup();
      const before = minutesBefore(5).toISOString();
      state.set(before);
      rooms.rooms = [
        room('old', '2', minutesBefore(300), minutesBefore(200)),
        room('open', '1', minutesBefore(3)),
      ];

      // Act
      const report = await pass();

      // Assess
      expect(state.written).toEqual([]);
      expect(queue.sent).toEqual([]);
      expect(report).toMatchObject({
        finished: 0,
        advanced: false,
        watermark: before,
        covered_to: NOW.toISOString(),
        lag_seconds: 0,
      });
    });

    it('lists the next window from the unwritten watermark, and misses no room that finished meanwhile', async () => {
      // Prepare
      const { rooms, state, queue, clock, pass } = setup();
      state.set(minutesBefore(5).toISOString());
      await pass();
      clock.now = new Date(NOW.getTime() + 5 * MINUTE);
      // HappyTalk wrote it late: it finished before the first pass started, and shows only now.
      rooms.rooms = [room('late', '2', minutesBefore(60), minutesBefore(1))];

      // Act
      const report = await pass();

      // Assess
      expect(queue.sent).toEqual(['late']);
      expect(report).toMatchObject({ since: minutesBefore(15).toISOString(), advanced: true });
    });

    it('reports the lag of a failed pass from what this environment last covered, when that is later than the watermark', async () => {
      // Prepare
      const { rooms, state, clock, pass } = setup();
      const stored = minutesBefore(60).toISOString();
      state.set(stored);
      await pass();
      clock.now = new Date(NOW.getTime() + 5 * MINUTE);
      rooms.failure = new HappyTalkUnavailableError('HappyTalk answered HTTP 503 for the room list');

      // Act
      const report = await pass();

      // Assess
      expect(report).toMatchObject({
        watermark: stored,
        advanced: false,
        covered_to: NOW.toISOString(),
        lag_seconds: 5 * 60,
        aborted: { code: 'UPSTREAM_UNAVAILABLE' },
      });
    });

    it('writes a watermark older than a day even when no room finished since', async () => {
      // Prepare
      const { state, pass } = setup();
      state.set(minutesBefore(24 * 60 + 1).toISOString());

      // Act
      const report = await pass();

      // Assess
      expect(report).toMatchObject({ advanced: true, watermark: NOW.toISOString() });
      expect(state.written).toHaveLength(1);
    });

    it('leaves a watermark moved back while it ran where it was put: the pass did not list the window before its own', async () => {
      // Prepare
      const { rooms, state, pass } = setup();
      state.set(minutesBefore(5).toISOString());
      rooms.rooms = [room('a', '2', minutesBefore(60), minutesBefore(2))];
      const rewound = minutesBefore(3 * 60).toISOString();
      state.beforeWrite = () => {
        state.beforeWrite = undefined;
        state.set(rewound);
      };

      // Act
      const report = await pass();

      // Assess
      expect(report).toMatchObject({ advanced: false, watermark: rewound });
      expect(state.current?.state.watermark).toBe(rewound);
    });
  });

  it.each([
    [{ overlapMinutes: -1 }, 'the overlap must be 0 to 1440 minutes, received -1'],
    [{ lookbackDays: 0 }, 'the look-back must be 1 to 31 days, received 0'],
  ])('refuses %j', async (deps, message) => {
    await expect(setup({ deps }).pass()).rejects.toThrow(message);
  });
});
