// An explicit `cause: undefined` would still show up as an own property of the error.
function causeOption(cause: unknown): ErrorOptions | undefined {
  return cause === undefined ? undefined : { cause };
}

/** Base class of the errors the transcript normalizer throws. */
export abstract class TranscriptError extends Error {
  /** Whether calling again with the same input could succeed. */
  abstract readonly retryable: boolean;
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
