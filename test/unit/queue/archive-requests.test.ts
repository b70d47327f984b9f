import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsArchiveRequestQueue } from '../../../lib/queue/archive-requests.js';
import { ArchiveQueueError } from '../../../lib/queue/errors.js';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/archive';

function queue(): SqsArchiveRequestQueue {
  return new SqsArchiveRequestQueue({
    client: new SQSClient({ region: 'ap-northeast-2' }),
    queueUrl: QUEUE_URL,
    source: 'happytalk-archive.reconcile',
    now: () => new Date('2024-06-12T03:00:00Z'),
  });
}

beforeEach(() => {
  sqs.reset();
});

describe('SqsArchiveRequestQueue', () => {
  it('sends EventBridge-shaped requests in batches of 10', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((entry) => ({ Id: entry.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
    const ids = Array.from({ length: 12 }, (_, index) => `room${index}`);

    // Act
    const result = await queue().enqueue(ids);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(calls[0]?.args[0].input.Entries?.[0]?.MessageBody ?? '')).toEqual({
      version: '0',
      source: 'happytalk-archive.reconcile',
      'detail-type': 'Archive Requested',
      time: '2024-06-12T03:00:00.000Z',
      detail: { room_id: 'room0' },
    });
    expect(result).toEqual({ sent: ids, failed: [] });
  });

  it('sends again what SQS failed on its side, and gives up on what it refuses as the sender fault', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }],
        Failed: [
          { Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' },
          { Id: '2', Code: 'InvalidMessageContents', SenderFault: true, Message: 'bad' },
        ],
      })
      .resolvesOnce({ Successful: [{ Id: '1', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [] });

    // Act
    const result = await queue().enqueue(['a', 'b', 'c']);

    // Assess
    expect(sqs.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries?.map((e) => e.Id)).toEqual([
      '1',
    ]);
    expect(result).toEqual({
      sent: ['a', 'b'],
      failed: [{ room_id: 'c', code: 'InvalidMessageContents', message: 'bad' }],
    });
  });

  it('throws ArchiveQueueError when a whole batch cannot be sent', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    // Act
    const act = queue().enqueue(['a']);

    // Assess
    await expect(act).rejects.toThrow(ArchiveQueueError);
    await expect(act).rejects.toThrow(`cannot send archive requests to ${QUEUE_URL}: AccessDenied`);
  });
});
