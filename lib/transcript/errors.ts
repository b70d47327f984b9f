// An explicit `cause: undefined` would still show up as an own property of the error.
function causeOption(cause: unknown): ErrorOptions | undefined {
  return cause === undefined ? undefined : { cause };
}

/** Base class of the errors the transcript normalizer throws. */
export abstract class TranscriptError extends Error {
  /** Whether calling again with the same input could succeed. */
  abstract readonly retryable: boolean;
}

/** Why a `chat_data` response could not be turned into a transcript. */
export type InvalidChatDataReason =
  | 'not-json'
  | 'invalid-shape'
  | 'fail-result'
  | 'empty-data'
  | 'room-not-found'
  | 'ambiguous-room';

/** The answer HappyTalk gave with `"result": "fail"`. */
export interface HappyTalkFailure {
  readonly code: number | string;
  readonly message: string | null;
}

/**
 * The `chat_data` response is not one this archiver can normalize: not JSON, not
 * the documented shape, a `fail` answer, or without the requested room. The same
 * bytes always fail the same way, so it is not retryable.
 */
export class InvalidChatDataError extends TranscriptError {
  readonly retryable = false;
  readonly reason: InvalidChatDataReason;
  /** Set when `reason` is `fail-result`. */
  readonly failure: HappyTalkFailure | undefined;

  constructor(
    message: string,
    reason: InvalidChatDataReason,
    options: { cause?: unknown; failure?: HappyTalkFailure } = {},
  ) {
    super(message, causeOption(options.cause));
    this.name = 'InvalidChatDataError';
    this.reason = reason;
    this.failure = options.failure;
  }
}

/** The configured HappyTalk time zone is not an IANA zone this runtime knows. */
export class InvalidTimeZoneError extends TranscriptError {
  readonly retryable = false;
  readonly timeZone: string;

  constructor(timeZone: string, options: { cause?: unknown } = {}) {
    super(`invalid time zone: ${JSON.stringify(timeZone)}`, causeOption(options.cause));
    this.name = 'InvalidTimeZoneError';
    this.timeZone = timeZone;
  }
}
