import { SQSClient } from '@aws-sdk/client-sqs';
import type { Environment } from '../../lib/config.js';
import { type DeadLetterSink, SqsDeadLetterSink } from '../../lib/dead-letter.js';
import { ConfigurationError } from '../../lib/errors.js';

/** An SQS client honouring `AWS_ENDPOINT_URL_SQS` and `AWS_REGION` from `env`. */
export function createSqsClient(env: Environment): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  return new SQSClient({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

/** The dead-letter queue of `archive-events` (`ARCHIVE_DLQ_URL`). */
export function createDeadLetterSink(env: Environment, client: SQSClient): DeadLetterSink {
  const queueUrl = env.ARCHIVE_DLQ_URL?.trim();
  if (!queueUrl) throw new ConfigurationError('ARCHIVE_DLQ_URL is not set: name the dead-letter queue URL');
  return new SqsDeadLetterSink({ client, queueUrl });
}
