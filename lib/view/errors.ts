/** Base class of the errors the transcript view throws. */
export abstract class TranscriptViewError extends Error {
  /** Whether calling again with the same input could succeed. */
  abstract readonly retryable: boolean;
}

/**
 * A stored transcript line is not JSON, or not a transcript v1. The message
 * names the problem, never the line's content (transcripts hold personal data);
 * the parser's own error is kept as `cause`.
 */
export class InvalidTranscriptLineError extends TranscriptViewError {
  readonly retryable = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidTranscriptLineError';
  }
}
