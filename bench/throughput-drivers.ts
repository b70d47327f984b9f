import type { ArchiveSummary } from '../lib/archive/archive-room.js';
import { backfill } from '../lib/backfill/backfill.js';
import type { RoomListSource } from '../lib/happytalk/room-list.js';

/** One timed set: the rooms registered from `from` to `to` (HappyTalk local days). */
export interface ThroughputSet {
  readonly from: string;
  readonly to: string;
  readonly roomIds: readonly string[];
}

/** The drivers of the throughput suite. */
export type DriverName = 'backfill' | 'archive-room' | 'happytalk-gated';

/** How the throughput suite archives a set of rooms with concurrency C. */
export interface ThroughputDriver {
  readonly name: string;
  /** What is measured, for the report. */
  readonly description: string;
  /** Archives every room of the set; resolves to how many were archived. */
  archiveAll(set: ThroughputSet, concurrency: number): Promise<number>;
}

type Archive = (roomId: string) => Promise<ArchiveSummary>;

/**
 * The backfill command's use case: lists the set's days from HappyTalk's room
 * list and archives every room, with concurrency C and no effective rate limit.
 */
export function backfillDriver(rooms: RoomListSource, archive: Archive): ThroughputDriver {
  return {
    name: 'backfill',
    description:
      "`backfill()` (lib/backfill) over the room list of the set's days, `concurrency` C, `ratePerSecond` 1,000",
    async archiveAll(set, concurrency) {
      const summary = await backfill(
        { from: set.from, to: set.to, concurrency, ratePerSecond: 1_000 },
        { rooms, target: { kind: 'archive', archive } },
      );
      if (summary.aborted)
        throw new Error(`backfill aborted: ${summary.aborted.code} ${summary.aborted.message}`);
      return summary.archived;
    },
  };
}

/** Concurrent `archiveRoom` calls on the set's room ids, at most C in flight. */
export function archiveRoomDriver(archive: Archive): ThroughputDriver {
  return {
    name: 'archive-room',
    description: 'concurrent `archiveRoom` calls (through `createArchiveService`), at most C in flight',
    archiveAll: (set, concurrency) => archiveWithConcurrency(archive, set.roomIds, concurrency),
  };
}

const ROOMS_PER_SLOT = 4;

/**
 * C HappyTalk requests in flight rather than C rooms: `archive` must come from
 * a service whose fetch passes through `gate`, and rooms run `ROOMS_PER_SLOT`
 * × C at once, so that one room's S3 writes overlap the next rooms' wait on HappyTalk.
 */
export function happyTalkGatedDriver(archive: Archive, gate: Gate): ThroughputDriver {
  return {
    name: 'happytalk-gated',
    description: `at most C HappyTalk requests in flight, rooms ${ROOMS_PER_SLOT} × C at once`,
    async archiveAll(set, concurrency) {
      gate.resize(concurrency);
      return archiveWithConcurrency(archive, set.roomIds, concurrency * ROOMS_PER_SLOT);
    },
  };
}

async function archiveWithConcurrency(
  archive: Archive,
  roomIds: readonly string[],
  concurrency: number,
): Promise<number> {
  let next = 0;
  let archived = 0;
  const worker = async () => {
    while (next < roomIds.length) {
      const roomId = roomIds[next++] as string;
      const summary = await archive(roomId);
      if (summary.status === 'archived') archived += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, roomIds.length) }, worker));
  return archived;
}

/** At most `size` tasks at once; the others wait in order. */
export class Gate {
  #size: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  resize(size: number): void {
    this.#size = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running += 1;
    try {
      return await task();
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }
}
