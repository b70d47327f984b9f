import { ConfigurationError } from '../errors.js';

/**
 * The statuses HappyTalk gives a room (`chat.status`, and the room list's
 * `status`), as NOTES.md ("Room statuses beyond the chat_data table") lists
 * them: a room waits and talks in the chatbot (`-2`, `-1`), waits for and
 * talks with a counselor (`0`, `1`), and ends completed (`2`) or in the
 * chatbot (`4`); `3` is a deleted room.
 */
export const ROOM_STATUS = {
  botWaiting: '-2',
  botInProgress: '-1',
  waiting: '0',
  inProgress: '1',
  completed: '2',
  deleted: '3',
  chatbotEnded: '4',
} as const;

/** The statuses that may be configured as final: the two a room finishes in, and deleted. */
export const FINAL_STATUS_CHOICES: readonly string[] = [
  ROOM_STATUS.completed,
  ROOM_STATUS.deleted,
  ROOM_STATUS.chatbotEnded,
];

/** Finished means completed (2) or ended in the chatbot (4); a deleted room (3) is final only when configured. */
export const DEFAULT_FINAL_STATUSES: readonly string[] = [ROOM_STATUS.completed, ROOM_STATUS.chatbotEnded];

/**
 * The one definition of a finished room, used wherever the archive decides
 * whether a room is done: the event path's wait for completion, the
 * reconciliation, the backfill and the completion watcher. Every other status
 * is not final: the open ones (`-2`, `-1`, `0`, `1`), `3` unless configured,
 * and any code HappyTalk has not documented.
 */
export class FinalStatuses {
  /** The final codes, in ascending order, e.g. `["2", "4"]`. */
  readonly codes: readonly string[];
  readonly #codes: ReadonlySet<string>;

  /** @throws ConfigurationError for an empty list, a repeated code or a code outside {@link FINAL_STATUS_CHOICES} */
  constructor(codes: readonly string[] = DEFAULT_FINAL_STATUSES) {
    const unique = new Set(codes);
    const refused = codes.find((code) => !FINAL_STATUS_CHOICES.includes(code));
    if (codes.length === 0 || unique.size !== codes.length || refused !== undefined) {
      throw new ConfigurationError(
        `the final statuses must be distinct codes among ${FINAL_STATUS_CHOICES.join(', ')} ` +
          `(2 completed, 3 deleted, 4 chatbot ended), received ${JSON.stringify(codes)}`,
      );
    }
    this.codes = Object.freeze([...unique].sort());
    this.#codes = unique;
  }

  /** Whether a room with this status, as HappyTalk sent it (`"2"`, `2`, null…), is finished. */
  has(status: unknown): boolean {
    if (typeof status !== 'string' && typeof status !== 'number') return false;
    return this.#codes.has(String(status).trim());
  }

  /** `2,4`: the form `HAPPYTALK_FINAL_STATUSES` takes. */
  toString(): string {
    return this.codes.join(',');
  }
}

/**
 * Reads a comma-separated list of final statuses, e.g. `2,4` or `2,3,4`.
 *
 * @param name what the text came from, for the error message
 * @throws ConfigurationError naming `name` when the list is not valid
 */
export function parseFinalStatuses(text: string, name: string): FinalStatuses {
  const codes = text
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '');
  try {
    return new FinalStatuses(codes);
  } catch (error) {
    throw new ConfigurationError(`${name}: ${(error as Error).message}`);
  }
}
