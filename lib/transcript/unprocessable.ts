import { ArchiveError } from '../errors.js';
import { MAX_NESTING_DEPTH, nestingDepthOf } from '../happytalk/answer.js';
import { InvalidTimeZoneError } from './errors.js';
import { encodeTranscriptLine, transcriptLineParts } from './line-encoder.js';
import { type NormalizeRoomOptions, type ParsedResponse, transcriptOf } from './normalize.js';
import type { Transcript } from './schema.js';

export { MAX_NESTING_DEPTH };

/**
 * HappyTalk answered, but its answer cannot be normalized, for a reason that
 * retrying will not change: it nests deeper than {@link MAX_NESTING_DEPTH}
 * levels, or the normalizer failed on it. Not retryable: the archive keeps its
 * raw bytes (marked `unprocessable` in the index, with no transcript), the
 * event goes to the dead-letter queue with this reason, and the HTTPS caller
 * gets 422.
 */
export class UnprocessableResponseError extends ArchiveError {
  readonly code = 'UNPROCESSABLE_RESPONSE';
  readonly retryable = false;
  /** Why, in a few fixed words (never a value of the answer). */
  readonly reason: string;

  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * {@link transcriptOf}, guarded: the answer's nesting depth is checked first
 * (`nestingDepth` as `parseChatData` measured it, or measured here), before
 * anything recursive touches it, and whatever else the normalizer throws is
 * an {@link UnprocessableResponseError} naming the error's class only (its
 * message could quote the answer). An invalid time zone is the configuration's
 * fault, not the answer's: it is thrown as it is.
 *
 * @throws UnprocessableResponseError, InvalidTimeZoneError
 */
export function normalizeProcessable(
  parsed: ParsedResponse & { readonly nestingDepth?: number },
  options: Omit<NormalizeRoomOptions, 'response'> = {},
): Transcript {
  const depth = parsed.nestingDepth ?? nestingDepthOf(parsed.response);
  if (depth > MAX_NESTING_DEPTH) {
    const reason = `nested ${depth} levels deep, beyond the limit of ${MAX_NESTING_DEPTH}`;
    throw new UnprocessableResponseError(`HappyTalk's answer cannot be normalized: ${reason}`, reason);
  }
  try {
    return transcriptOf(parsed, options);
  } catch (error) {
    if (error instanceof InvalidTimeZoneError) throw error;
    throw normalizerFailure(error);
  }
}

/** {@link encodeTranscriptLine}, with a failure reported as an {@link UnprocessableResponseError}. */
export function encodeProcessable(transcript: Transcript): Uint8Array {
  try {
    return encodeTranscriptLine(transcript);
  } catch (error) {
    throw normalizerFailure(error);
  }
}

/**
 * {@link transcriptLineParts}, with a failure to produce a part reported as
 * an {@link UnprocessableResponseError} (whoever writes the parts lets it through).
 */
export function encodeProcessableParts(
  transcript: Transcript,
  partBytes: number,
): { parts(): Iterable<Uint8Array> } {
  const line = transcriptLineParts(transcript, partBytes);
  return {
    *parts() {
      try {
        yield* line.parts();
      } catch (error) {
        throw normalizerFailure(error);
      }
    },
  };
}

function normalizerFailure(error: unknown): UnprocessableResponseError {
  const reason = `the normalizer failed (${error instanceof Error ? error.name : typeof error})`;
  // The cause keeps the class only: a foreign message may quote the answer.
  const cause =
    error instanceof Error ? Object.assign(new Error(error.name), { name: error.name }) : undefined;
  return new UnprocessableResponseError(`HappyTalk's answer cannot be normalized: ${reason}`, reason, {
    ...(cause ? { cause } : {}),
  });
}
