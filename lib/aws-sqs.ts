import { SQSClient } from '@aws-sdk/client-sqs';
import { clientBasics } from './aws.js';
import type { Environment } from './config.js';

/**
 * The SQS commands the archive sends, for code that loads them on first use
 * (`await import('./aws-sqs.js')`): an ESM module of ours, because a bundle
 * split into chunks gives a CommonJS package's dynamic import its default
 * export alone.
 */
export {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';

/**
 * An SQS client honouring `AWS_ENDPOINT_URL_SQS` (or `AWS_ENDPOINT_URL`) and
 * `AWS_REGION` from `env`. A module of its own, so that the functions load the
 * SQS SDK only when they first send (`lazySqsClient` in lib/aws.ts).
 */
export function createSqsClient(env: Environment = process.env): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  return new SQSClient({
    ...clientBasics(env),
    ...(endpoint ? { endpoint } : {}),
  });
}
