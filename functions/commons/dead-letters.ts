import { SQSClient } from '@aws-sdk/client-sqs';
import type { Environment } from '../../lib/config.js';
import { type DeadLetterSink, SqsDeadLetterSink } from '../../lib/dead-letter.js';
import { ConfigurationError } from '../../lib/errors.js';

/** The dead-letter queue of `archive-events` (`ARCHIVE_DLQ_URL`). */
export function createDeadLetterSink(env: Environment): DeadLetterSink {
  const queueUrl = env.ARCHIVE_DLQ_URL?.trim();
  if (!queueUrl) throw new ConfigurationError('ARCHIVE_DLQ_URL is not set: name the dead-letter queue URL');
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  const client = new SQSClient({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  return new SqsDeadLetterSink({ client, queueUrl });
}
