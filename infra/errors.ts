/**
 * A property or context value of the HappyTalk archive infrastructure is
 * missing, malformed or out of range. Thrown while the construct tree is
 * built, before anything is synthesized; never retryable: fix the value.
 */
export class ArchiveConfigError extends Error {
  readonly retryable = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArchiveConfigError';
  }
}
