import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Environment } from '../../lib/config.js';
import { ConfigurationError } from '../../lib/errors.js';
import { optionalInteger } from './runtime.js';

/**
 * How long an event for a room that is not final yet (waiting or in progress)
 * is retried before the room is archived as it is: `COMPLETION_MAX_ATTEMPTS`
 * deliveries (default 4), spaced by an exponential backoff from
 * `COMPLETION_BASE_DELAY_SECONDS` (default 30 s, at most 15 minutes).
 */
export interface CompletionPolicy {
  readonly maxAttempts: number;
  readonly baseDelaySeconds: number;
}

const MAX_VISIBILITY_SECONDS = 15 * 60;

export function readCompletionPolicy(env: Environment): CompletionPolicy {
  const maxAttempts = optionalInteger(env, 'COMPLETION_MAX_ATTEMPTS') ?? 4;
  const baseDelaySeconds = optionalInteger(env, 'COMPLETION_BASE_DELAY_SECONDS') ?? 30;
  if (baseDelaySeconds > MAX_VISIBILITY_SECONDS) {
    throw new ConfigurationError(
      `COMPLETION_BASE_DELAY_SECONDS must be at most ${MAX_VISIBILITY_SECONDS}, received ${baseDelaySeconds}`,
    );
  }
  return { maxAttempts, baseDelaySeconds };
}

/** The delay before delivery `attempt + 1`: doubling from the base, capped, with jitter in its upper half. */
export function completionDelaySeconds(
  policy: CompletionPolicy,
  attempt: number,
  random = Math.random,
): number {
  const ceiling = Math.min(MAX_VISIBILITY_SECONDS, policy.baseDelaySeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** How many times SQS has delivered this record, this delivery included. */
export function deliveryAttempt(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * Delays the next delivery of a record by changing its visibility timeout (the
 * queue would otherwise redeliver after its fixed visibility timeout).
 */
export async function delayRedelivery(
  sqs: Pick<SQSClient, 'send'>,
  record: SQSRecord,
  seconds: number,
): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrlOf(record.eventSourceARN),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}

/** `arn:aws:sqs:REGION:ACCOUNT:NAME` → the queue URL (the client's endpoint decides where it is sent). */
export function queueUrlOf(queueArn: string): string {
  const [, partition, , region, account, name] = queueArn.split(':');
  if (!partition || !region || !account || !name) {
    throw new ConfigurationError(`not an SQS queue ARN: ${JSON.stringify(queueArn)}`);
  }
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}
