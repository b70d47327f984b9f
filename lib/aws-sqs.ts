import { SQSClient } from '@aws-sdk/client-sqs';
import { clientBasics } from './aws.js';
import type { Environment } from './config.js';

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
