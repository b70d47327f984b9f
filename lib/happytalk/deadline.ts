import {
  ATTACHMENT_DEFAULTS,
  type EnvironmentOf,
  type HTTP_API_ENVIRONMENT,
} from '../contract/environment.js';

/**
 * How long archiving one room may take, in parts: the HappyTalk call with its
 * retries, the attachment step, and a margin for the secret, the index read
 * and the S3 writes. The functions derive these from their own timeout
 * ({@link roomDeadlineFor}), so that a room that fails slowly still ends
 * inside the invocation.
 */
export interface RoomDeadline {
  /** One HappyTalk request, its whole body included (`HAPPYTALK_TIMEOUT_MS`). */
  readonly requestTimeoutMs: number;
  /** The longest backoff before a retry (`HAPPYTALK_MAX_DELAY_MS`). */
  readonly maxBackoffMs: number;
  /** No HappyTalk retry starts this long after the first attempt (`HAPPYTALK_RETRY_BUDGET_MS`). */
  readonly retryBudgetMs: number;
  /** The attachment step of one room (`ATTACHMENT_BUDGET_MS`); 0 when images are not archived. */
  readonly attachmentBudgetMs: number;
  /** The secret, the index read and the S3 writes (`ROOM_STORAGE_MARGIN_MS`). */
  readonly storageMarginMs: number;
}

/**
 * The HappyTalk transport's defaults (transport.ts takes them from here): one
 * request's timeout, the longest backoff, and the retry budget.
 */
export const TRANSPORT_DEFAULTS: Pick<RoomDeadline, 'requestTimeoutMs' | 'maxBackoffMs' | 'retryBudgetMs'> = {
  requestTimeoutMs: 10_000,
  maxBackoffMs: 5_000,
  retryBudgetMs: 20_000,
};

/**
 * What a function uses for a setting it is not given: the HappyTalk
 * transport's own defaults, the attachment step's, and 1 s for the storage.
 */
export const DEFAULT_ROOM_DEADLINE: RoomDeadline = {
  ...TRANSPORT_DEFAULTS,
  attachmentBudgetMs: ATTACHMENT_DEFAULTS.budgetMs,
  storageMarginMs: 1_000,
};

/**
 * The longest one room can take: the last HappyTalk retry may start at the
 * end of the retry budget, after the longest backoff, and run a whole request
 * timeout; the images and the writes follow.
 */
export function roomWorstCaseMs(deadline: RoomDeadline): number {
  return (
    deadline.retryBudgetMs +
    deadline.maxBackoffMs +
    deadline.requestTimeoutMs +
    deadline.attachmentBudgetMs +
    deadline.storageMarginMs
  );
}

/**
 * Fits one room inside a function timeout of `functionTimeoutMs`: a request
 * gets a third of it (at most 10 s), the longest backoff and the storage
 * margin a twelfth each (at most 5 s), the attachment step `attachmentShare`
 * of it (at most `attachmentMaxMs`), and the retry budget what is left (at
 * most 20 s, the transport's default). So `roomWorstCaseMs` never exceeds the
 * timeout, whatever its length.
 */
export function roomDeadlineFor(
  functionTimeoutMs: number,
  options: { attachmentShare: number; attachmentMaxMs: number },
): RoomDeadline {
  const requestTimeoutMs = Math.min(TRANSPORT_DEFAULTS.requestTimeoutMs, Math.floor(functionTimeoutMs / 3));
  const maxBackoffMs = Math.min(TRANSPORT_DEFAULTS.maxBackoffMs, Math.floor(functionTimeoutMs / 12));
  const storageMarginMs = Math.min(5_000, Math.floor(functionTimeoutMs / 12));
  const attachmentBudgetMs = Math.min(
    options.attachmentMaxMs,
    Math.floor(functionTimeoutMs * options.attachmentShare),
  );
  const left = functionTimeoutMs - requestTimeoutMs - maxBackoffMs - storageMarginMs - attachmentBudgetMs;
  return {
    requestTimeoutMs,
    maxBackoffMs,
    retryBudgetMs: Math.max(1, Math.min(TRANSPORT_DEFAULTS.retryBudgetMs, left)),
    attachmentBudgetMs,
    storageMarginMs,
  };
}

/** The variables of an archiving function that give it a {@link RoomDeadline} (lib/contract/environment.ts). */
export function roomDeadlineVariables(
  deadline: RoomDeadline,
): Pick<
  EnvironmentOf<typeof HTTP_API_ENVIRONMENT>,
  | 'HAPPYTALK_TIMEOUT_MS'
  | 'HAPPYTALK_MAX_DELAY_MS'
  | 'HAPPYTALK_RETRY_BUDGET_MS'
  | 'ATTACHMENT_BUDGET_MS'
  | 'ROOM_STORAGE_MARGIN_MS'
> {
  return {
    HAPPYTALK_TIMEOUT_MS: deadline.requestTimeoutMs,
    HAPPYTALK_MAX_DELAY_MS: deadline.maxBackoffMs,
    HAPPYTALK_RETRY_BUDGET_MS: deadline.retryBudgetMs,
    ATTACHMENT_BUDGET_MS: deadline.attachmentBudgetMs,
    ROOM_STORAGE_MARGIN_MS: deadline.storageMarginMs,
  };
}
