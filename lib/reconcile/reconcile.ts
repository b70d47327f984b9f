import PQueue from 'p-queue';
import type { IndexRecord } from '../archive/index-record.js';
import { ConfigurationError } from '../errors.js';
import type { FinalStatuses } from '../happytalk/finality.js';
import {
  type DayWindow,
  type ListedRoom,
  listRooms,
  ROOM_LIST_STATUSES,
  type RoomListSource,
} from '../happytalk/room-list-client.js';
import { type Logger, silentLogger } from '../logger.js';
import type { ArchiveRequestSink, QueueFailure } from '../queue/archive-requests.js';
import { addDays, localDay } from '../shared/calendar.js';
import { dateTimeConverter, INVALID_DATETIME } from '../transcript/time.js';
import { decisionLogFields, GAP_DECISIONS, type ReconcileDecision, roomCheck } from './decision.js';

export type { ReconcileDecision } from './decision.js';

export interface ReconcileDeps {
  readonly rooms: RoomListSource;
  readonly index: { readIndex(roomId: string): Promise<IndexRecord | undefined> };
  readonly queue: ArchiveRequestSink;
  /** IANA zone of HappyTalk's bare datetimes. */
  readonly timeZone: string;
  /** The statuses of a finished room (default 2 and 4). */
  readonly finalStatuses?: FinalStatuses;
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
  /** Rooms listed that are not finished (open, or a status not configured as final). */
  readonly not_final: number;
  /** Rooms whose archived answer could not be normalized (not gaps: see `unprocessable`). */
  readonly unprocessable: number;
  readonly invalid_room_ids: number;
  readonly enqueued: number;
  readonly enqueue_failures: readonly QueueFailure[];
  /** Windows HappyTalk refused (overDate) even as single days: not checked. */
  readonly failed_windows: readonly DayWindow[];
}

/**
 * Finds what the archive missed: lists every room of the trailing window of
 * `windowDays` local days, today included (all statuses: the room list cannot
 * filter on 4, chatbot ended), keeps the finished ones (`finalStatuses`), and
 * sends to the archive queue every room that is not archived, or whose
 * archived answer predates its completion. Each decision is logged, room by room.
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
  const rooms = roomCheck({
    index: deps.index,
    timeZone: deps.timeZone,
    graceMinutes,
    now,
    ...(deps.finalStatuses ? { finalStatuses: deps.finalStatuses } : {}),
  });
  const reads = new PQueue({ concurrency: deps.concurrency ?? 16 });
  const counts = new Map<ReconcileDecision, number>();
  const gaps: string[] = [];
  const failedWindows: DayWindow[] = [];
  let listed = 0;

  const check = async (room: ListedRoom) => {
    const decision = await rooms.decide(room);
    counts.set(decision, (counts.get(decision) ?? 0) + 1);
    if (GAP_DECISIONS.has(decision)) gaps.push(room.roomId);
    if (decision === 'not-final') return;
    const completed = converter.toTime(room.completeDate);
    logger.info('reconcile decision', {
      ...decisionLogFields(room, decision),
      decision,
      gap: GAP_DECISIONS.has(decision),
      completed_at: completed === INVALID_DATETIME ? 'invalid' : completed,
    });
  };

  for await (const event of listRooms(
    { listPage: (query) => deps.rooms.listPage(query) },
    {
      ...window,
      status: ROOM_LIST_STATUSES.all,
      // Newest-finished first, as the watcher lists: a room that finishes while the pages are read moves
      // to the front (listed twice at most, and once decided), never from the front to the end, which
      // would shift every room after it a place back and drop the one at a page boundary.
      sortKey: 'complate_date',
      sortOrder: 'desc',
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
  const gapsByReason = Object.fromEntries([...counts].filter(([decision]) => GAP_DECISIONS.has(decision)));
  const report: ReconcileReport = {
    ...window,
    listed,
    up_to_date: counts.get('up-to-date') ?? 0,
    gaps: gaps.length,
    gaps_by_reason: gapsByReason,
    too_recent: counts.get('too-recent') ?? 0,
    not_final: counts.get('not-final') ?? 0,
    unprocessable: counts.get('unprocessable') ?? 0,
    invalid_room_ids: counts.get('invalid-room-id') ?? 0,
    enqueued: result.sent.length,
    enqueue_failures: result.failed,
    failed_windows: failedWindows,
  };
  logger.info('reconcile: done', { ...report, enqueue_failures: result.failed.length });
  return report;
}
