import { type DeadLetterSink, SqsDeadLetterSink, type SqsPort } from '../../lib/dead-letter.js';

/** The dead-letter queue of `archive-events` (`ARCHIVE_DLQ_URL`, read by the contract). */
export function createDeadLetterSink(queueUrl: string, client: SqsPort): DeadLetterSink {
  return new SqsDeadLetterSink({ client, queueUrl });
}
