import { ArchiveError } from '../errors.js';

/** SQS refused or failed a send after the SDK's own retries (throttling, network, permissions). */
export class ArchiveQueueError extends ArchiveError {
  readonly code = 'QUEUE_UNAVAILABLE';
  readonly retryable = true;
}
