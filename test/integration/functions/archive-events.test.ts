import type { Context, SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateRoom, SAMPLE_ROOM_IDS } from '../../../dev/simulator/index.js';
import {
  archiveEventsRuntime,
  createArchiveEventsHandler,
} from '../../../functions/handlers/archive-events.js';
import { captureOutput, chatCompletedEvent, lambdaContext, sqsEvent } from '../../support/lambda.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let stack: TestStack;
let handler: Handler;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  stack = await startTestStack();
  handler = createArchiveEventsHandler(archiveEventsRuntime(stack.env));
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.clearFaults();
  stack.simulator.resetRequests();
  stack.sqs.messages.length = 0;
  stack.sqs.visibilityChanges.length = 0;
  stack.sqs.setFault(undefined);
  output = captureOutput();
  return () => output.restore();
});

function deadLetters(): Array<Record<string, unknown>> {
  return stack.sqs.messages
    .filter((message) => message.queueUrl === stack.dlqUrl)
    .map((message) => JSON.parse(message.body) as Record<string, unknown>);
}

describe('archive-events invoked directly by EventBridge', () => {
  it('archives the room named by detail.room_id', async () => {
    const roomId = SAMPLE_ROOM_IDS.specExample;

    const result = await handler(chatCompletedEvent({ room_id: roomId }), lambdaContext());

    expect(result).toMatchObject({ room_id: roomId, status: 'archived' });
    expect(await stack.listKeys('index/')).toContain(`index/rooms/${roomId}.json`);
  });

  it('sends a permanent failure to the dead-letter queue with its reason, and does not throw', async () => {
    const event = chatCompletedEvent({ room_id: 'unknownRoom' });

    const result = await handler(event, lambdaContext());

    expect(result).toEqual({ room_id: 'unknownRoom', status: 'dead-lettered', reason: 'ROOM_NOT_FOUND' });
    expect(deadLetters()).toEqual([
      expect.objectContaining({
        reason: 'ROOM_NOT_FOUND',
        room_id: 'unknownRoom',
        source: 'archive-events',
        original: event,
        message: expect.stringContaining('unknownRoom'),
      }),
    ]);
    expect(stack.sqs.messages[0]?.attributes.reason?.StringValue).toBe('ROOM_NOT_FOUND');
  });

  it.each([
    ['no detail', { source: 'happytalk' }, /no "detail" object/],
    ['detail.room_id missing', chatCompletedEvent({ id: 'x' }), /no "detail.room_id"/],
    ['detail.room_id a number', chatCompletedEvent({ room_id: 42 }), /expected a string/],
    ['detail.room_id an array', chatCompletedEvent({ room_id: ['a'] }), /expected a string/],
    ['a string event', 'hello', /expected an EventBridge event object/],
  ])('dead-letters an event with %s, without calling HappyTalk', async (_name, event, message) => {
    const result = await handler(event, lambdaContext());

    expect(result).toMatchObject({ status: 'dead-lettered' });
    expect(deadLetters()[0]?.message).toMatch(message);
    expect(stack.simulator.requests).toHaveLength(0);
  });

  it('throws a transient failure so that Lambda retries it', async () => {
    stack.simulator.setFault('*', { kind: 'status', status: 500 });

    await expect(
      handler(chatCompletedEvent({ room_id: SAMPLE_ROOM_IDS.open }), lambdaContext()),
    ).rejects.toThrow(/HTTP 500/);
    expect(deadLetters()).toEqual([]);
  });
});

describe('archive-events with SQS batches', () => {
  it('reports only the transiently failed records, dead-letters the permanent ones, archives the rest', async () => {
    stack.simulator.setFault(SAMPLE_ROOM_IDS.buttons, { kind: 'status', status: 503 });
    const event = sqsEvent([
      JSON.stringify(chatCompletedEvent({ room_id: SAMPLE_ROOM_IDS.completed })),
      JSON.stringify(chatCompletedEvent({ room_id: SAMPLE_ROOM_IDS.buttons })),
      JSON.stringify(chatCompletedEvent({ room_id: '../escape' })),
      'not json at all',
      JSON.stringify(chatCompletedEvent({ room_id: SAMPLE_ROOM_IDS.images })),
    ]);
    const ids = event.Records.map((record) => record.messageId);

    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: ids[1] }]);
    expect(deadLetters().map((letter) => letter.reason)).toEqual(['INVALID_ROOM_ID', 'MALFORMED_EVENT']);
    expect(deadLetters()[1]?.original).toBe('not json at all');
    const indexes = await stack.listKeys('index/');
    expect(indexes).toContain(`index/rooms/${SAMPLE_ROOM_IDS.completed}.json`);
    expect(indexes).toContain(`index/rooms/${SAMPLE_ROOM_IDS.images}.json`);
    expect(indexes).not.toContain(`index/rooms/${SAMPLE_ROOM_IDS.buttons}.json`);
  });

  it('retries a permanent failure through the queue when the dead-letter queue is unavailable', async () => {
    stack.sqs.setFault(500);
    const event = sqsEvent([JSON.stringify(chatCompletedEvent({ room_id: 'unknownRoom2' }))]);

    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
  });

  it('archives a room delivered three times exactly once, and records its completion-to-archive time once', async () => {
    const roomId = 'chatbotEndedThrice';
    stack.simulator.addRoom(
      generateRoom({ roomId, messageCount: 3, status: '4', regDate: '2024-06-12 09:00:00' }),
    );
    const body = JSON.stringify(chatCompletedEvent({ room_id: roomId }));

    const first = (await handler(sqsEvent([body, body]), lambdaContext())) as SQSBatchResponse;
    const second = (await handler(sqsEvent([body]), lambdaContext())) as SQSBatchResponse;

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    const emf = output
      .text()
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const archived = emf.reduce((sum, line) => sum + (Number(line.Archived) || 0), 0);
    const unchanged = emf.reduce(
      (sum, line) =>
        sum + (Array.isArray(line.Unchanged) ? line.Unchanged.length : Number(line.Unchanged) || 0),
      0,
    );
    expect(archived).toBe(1);
    expect(unchanged).toBe(2);
    const lags = emf.flatMap((line) =>
      line.CompletionToArchiveSeconds === undefined ? [] : [line.CompletionToArchiveSeconds].flat(),
    );
    expect(lags).toHaveLength(1);
    // The room completed on 2024-06-12 in Seoul; it was archived now.
    const completedAt = Date.parse('2024-06-12T09:00:00+09:00');
    expect(Number(lags[0])).toBeGreaterThan((Date.now() - completedAt) / 1000 - 3600);
    expect(Number(lags[0])).toBeLessThanOrEqual((Date.now() - completedAt) / 1000);
  });

  it('never writes the token to its logs', async () => {
    stack.simulator.setFault('*', { kind: 'fail', code: -501, message: 'token' });
    await handler(
      sqsEvent([JSON.stringify(chatCompletedEvent({ room_id: SAMPLE_ROOM_IDS.open }))]),
      lambdaContext(),
    );

    expect(output.text()).not.toContain(TEST_TOKEN);
    expect(JSON.stringify(stack.sqs.messages)).not.toContain(TEST_TOKEN);
  });
});

describe('archive-events with rooms that are not final yet', () => {
  function withReceiveCount(event: ReturnType<typeof sqsEvent>, count: number) {
    for (const record of event.Records) record.attributes.ApproximateReceiveCount = String(count);
    return event;
  }

  it('retries an open room later, with a backoff, and writes nothing', async () => {
    const roomId = SAMPLE_ROOM_IDS.open;
    const event = sqsEvent([JSON.stringify(chatCompletedEvent({ room_id: roomId }))]);

    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect(stack.sqs.visibilityChanges).toHaveLength(1);
    expect(stack.sqs.visibilityChanges[0]?.visibilityTimeout).toBeGreaterThanOrEqual(15);
    expect(stack.sqs.visibilityChanges[0]?.visibilityTimeout).toBeLessThanOrEqual(30);
    expect(stack.sqs.visibilityChanges[0]?.receiptHandle).toBe(event.Records[0]?.receiptHandle);
    expect(await stack.listKeys('index/')).not.toContain(`index/rooms/${roomId}.json`);
    expect(deadLetters()).toEqual([]);
  });

  it.each([
    ['-2', 'waiting in the chatbot'],
    ['-1', 'talking with the chatbot'],
    ['3', 'deleted, not final unless configured'],
    ['7', 'in a status HappyTalk does not document'],
  ])('retries a room in status %s (%s) and writes nothing', async (status) => {
    const roomId = `notFinal${status.replace('-', 'Minus')}`;
    stack.simulator.addRoom(generateRoom({ roomId, messageCount: 2, status }));
    const event = sqsEvent([JSON.stringify(chatCompletedEvent({ room_id: roomId }))]);

    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect(await stack.listKeys('index/')).not.toContain(`index/rooms/${roomId}.json`);
    expect(output.text()).not.toContain('CompletionToArchiveSeconds');
  });

  it('backs off longer at each delivery', async () => {
    const body = JSON.stringify(chatCompletedEvent({ room_id: SAMPLE_ROOM_IDS.open }));

    await handler(withReceiveCount(sqsEvent([body]), 2), lambdaContext());

    expect(stack.sqs.visibilityChanges[0]?.visibilityTimeout).toBeGreaterThanOrEqual(30);
    expect(stack.sqs.visibilityChanges[0]?.visibilityTimeout).toBeLessThanOrEqual(60);
  });

  it('archives the room as it is, with a warning, at the last allowed delivery', async () => {
    const roomId = SAMPLE_ROOM_IDS.open;
    const event = withReceiveCount(sqsEvent([JSON.stringify(chatCompletedEvent({ room_id: roomId }))]), 3);

    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([]);
    const index = JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));
    const transcript = JSON.parse((await stack.getObject(index.transcript_key)).body.toString('utf8'));
    expect(transcript.chat.status.code).toBe('1');
    expect(transcript.warnings).toContainEqual({
      path: 'chat.status',
      value: '1',
      reason: 'room not final after 2 attempts: archived as it is',
    });
  });

  it('archives a completed room at the first delivery', async () => {
    const event = sqsEvent([JSON.stringify(chatCompletedEvent({ room_id: SAMPLE_ROOM_IDS.buttons }))]);
    stack.simulator.clearFaults();

    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([]);
    expect(stack.sqs.visibilityChanges).toEqual([]);
  });

  it('waits within a direct invocation, then archives the room as it is', async () => {
    const roomId = 'openRoomDirect';
    const { generateRoom } = await import('../../../dev/simulator/index.js');
    stack.simulator.addRoom(generateRoom({ roomId, messageCount: 2, status: '0' }));

    const result = await handler(chatCompletedEvent({ room_id: roomId }), lambdaContext());

    expect(result).toMatchObject({ room_id: roomId, status: 'archived' });
    expect(stack.simulator.requests.filter((request) => request.roomId === roomId)).toHaveLength(3);
  });
});
