import { type IndexRecord, isUnprocessable } from '../archive/index-record.js';
import { ArchiveError, describeValue } from '../errors.js';
import { FinalStatuses } from '../happytalk/finality.js';
import type { ListedRoom } from '../happytalk/room-list-client.js';
import { validateRoomId } from '../room-id.js';
import { dateTimeConverter } from '../transcript/time.js';

/** What the archive decided for one listed room. */
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
   * kept and its event was dead-lettered with the reason. Not a gap: sending the same answer again
   * on every run would only fail again (archiving the room again retries it).
   */
  | 'unprocessable'
  /** Completed less than the grace period ago: its event may still be on the way. */
  | 'too-recent'
  /** Not finished (its status is not one of the final statuses): nothing to archive yet. */
  | 'not-final'
  /** HappyTalk listed an id the archive cannot take: logged, not queued. */
  | 'invalid-room-id';

/** The decisions that send a room to be archived. */
export const GAP_DECISIONS: ReadonlySet<ReconcileDecision> = new Set([
  'not-archived',
  'archived-before-completion',
  'index-unreadable',
]);

export interface RoomCheckDeps {
  readonly index: { readIndex(roomId: string): Promise<IndexRecord | undefined> };
  /** IANA zone of HappyTalk's bare datetimes. */
  readonly timeZone: string;
  /** The statuses of a finished room (default 2 and 4). */
  readonly finalStatuses?: FinalStatuses;
  /** Rooms completed less than this many minutes before `now` are `too-recent` (default 0). */
  readonly graceMinutes?: number;
  readonly now: Date;
}

/** Decides, room by room, whether the archive holds a listed room as HappyTalk finished it. */
export interface RoomCheck {
  /**
   * @throws the index store's errors other than a corrupt index
   */
  decide(room: ListedRoom): Promise<ReconcileDecision>;
  /** The room's completion time (epoch ms), undefined while open or when `complate_date` does not parse. */
  completedAt(room: ListedRoom): number | undefined;
}

/**
 * The decision reconciliation and the completion watcher share: a finished
 * room (its status one of the final statuses) is a gap when it is not
 * archived, when its index is unreadable, or when the archived answer predates
 * its completion (archived while open, or before a later completion).
 */
export function roomCheck(deps: RoomCheckDeps): RoomCheck {
  const converter = dateTimeConverter(deps.timeZone);
  const finalStatuses = deps.finalStatuses ?? new FinalStatuses();
  const graceMs = (deps.graceMinutes ?? 0) * 60_000;
  const completedAt = (room: ListedRoom): number | undefined => {
    const completed = converter.toTime(room.completeDate);
    return typeof completed === 'string' ? Date.parse(completed) : undefined;
  };
  return {
    completedAt,
    async decide(room) {
      try {
        validateRoomId(room.roomId);
      } catch {
        return 'invalid-room-id';
      }
      if (!finalStatuses.has(room.status)) return 'not-final';
      const completed = completedAt(room);
      if (completed !== undefined && deps.now.getTime() - completed < graceMs) return 'too-recent';
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
        return completed !== undefined && !(fetchedAt >= completed)
          ? 'archived-before-completion'
          : 'unprocessable';
      }
      // The archived answer holds the completed room when it carries this completion (or a later one):
      // comparing HappyTalk's own times avoids any skew between its clock and the archive's.
      if (index.completed_at === null) return 'archived-before-completion';
      if (completed !== undefined && !(Date.parse(index.completed_at) >= completed)) {
        return 'archived-before-completion';
      }
      return 'up-to-date';
    },
  };
}

/**
 * What a decision's log line says of the room: its id and status once checks
 * have read them (a final status is one of the known codes), an id that is not
 * one described, never quoted whole: nothing HappyTalk wrote reaches a log
 * unchecked.
 */
export function decisionLogFields(
  room: ListedRoom,
  decision: ReconcileDecision,
): { room_id: string; status?: string | null } {
  if (decision === 'invalid-room-id') return { room_id: describeValue(room.roomId) };
  return decision === 'not-final' ? { room_id: room.roomId } : { room_id: room.roomId, status: room.status };
}
