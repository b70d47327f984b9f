import PQueue from 'p-queue';
import { type IndexRecord, isUnprocessable } from '../archive/store.js';
import { ArchiveError, ConfigurationError } from '../errors.js';
import {
  addDays,
  type DayWindow,
  type ListedRoom,
  listRooms,
  localDay,
  ROOM_LIST_STATUSES,
  type RoomListSource,
} from '../happytalk/room-list.js';
import { type Logger, silentLogger } from '../logger.js';
import type { ArchiveRequestSink, QueueFailure } from '../queue/archive-requests.js';
import { validateRoomId } from '../room-id.js';
import { dateTimeConverter, INVALID_DATETIME } from '../transcript/time.js';

/** What reconciliation decided for one room. */
export type ReconcileDecision =
  /** Archived after it completed: nothing to do. */
  | 'up-to-date'
  /** No index: the archive never saw the room. A gap. */
  | 'not-archived'
  /** The archived answer predates the completion: archived while open, or before a later completion. A gap. */
  | 'archived-before-completion'
  /** The index cannot be read as an index record: archiving again rewrites it. A gap. */
  | 'index-unreadable'
  /**
   * The archived answer, fetched after the completion, could not be normalized: its raw bytes are
   * kept and its event was dead-lettered with the reason. Not a gap: queuing the same answer again
   * every day would only fail again (archiving the room again retries it).
   */
  | 'unprocessable'
  /** Completed less than the grace period ago: its event may still be on the way. */
  | 'too-recent'
  /** HappyTalk listed an id the archive cannot take: logged, not queued. */
  | 'invalid-room-id';

const GAPS: ReadonlySet<ReconcileDecision> = new Set([
  'not-archived',
  'archived-before-completion',
  'index-unreadable',
]);

export interface ReconcileDeps {
  readonly rooms: RoomListSource;
  readonly index: { readIndex(roomId: string): Promise<IndexRecord | undefined> };
  readonly queue: ArchiveRequestSink;
  /** IANA zone of HappyTalk's bare datetimes. */
  readonly timeZone: string;
  /** Days of the trailing window, today included (default 2). */
  readonly windowDays?: number;
  /** Rooms completed less than this many minutes ago are left to their event (default 30). */
  readonly graceMinutes?: number;
  /** Index reads at once (default 16). */
  readonly concurrency?: number;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

/** What a reconciliation run found and did. */
export interface ReconcileReport extends DayWindow {
  readonly listed: number;
  readonly up_to_date: number;
  /** Rooms not archived, or archived before they completed: sent to the archive queue. */
  readonly gaps: number;
  readonly gaps_by_reason: Readonly<Partial<Record<ReconcileDecision, number>>>;
  readonly too_recent: number;
  /** Rooms whose archived answer could not be normalized (not gaps: see `unprocessable`). */
  readonly unprocessable: number;
  readonly invalid_room_ids: number;
  readonly enqueued: number;
  readonly enqueue_failures: readonly QueueFailure[];
  /** Windows HappyTalk refused (overDate) even as single days: not checked. */
  readonly failed_windows: readonly DayWindow[];
}

/**
 * Finds what the archive missed: lists the rooms completed (status 2) in the
 * trailing window of `windowDays` local days, today included, and sends to the
 * archive queue every room that is not archived, or whose archived answer
 * predates its completion. Each decision is logged, room by room.
 *
 * @throws the room list's errors other than overDate, the index store's
 *   errors other than a corrupt index, and ArchiveQueueError
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const windowDays = deps.windowDays ?? 2;
  const graceMinutes = deps.graceMinutes ?? 30;
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 31) {
    throw new ConfigurationError(`the reconciliation window must be 1 to 31 days, received ${windowDays}`);
  }
  if (!Number.isFinite(graceMinutes) || graceMinutes < 0) {
    throw new ConfigurationError(`the grace period must be 0 minutes or more, received ${graceMinutes}`);
  }
  const logger = deps.logger ?? silentLogger;
  const now = deps.now?.() ?? new Date();
  const to = localDay(now, deps.timeZone);
  const window = { from: addDays(to, 1 - windowDays), to };
  const converter = dateTimeConverter(deps.timeZone);
  const reads = new PQueue({ concurrency: deps.concurrency ?? 16 });
  const counts = new Map<ReconcileDecision, number>();
  const gaps: string[] = [];
  const failedWindows: DayWindow[] = [];
  let listed = 0;

  const decide = async (room: ListedRoom): Promise<ReconcileDecision> => {
    try {
      validateRoomId(room.roomId);
    } catch {
      return 'invalid-room-id';
    }
    const completed = converter.toTime(room.completeDate);
    const completedAt = typeof completed === 'string' ? Date.parse(completed) : undefined;
    if (completedAt !== undefined && now.getTime() - completedAt < graceMinutes * 60_000) return 'too-recent';
    let index: IndexRecord | undefined;
    try {
      index = await deps.index.readIndex(room.roomId);
    } catch (error) {
      if (error instanceof ArchiveError && error.code === 'ARCHIVE_CORRUPT') return 'index-unreadable';
      throw error;
    }
    if (index === undefined) return 'not-archived';
    if (isUnprocessable(index)) {
      // An answer fetched before the completion may not be the final one: the final one may be processable.
      const fetchedAt = Date.parse(index.fetched_at);
      return completedAt !== undefined && !(fetchedAt >= completedAt)
        ? 'archived-before-completion'
        : 'unprocessable';
    }
    // The archived answer holds the completed room when it carries this completion (or a later one):
    // comparing HappyTalk's own times avoids any skew between its clock and the archive's.
    if (index.completed_at === null) return 'archived-before-completion';
    if (completedAt !== undefined && !(Date.parse(index.completed_at) >= completedAt)) {
      return 'archived-before-completion';
    }
    return 'up-to-date';
  };

  const check = async (room: ListedRoom) => {
    const decision = await decide(room);
    counts.set(decision, (counts.get(decision) ?? 0) + 1);
    if (GAPS.has(decision)) gaps.push(room.roomId);
    const completed = converter.toTime(room.completeDate);
    logger.info('reconcile decision', {
      room_id: room.roomId,
      decision,
      gap: GAPS.has(decision),
      completed_at: completed === INVALID_DATETIME ? room.completeDate : completed,
    });
  };

  for await (const event of listRooms(
    { listPage: (query) => deps.rooms.listPage(query) },
    {
      ...window,
      status: ROOM_LIST_STATUSES.completed,
      sortKey: 'complate_date',
      sortOrder: 'asc',
      logger,
    },
  )) {
    if (event.kind === 'window-failed') {
      failedWindows.push(event.window);
      logger.error('reconcile: HappyTalk refused a day of the window: it was not checked', {
        ...event.window,
      });
      continue;
    }
    if (event.kind !== 'rooms') continue;
    listed += event.rooms.length;
    await reads.addAll(event.rooms.map((room) => () => check(room)));
  }
  await reads.onIdle();

  const result = gaps.length > 0 ? await deps.queue.enqueue(gaps) : { sent: [], failed: [] };
  for (const failure of result.failed) {
    logger.error('reconcile: could not queue a gap', { ...failure });
  }
  const gapsByReason = Object.fromEntries([...counts].filter(([decision]) => GAPS.has(decision)));
  const report: ReconcileReport = {
    ...window,
    listed,
    up_to_date: counts.get('up-to-date') ?? 0,
    gaps: gaps.length,
    gaps_by_reason: gapsByReason,
    too_recent: counts.get('too-recent') ?? 0,
    unprocessable: counts.get('unprocessable') ?? 0,
    invalid_room_ids: counts.get('invalid-room-id') ?? 0,
    enqueued: result.sent.length,
    enqueue_failures: result.failed,
    failed_windows: failedWindows,
  };
  logger.info('reconcile: done', { ...report, enqueue_failures: result.failed.length });
  return report;
}
