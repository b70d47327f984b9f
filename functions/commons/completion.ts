import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { ConfigurationError } from '../../lib/errors.js';

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

/** The longest visibility timeout a retry is given (the base delay's bound too: `COMPLETION_BASE_DELAY_SECONDS`). */
const MAX_VISIBILITY_SECONDS = 15 * 60;

/** The policy of `COMPLETION_MAX_ATTEMPTS` and `COMPLETION_BASE_DELAY_SECONDS`, read by the contract. */
export function completionPolicyOf(variables: {
  readonly COMPLETION_MAX_ATTEMPTS: number;
  readonly COMPLETION_BASE_DELAY_SECONDS: number;
}): CompletionPolicy {
  return {
    maxAttempts: variables.COMPLETION_MAX_ATTEMPTS,
    baseDelaySeconds: variables.COMPLETION_BASE_DELAY_SECONDS,
  };
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
  // Loaded on first use: the function's cold start carries no SQS code.
  const { ChangeMessageVisibilityCommand } = await import('../../lib/aws-sqs.js');
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
