import type { Environment } from '../../lib/config.js';
import { type DeadLetterSink, SqsDeadLetterSink, type SqsPort } from '../../lib/dead-letter.js';
import { ConfigurationError } from '../../lib/errors.js';

/** The dead-letter queue of `archive-events` (`ARCHIVE_DLQ_URL`). */
export function createDeadLetterSink(env: Environment, client: SqsPort): DeadLetterSink {
  const queueUrl = env.ARCHIVE_DLQ_URL?.trim();
  if (!queueUrl) throw new ConfigurationError('ARCHIVE_DLQ_URL is not set: name the dead-letter queue URL');
  return new SqsDeadLetterSink({ client, queueUrl });
}
