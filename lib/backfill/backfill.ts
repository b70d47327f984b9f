import PQueue from 'p-queue';
import type { GatedArchive } from '../archive/archive-room.js';
import { ArchiveError, ConfigurationError, FATAL_ERROR_CODES } from '../errors.js';
import type { RequestGate } from '../happytalk/chat-data-client.js';
import { FinalStatuses } from '../happytalk/finality.js';
import {
  type DayWindow,
  type ListedRoom,
  listRooms,
  parseDay,
  ROOM_LIST_STATUSES,
  type RoomListSource,
} from '../happytalk/room-list-client.js';
import { type Logger, silentLogger } from '../logger.js';
import { type ArchiveRequestSink, SQS_BATCH_SIZE } from '../queue/archive-requests.js';
import type { BackfillCheckpoint } from './checkpoint.js';

/** What to backfill, and how hard to push HappyTalk. */
export interface BackfillOptions extends DayWindow {
  /**
   * One status code to list, as the room list filters (99: every room), e.g.
   * 1 for the rooms in progress. Default: every room is listed and the
   * finished ones are kept (`finalStatuses`), since the list cannot filter on 4.
   */
  readonly status?: number;
  /** The statuses of a finished room, when no `status` is given (default 2 and 4). */
  readonly finalStatuses?: FinalStatuses;
  /**
   * HappyTalk requests in flight at once, list pages included (default 4);
   * up to {@link ROOMS_PER_REQUEST} times as many rooms are archived at once,
   * so that one room's writes never hold a place another's request could use.
   */
  readonly concurrency?: number;
  /** Most HappyTalk requests started per second, list pages included (default 5). */
  readonly ratePerSecond?: number;
  /** The longest window listed at once, in days (default: the whole range, split on overDate). */
  readonly maxWindowDays?: number;
}

/** Where listed rooms go: archived here, or sent to the archive queue for the deployed function. */
export type BackfillTarget =
  | {
      readonly kind: 'archive';
      /** Archives a room, its HappyTalk requests through `options.happyTalkGate`. */
      readonly archive: GatedArchive;
    }
  | { readonly kind: 'queue'; readonly queue: ArchiveRequestSink };

/** Rooms in progress per HappyTalk request allowed in flight (`concurrency`). */
export const ROOMS_PER_REQUEST = 4;

export interface BackfillDeps {
  readonly rooms: RoomListSource;
  readonly target: BackfillTarget;
  readonly checkpoint?: BackfillCheckpoint;
  readonly logger?: Logger;
  /** Called after every change of the counts. */
  readonly onProgress?: (progress: BackfillProgressEvent) => void;
}

/** Counts so far. */
export interface BackfillProgress {
  /** Rooms listed, skipped ones included. */
  readonly listed: number;
  /** Rooms done by this run or skipped. */
  readonly processed: number;
  readonly archived: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly enqueued: number;
  /** Rooms a previous run was already done with (the checkpoint). */
  readonly skipped: number;
  readonly failed: number;
}

/** What {@link BackfillDeps.onProgress} receives: the counts, and the window being listed. */
export interface BackfillProgressEvent extends BackfillProgress {
  /** `YYYY-MM-DD..YYYY-MM-DD`, once listing started. */
  readonly window?: string;
}

/** A room that could not be archived or queued, and why. */
export interface BackfillFailure {
  readonly room_id: string;
  readonly code: string;
  readonly message: string;
}

/** A window HappyTalk refused even as a single day. */
export interface FailedWindow extends DayWindow {
  readonly code: string;
  readonly message: string;
}

/** The outcome of a backfill, printed by the CLI. */
export interface BackfillSummary extends BackfillProgress {
  readonly mode: BackfillTarget['kind'];
  readonly from: string;
  readonly to: string;
  /** The status code listed, or `final`: every room listed and the finished ones kept. */
  readonly status: number | 'final';
  /** With `status` `final`: the final statuses, e.g. `["2", "4"]`. */
  readonly final_statuses?: readonly string[];
  /** Rooms listed but not finished, left out (`status` `final` only). */
  readonly not_final: number;
  /** How many times an overDate answer split a window. */
  readonly splits: number;
  readonly failures: readonly BackfillFailure[];
  readonly failed_windows: readonly FailedWindow[];
  /** Set when the run stopped early (refused credentials, storage access, listing unavailable). */
  readonly aborted?: { readonly code: string; readonly message: string };
}

const STATUSES: ReadonlySet<number> = new Set(Object.values(ROOM_LIST_STATUSES));

class BackfillAborted extends Error {}

/**
 * Loads history: lists the rooms of a date range from HappyTalk's room list
 * (split on overDate), keeps the finished ones (or, given `status`, lists that
 * status alone) and archives each one, or sends them to the archive queue in
 * batches. `concurrency` and `ratePerSecond` bound HappyTalk's load: every
 * request to it (list pages first, then the rooms' `chat_data` calls and their
 * retries) passes one gate; rooms are archived up to {@link ROOMS_PER_REQUEST}
 * × `concurrency` at once, so that HappyTalk always has work while other rooms
 * write to S3. Rooms the checkpoint holds
 * are skipped; each room done is recorded there, so a run killed midway
 * resumes where it stopped. A room that fails is reported with its reason and
 * the run goes on, unless the error would fail every room (credentials,
 * storage access), which stops it.
 */
export async function backfill(options: BackfillOptions, deps: BackfillDeps): Promise<BackfillSummary> {
  const settings = checkOptions(options);
  const logger = deps.logger ?? silentLogger;
  const counts = {
    listed: 0,
    processed: 0,
    archived: 0,
    updated: 0,
    unchanged: 0,
    enqueued: 0,
    skipped: 0,
    failed: 0,
  };
  const failures: BackfillFailure[] = [];
  const failedWindows: FailedWindow[] = [];
  let splits = 0;
  let notFinal = 0;
  let aborted: { code: string; message: string } | undefined;
  let window: string | undefined;
  const progress = () => deps.onProgress?.({ ...counts, ...(window === undefined ? {} : { window }) });

  // Every request to HappyTalk passes this gate: list pages first, then the rooms' calls.
  const requests = new PQueue({
    concurrency: settings.concurrency,
    ...rateOptions(settings.ratePerSecond),
    strict: true,
  });
  const happyTalkGate: RequestGate = (task) => requests.add(task);
  const queue = new PQueue({ concurrency: settings.concurrency * ROOMS_PER_REQUEST });
  const rooms: RoomListSource = {
    listPage: (query) => requests.add(() => deps.rooms.listPage(query), { priority: 1 }),
  };

  const fail = (roomId: string, error: unknown) => {
    const code = error instanceof ArchiveError ? error.code : 'INTERNAL';
    // A foreign error's message may quote what HappyTalk sent: only its class is reported.
    const message =
      error instanceof ArchiveError
        ? error.message
        : `unexpected ${error instanceof Error ? error.name : typeof error}`;
    counts.failed += 1;
    counts.processed += 1;
    failures.push({ room_id: roomId, code, message });
    logger.warn('backfill: room failed', { room_id: roomId, code, message });
    if (FATAL_ERROR_CODES.has(code) && aborted === undefined) aborted = { code, message };
  };

  const archiveOne = async (
    room: ListedRoom,
    archive: Extract<BackfillTarget, { kind: 'archive' }>['archive'],
  ) => {
    if (aborted) return;
    try {
      const summary = await archive(room.roomId, { happyTalkGate });
      counts[summary.status] += 1;
      counts.processed += 1;
      await deps.checkpoint?.record(room.roomId, summary.status);
    } catch (error) {
      fail(room.roomId, error);
    }
    progress();
  };

  let batch: string[] = [];
  const flush = async (sink: ArchiveRequestSink) => {
    const roomIds = batch;
    batch = [];
    if (roomIds.length === 0) return;
    try {
      const result = await sink.enqueue(roomIds);
      for (const roomId of result.sent) await deps.checkpoint?.record(roomId, 'enqueued');
      counts.enqueued += result.sent.length;
      counts.processed += result.sent.length;
      for (const failure of result.failed)
        fail(failure.room_id, new QueueRefusal(failure.code, failure.message));
    } catch (error) {
      for (const roomId of roomIds) fail(roomId, error);
      if (error instanceof ArchiveError && aborted === undefined)
        aborted = { code: error.code, message: error.message };
    }
    progress();
  };

  try {
    for await (const event of listRooms(rooms, {
      from: settings.from,
      to: settings.to,
      status: settings.status === 'final' ? ROOM_LIST_STATUSES.all : settings.status,
      sortKey: 'reg_date',
      sortOrder: 'asc',
      ...(settings.maxWindowDays === undefined ? {} : { maxWindowDays: settings.maxWindowDays }),
      logger,
    })) {
      window = `${event.window.from}..${event.window.to}`;
      if (event.kind === 'split') {
        splits += 1;
        continue;
      }
      if (event.kind === 'window-failed') {
        failedWindows.push({ ...event.window, code: event.error.code, message: event.error.message });
        continue;
      }
      for (const room of event.rooms) {
        if (aborted) throw new BackfillAborted();
        if (settings.status === 'final' && !settings.finalStatuses.has(room.status)) {
          notFinal += 1;
          continue;
        }
        counts.listed += 1;
        if (deps.checkpoint?.has(room.roomId)) {
          counts.skipped += 1;
          counts.processed += 1;
          progress();
          continue;
        }
        const target = deps.target;
        if (target.kind === 'queue') {
          batch.push(room.roomId);
          if (batch.length === SQS_BATCH_SIZE) await flush(target.queue);
          continue;
        }
        progress();
        // Keep only a few rooms waiting: the listing runs ahead no further than the archiving.
        await queue.onSizeLessThan(settings.concurrency * ROOMS_PER_REQUEST);
        void queue.add(() => archiveOne(room, target.archive));
      }
    }
    if (deps.target.kind === 'queue') await flush(deps.target.queue);
  } catch (error) {
    if (!(error instanceof BackfillAborted)) {
      if (!(error instanceof ArchiveError)) throw error;
      aborted = { code: error.code, message: error.message };
      logger.error('backfill: listing stopped', aborted);
    }
  } finally {
    await queue.onIdle();
    await requests.onIdle();
  }
  progress();
  return {
    mode: deps.target.kind,
    from: settings.from,
    to: settings.to,
    status: settings.status,
    ...(settings.status === 'final' ? { final_statuses: settings.finalStatuses.codes } : {}),
    ...counts,
    not_final: notFinal,
    splits,
    failures,
    failed_windows: failedWindows,
    ...(aborted ? { aborted } : {}),
  };
}

/** SQS refused an entry of a batch (after resending the ones it may accept later). */
class QueueRefusal extends ArchiveError {
  readonly retryable = false;
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = `SQS_${code}`;
  }
}

interface Settings {
  from: string;
  to: string;
  status: number | 'final';
  finalStatuses: FinalStatuses;
  concurrency: number;
  ratePerSecond: number;
  maxWindowDays: number | undefined;
}

function checkOptions(options: BackfillOptions): Settings {
  const status = options.status ?? 'final';
  if (status !== 'final' && !STATUSES.has(status)) {
    throw new ConfigurationError(
      `status must be one of ${[...STATUSES].join(', ')} (99: every status), received ${status}`,
    );
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new ConfigurationError(`concurrency must be an integer from 1 to 64, received ${concurrency}`);
  }
  const ratePerSecond = options.ratePerSecond ?? 5;
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0 || ratePerSecond > 1000) {
    throw new ConfigurationError(
      `rate must be a number of requests per second above 0, at most 1000, received ${ratePerSecond}`,
    );
  }
  const from = parseDay('from', options.from);
  const to = parseDay('to', options.to);
  if (from > to) throw new ConfigurationError(`the range ends before it starts: ${from}..${to}`);
  return {
    from,
    to,
    status,
    finalStatuses: options.finalStatuses ?? new FinalStatuses(),
    concurrency,
    ratePerSecond,
    maxWindowDays: options.maxWindowDays,
  };
}

/** p-queue's rate: whole requests per second, or one request every 1/rate seconds below 1. */
function rateOptions(ratePerSecond: number): { intervalCap: number; interval: number } {
  return Number.isInteger(ratePerSecond)
    ? { intervalCap: ratePerSecond, interval: 1000 }
    : { intervalCap: 1, interval: Math.ceil(1000 / ratePerSecond) };
}
