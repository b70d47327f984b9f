import PQueue from 'p-queue';
import type { GatedArchive } from '../archive/archive-room.js';
import type { IndexRecord } from '../archive/index-record.js';
import { ArchiveError, ConfigurationError, FATAL_ERROR_CODES } from '../errors.js';
import type { RequestGate } from '../happytalk/chat-data-client.js';
import type { FinalStatuses } from '../happytalk/finality.js';
import {
  type DayWindow,
  type ListedRoom,
  listRooms,
  ROOM_LIST_MAX_LIMIT,
  ROOM_LIST_STATUSES,
  type RoomListSource,
} from '../happytalk/room-list-client.js';
import { type Logger, silentLogger } from '../logger.js';
import type { ArchiveRequestSink } from '../queue/archive-requests.js';
import {
  decisionLogFields,
  GAP_DECISIONS,
  type ReconcileDecision,
  roomCheck,
} from '../reconcile/decision.js';
import { addDays, localDay } from '../shared/calendar.js';
import type { StoredWatcherState, WatcherStateStore } from './state.js';

/** Where the rooms the archive lacks go: the archive queue, or archived right here (the CLI). */
export type WatchTarget =
  | { readonly kind: 'queue'; readonly queue: ArchiveRequestSink }
  | {
      readonly kind: 'archive';
      /** Archives a room, its HappyTalk requests through `options.happyTalkGate`. */
      readonly archive: GatedArchive;
      /**
       * HappyTalk requests in flight at once; rooms are archived up to
       * {@link ROOMS_PER_REQUEST} times as many at once.
       */
      readonly concurrency: number;
    };

/** Rooms in progress per HappyTalk request allowed in flight (the archive target's `concurrency`). */
export const ROOMS_PER_REQUEST = 4;

/**
 * A pass that finds no finished room in its window leaves the watermark
 * alone (moving it would not change what the next pass checks), unless it is
 * older than this: then it is written, so that the listed range stays within
 * the look-back.
 */
export const UNWRITTEN_WATERMARK_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface WatchDeps {
  readonly rooms: RoomListSource;
  readonly index: { readIndex(roomId: string): Promise<IndexRecord | undefined> };
  readonly state: WatcherStateStore;
  readonly target: WatchTarget;
  /** IANA zone of HappyTalk's bare datetimes. */
  readonly timeZone: string;
  /** The statuses of a finished room (default 2 and 4). */
  readonly finalStatuses?: FinalStatuses;
  /** Each pass lists again this far before the watermark, for clock skew and late writes (default 10). */
  readonly overlapMinutes?: number;
  /** The listed range reaches back this many days, today included (default 7). */
  readonly lookbackDays?: number;
  /** Where the watermark starts when there is none yet (the deployment's time; `--since`). */
  readonly firstWatermark: (now: Date) => Date;
  /** Index reads at once (default 16). */
  readonly concurrency?: number;
  /**
   * What this execution environment remembers between passes: the time up to
   * which its last complete pass listed and sent every room. A failed pass
   * reports its lag from it when it is later than the stored watermark (which
   * a pass that found nothing new does not write).
   */
  readonly memory?: WatcherMemory;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

/** See {@link WatchDeps.memory}. */
export interface WatcherMemory {
  coveredTo?: string;
}

/** A room, a window or the pass itself that failed, and why. */
export interface WatchFailure {
  readonly room_id: string | null;
  readonly code: string;
  readonly message: string;
}

/** What one pass of the watcher found and did: one JSON line of `happytalk-archive watch`. */
export interface WatchPassReport {
  readonly mode: WatchTarget['kind'];
  readonly started_at: string;
  /** The watermark the pass started from; null when the state could not be read. */
  readonly watermark_before: string | null;
  /** The watermark after the pass. */
  readonly watermark: string | null;
  /** Whether this pass moved the watermark. */
  readonly advanced: boolean;
  /**
   * Every room finished at or before this time was listed and sent: the
   * pass's start when it listed and sent its whole window (whether or not it
   * wrote the watermark), else the watermark. Null when the state could not be read.
   */
  readonly covered_to: string | null;
  /** Rooms finished from this time on were checked: the watermark less the overlap. */
  readonly since: string | null;
  /** The days listed (HappyTalk local dates). */
  readonly days: DayWindow | null;
  /** Rooms the room list returned (the pages read). */
  readonly seen: number;
  /** Finished rooms that finished since `since`. */
  readonly finished: number;
  readonly up_to_date: number;
  /** Finished rooms not archived, or archived before they finished. */
  readonly gaps: number;
  readonly enqueued: number;
  readonly archived: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly invalid_room_ids: number;
  /** How many times an overDate answer split a window. */
  readonly splits: number;
  readonly failures: readonly WatchFailure[];
  readonly failed_windows: readonly DayWindow[];
  /** Set when the pass stopped early (the state, the room list, the index or the queue failing). */
  readonly aborted?: { readonly code: string; readonly message: string };
  /** Now less `covered_to`, at the end of the pass, in seconds. */
  readonly lag_seconds: number | null;
}

const MAX_STATE_CONFLICTS = 5;

class PassAborted extends Error {}

/**
 * One pass of the completion watcher. Lists HappyTalk's rooms newest-finished
 * first (`complate_date` descending, every status, 50 a page) over the last
 * `lookbackDays` days, page by page until the rooms finished before the
 * watermark less the overlap (splitting the range on overDate as reconcile
 * does); keeps the finished ones; and sends to be archived each one the
 * archive lacks or holds from before it finished (the reconciliation's
 * decision). The watermark, in `deps.state`, moves to the pass's start only
 * when every room of the window was listed and sent; never backwards, and
 * with conditional writes, so overlapping passes cannot skip a window. A
 * first pass starts at `firstWatermark` less the overlap.
 *
 * What S3 sees of a pass: the state is read once per execution environment
 * (later passes start from the state this store last read or wrote, and its
 * ETag: a concurrent run's write makes the conditional write fail, and the
 * pass decides again from what it then reads); and a pass that finds no room
 * finished in its window does not write the watermark (the next pass would
 * check the same rooms either way), unless it is older than
 * {@link UNWRITTEN_WATERMARK_MAX_AGE_MS}. So a pass with nothing new makes at
 * most one S3 request: the state's read, in a new execution environment.
 *
 * Never throws for a failure of HappyTalk, S3 or the queue: the report says
 * what failed, and the watermark stays where it was.
 */
export async function watchPass(deps: WatchDeps): Promise<WatchPassReport> {
  const overlapMinutes = deps.overlapMinutes ?? 10;
  const lookbackDays = deps.lookbackDays ?? 7;
  if (!Number.isFinite(overlapMinutes) || overlapMinutes < 0 || overlapMinutes > 1440) {
    throw new ConfigurationError(`the overlap must be 0 to 1440 minutes, received ${overlapMinutes}`);
  }
  if (!Number.isInteger(lookbackDays) || lookbackDays < 1 || lookbackDays > 31) {
    throw new ConfigurationError(`the look-back must be 1 to 31 days, received ${lookbackDays}`);
  }
  const clock = deps.now ?? (() => new Date());
  const logger = deps.logger ?? silentLogger;
  const startedAt = clock();
  const counts = { seen: 0, archived: 0, updated: 0, unchanged: 0, enqueued: 0 };
  const decisions = new Map<ReconcileDecision, number>();
  const failures: WatchFailure[] = [];
  // Rooms refused for good (a retry changes nothing, and nothing fatal): reported, and the watermark
  // still moves on, as the deployed path dead-letters such a room.
  const permanent = new Set<string>();
  const failedWindows: DayWindow[] = [];
  let splits = 0;
  let aborted: { code: string; message: string } | undefined;
  let stored: StoredWatcherState | undefined;
  let since: Date | undefined;
  let days: DayWindow | undefined;
  let advanced = false;

  const abort = (error: unknown) => {
    if (!(error instanceof ArchiveError)) throw error;
    aborted ??= { code: error.code, message: error.message };
  };

  try {
    stored =
      deps.state.recall?.() ??
      (await deps.state.read()) ??
      (await anchor(deps.state, deps.firstWatermark(startedAt), clock));
    const watermark = Date.parse(stored.state.watermark);
    if (watermark > startedAt.getTime()) {
      logger.warn('watcher: the watermark is later than this clock: listing from this clock', {
        watermark: stored.state.watermark,
        now: startedAt.toISOString(),
      });
    }
    since = new Date(Math.min(watermark, startedAt.getTime()) - overlapMinutes * 60_000);
    const today = localDay(startedAt, deps.timeZone);
    const earliest = addDays(today, 1 - lookbackDays);
    const sinceDay = localDay(since, deps.timeZone);
    // A watermark older than the look-back (a long outage) widens the range back to its day.
    days = { from: [sinceDay, earliest].sort()[0] ?? earliest, to: today };

    const gaps = await findGaps(deps, { since, days, startedAt, logger }, (event) => {
      if (event.kind === 'seen') counts.seen += event.count;
      else if (event.kind === 'split') splits += 1;
      else if (event.kind === 'window-failed') failedWindows.push(event.window);
      else decisions.set(event.decision, (decisions.get(event.decision) ?? 0) + 1);
    });
    await sendGaps(deps.target, gaps, counts, failures, permanent, logger);
  } catch (error) {
    abort(error instanceof PassAborted ? error.cause : error);
  }

  const holding = failures.filter((failure) => failure.room_id === null || !permanent.has(failure.room_id));
  const fatal = holding.find((failure) => FATAL_ERROR_CODES.has(failure.code));
  if (fatal) aborted ??= { code: fatal.code, message: fatal.message };
  let watermark = stored?.state.watermark ?? null;
  const remembered = deps.memory?.coveredTo;
  let coveredTo =
    remembered !== undefined && (watermark === null || remembered > watermark) ? remembered : watermark;
  const finished = [...decisions]
    .filter(([decision]) => decision !== 'not-final' && decision !== 'invalid-room-id')
    .reduce((sum, [, count]) => sum + count, 0);
  if (stored && !aborted && holding.length === 0 && failedWindows.length === 0) {
    const age = startedAt.getTime() - Date.parse(stored.state.watermark);
    try {
      if (finished > 0 || age > UNWRITTEN_WATERMARK_MAX_AGE_MS) {
        const moved = await advance(deps.state, stored, startedAt, clock);
        watermark = moved.watermark;
        advanced = moved.advanced;
      }
      // Listed and sent to its start, written or not.
      coveredTo = [watermark, startedAt.toISOString()].sort().at(-1) ?? null;
      if (deps.memory && coveredTo !== null) deps.memory.coveredTo = coveredTo;
    } catch (error) {
      abort(error);
    }
  }
  const endedAt = clock();
  const report: WatchPassReport = {
    mode: deps.target.kind,
    started_at: startedAt.toISOString(),
    watermark_before: stored?.state.watermark ?? null,
    watermark,
    advanced,
    covered_to: coveredTo,
    since: since?.toISOString() ?? null,
    days: days ?? null,
    seen: counts.seen,
    finished,
    up_to_date: decisions.get('up-to-date') ?? 0,
    gaps: [...decisions].filter(([d]) => GAP_DECISIONS.has(d)).reduce((sum, [, count]) => sum + count, 0),
    enqueued: counts.enqueued,
    archived: counts.archived,
    updated: counts.updated,
    unchanged: counts.unchanged,
    invalid_room_ids: decisions.get('invalid-room-id') ?? 0,
    splits,
    failures,
    failed_windows: failedWindows,
    ...(aborted ? { aborted } : {}),
    lag_seconds: coveredTo === null ? null : Math.max(0, (endedAt.getTime() - Date.parse(coveredTo)) / 1000),
  };
  const level = aborted || failures.length > 0 || failedWindows.length > 0 ? 'error' : 'info';
  logger[level]('watcher: pass done', {
    ...report,
    failures: failures.length,
    failed_windows: failedWindows.length,
  });
  return report;
}

type ListingEvent =
  | { kind: 'seen'; count: number }
  | { kind: 'split' }
  | { kind: 'window-failed'; window: DayWindow }
  | { kind: 'decision'; decision: ReconcileDecision };

/** Lists the window and decides each finished room; returns the gaps, in the order listed. */
async function findGaps(
  deps: WatchDeps,
  pass: { since: Date; days: DayWindow; startedAt: Date; logger: Logger },
  record: (event: ListingEvent) => void,
): Promise<string[]> {
  const check = roomCheck({
    index: deps.index,
    timeZone: deps.timeZone,
    now: pass.startedAt,
    ...(deps.finalStatuses ? { finalStatuses: deps.finalStatuses } : {}),
  });
  const sinceMs = pass.since.getTime();
  const reads = new PQueue({ concurrency: deps.concurrency ?? 16 });
  const gaps: string[] = [];
  let unsortedWarned = false;
  let readError: unknown;

  // Pages come newest-finished first: once a page reaches rooms finished before `since` (or open ones,
  // whose "0000-00-00 00:00:00" sorts last), the window's later pages hold nothing this pass needs.
  // HappyTalk's sort is not taken on trust: a page out of order lists the window to its end.
  const endWindow = (page: readonly ListedRoom[]): boolean => {
    const times = page.map((room) => check.completedAt(room) ?? Number.NEGATIVE_INFINITY);
    const sorted = times.every((time, index) => index === 0 || time <= (times[index - 1] ?? time));
    if (!sorted) {
      if (!unsortedWarned) {
        pass.logger.warn('watcher: the room list is not sorted by completion time: listing every page');
        unsortedWarned = true;
      }
      return false;
    }
    return (times.at(-1) ?? Number.NEGATIVE_INFINITY) < sinceMs;
  };

  const decide = async (room: ListedRoom) => {
    if (readError !== undefined) return;
    try {
      const decision = await check.decide(room);
      record({ kind: 'decision', decision });
      if (GAP_DECISIONS.has(decision)) gaps.push(room.roomId);
      if (decision !== 'not-final') {
        pass.logger.info('watcher decision', {
          ...decisionLogFields(room, decision),
          decision,
          gap: GAP_DECISIONS.has(decision),
        });
      }
    } catch (error) {
      readError ??= error;
    }
  };

  for await (const event of listRooms(deps.rooms, {
    ...pass.days,
    status: ROOM_LIST_STATUSES.all,
    sortKey: 'complate_date',
    sortOrder: 'desc',
    pageSize: ROOM_LIST_MAX_LIMIT,
    endWindow,
    logger: pass.logger,
  })) {
    if (event.kind === 'split') {
      record({ kind: 'split' });
      continue;
    }
    if (event.kind === 'window-failed') {
      pass.logger.error('watcher: HappyTalk refused a day of the range: it was not checked', {
        ...event.window,
      });
      record({ kind: 'window-failed', window: event.window });
      continue;
    }
    record({ kind: 'seen', count: event.rooms.length });
    const recent = event.rooms.filter(
      (room) => (check.completedAt(room) ?? Number.NEGATIVE_INFINITY) >= sinceMs,
    );
    await reads.addAll(recent.map((room) => () => decide(room)));
    if (readError !== undefined) break;
  }
  await reads.onIdle();
  if (readError !== undefined) throw new PassAborted('the index could not be read', { cause: readError });
  return gaps;
}

/** Sends the gaps to the target, counting what was done and what failed. */
async function sendGaps(
  target: WatchTarget,
  gaps: readonly string[],
  counts: { archived: number; updated: number; unchanged: number; enqueued: number },
  failures: WatchFailure[],
  permanent: Set<string>,
  logger: Logger,
): Promise<void> {
  if (gaps.length === 0) return;
  if (target.kind === 'queue') {
    const result = await target.queue.enqueue(gaps);
    counts.enqueued += result.sent.length;
    for (const failure of result.failed) {
      logger.error('watcher: could not queue a room', { ...failure });
      failures.push({ room_id: failure.room_id, code: `SQS_${failure.code}`, message: failure.message });
    }
    return;
  }
  // The concurrency bounds HappyTalk's requests; more rooms than that are in progress, so that one
  // room's writes never hold a place another room's request could use.
  const requests = new PQueue({ concurrency: target.concurrency });
  const happyTalkGate: RequestGate = (task) => requests.add(task);
  const queue = new PQueue({ concurrency: target.concurrency * ROOMS_PER_REQUEST });
  let fatal = false;
  await queue.addAll(
    gaps.map((roomId) => async () => {
      if (fatal) return;
      try {
        const summary = await target.archive(roomId, { happyTalkGate });
        counts[summary.status] += 1;
      } catch (error) {
        const code = error instanceof ArchiveError ? error.code : 'INTERNAL';
        // A foreign error's message may quote what HappyTalk sent: only its class is reported.
        const message =
          error instanceof ArchiveError
            ? error.message
            : `unexpected ${error instanceof Error ? error.name : typeof error}`;
        logger.warn('watcher: room failed', { room_id: roomId, code, message });
        failures.push({ room_id: roomId, code, message });
        if (FATAL_ERROR_CODES.has(code)) fatal = true;
        else if (error instanceof ArchiveError && !error.retryable) permanent.add(roomId);
      }
    }),
  );
}

/** A first pass: writes where the watcher starts, unless another run just did; then reads it back. */
async function anchor(store: WatcherStateStore, at: Date, clock: () => Date): Promise<StoredWatcherState> {
  for (let attempt = 1; attempt <= MAX_STATE_CONFLICTS; attempt++) {
    const state = { watermark: at.toISOString(), updated_at: clock().toISOString() };
    const etag = await store.write(state, undefined);
    if (etag !== undefined) return { state, etag };
    const current = await store.read();
    if (current) return current;
  }
  throw new StateConflictError(
    `the watcher state kept changing while it was created (${MAX_STATE_CONFLICTS} tries)`,
  );
}

/**
 * Moves the watermark to `to`, unless it is already there or later: a
 * conditional write from the state this pass started from, and on a lost
 * race the same decision again from the state that won. A watermark found
 * earlier than the one the pass started from (moved back by hand, to list a
 * window again) is left as it is: this pass did not list the window before it.
 */
async function advance(
  store: WatcherStateStore,
  read: StoredWatcherState,
  to: Date,
  clock: () => Date,
): Promise<{ watermark: string; advanced: boolean }> {
  const listedFrom = Date.parse(read.state.watermark);
  let current: StoredWatcherState | undefined = read;
  for (let attempt = 1; attempt <= MAX_STATE_CONFLICTS; attempt++) {
    if (current && Date.parse(current.state.watermark) >= to.getTime()) {
      return { watermark: current.state.watermark, advanced: false };
    }
    if (current && Date.parse(current.state.watermark) < listedFrom) {
      return { watermark: current.state.watermark, advanced: false };
    }
    const state = { watermark: to.toISOString(), updated_at: clock().toISOString() };
    if ((await store.write(state, current?.etag)) !== undefined) {
      return { watermark: state.watermark, advanced: true };
    }
    current = await store.read();
  }
  throw new StateConflictError(`the watermark kept changing under this pass (${MAX_STATE_CONFLICTS} tries)`);
}

/** Other runs kept writing the watcher state: this pass leaves it to them. */
export class StateConflictError extends ArchiveError {
  readonly code = 'STATE_CONFLICT';
  readonly retryable = true;
}
