import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSqs, type LocalSqsRecord, startLocalSqs } from '../../../dev/aws/sqs.js';
import { createSqsClient } from '../../../lib/aws-sqs.js';

let sqs: LocalSqs;

beforeEach(async () => {
  sqs = await startLocalSqs();
});

afterEach(async () => {
  await sqs.close();
});

function client() {
  return createSqsClient({ AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_REGION: 'ap-northeast-2' });
}

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition() && tries < 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the local SQS feeding a function', () => {
  it('delivers what is sent in batches, as SQS records of that queue', async () => {
    // Prepare
    const batches: LocalSqsRecord[][] = [];
    sqs.subscribe('archive', async (event) => {
      batches.push(event.Records);
      return { batchItemFailures: [] };
    });

    // Act
    await client().send(
      new SendMessageBatchCommand({
        QueueUrl: sqs.queueUrl('archive'),
        Entries: ['a', 'b', 'c'].map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    await until(() => batches.flat().length === 3);
    await sqs.drained();

    // Assess
    expect(batches.flat().map((record) => record.body)).toEqual(['a', 'b', 'c']);
    expect(batches.flat()[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-northeast-2:000000000000:archive',
      attributes: { ApproximateReceiveCount: '1' },
    });
  });

  it('delivers a failed record again after its visibility timeout, and dead-letters it after the last receive', async () => {
    // Prepare
    const receives: string[] = [];
    sqs.subscribe(
      'archive',
      async (event) => {
        receives.push(...event.Records.map((record) => record.attributes.ApproximateReceiveCount));
        return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
      },
      { maxReceiveCount: 3, visibilityTimeoutMs: 20, deadLetterQueue: 'dlq' },
    );

    // Act
    await client().send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('archive'), MessageBody: 'x' }));
    await until(() => sqs.messages.some((message) => message.queueUrl === sqs.queueUrl('dlq')));

    // Assess
    expect(receives).toEqual(['1', '2', '3']);
    expect(sqs.messages.filter((message) => message.queueUrl === sqs.queueUrl('dlq'))).toEqual([
      { queueUrl: sqs.queueUrl('dlq'), body: 'x', attributes: {} },
    ]);
  });

  it('waits as long as the function set the visibility of a record, and retries a batch that threw', async () => {
    // Prepare
    const sqsClient = client();
    const deliveries: number[] = [];
    sqs.subscribe(
      'archive',
      async (event) => {
        deliveries.push(Date.now());
        const [record] = event.Records;
        if (deliveries.length === 1 && record) {
          await sqsClient.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: 'https://sqs.ap-northeast-2.amazonaws.com/000000000000/archive',
              ReceiptHandle: record.receiptHandle,
              VisibilityTimeout: 1,
            }),
          );
          throw new Error('transient');
        }
        return { batchItemFailures: [] };
      },
      { visibilityTimeoutMs: 10 },
    );

    // Act
    await sqsClient.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('archive'), MessageBody: 'x' }));
    await until(() => deliveries.length === 2);

    // Assess
    expect(deliveries).toHaveLength(2);
    expect((deliveries[1] ?? 0) - (deliveries[0] ?? 0)).toBeGreaterThanOrEqual(900);
  });
});
