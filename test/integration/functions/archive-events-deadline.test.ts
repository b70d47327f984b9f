import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateHistory } from '../../../dev/simulator/index.js';
import { simRoomId } from '../../../dev/simulator/room-records.js';
import {
  archiveEventsRuntime,
  createArchiveEventsHandler,
} from '../../../functions/handlers/archive-events.js';
import { functionEnvironment } from '../../../lib/contract/function-environments.js';
import { roomDeadlineFor, roomDeadlineVariables, roomWorstCaseMs } from '../../../lib/happytalk/deadline.js';
import { captureOutput, chatCompletedEvent } from '../../support/lambda.js';
import { driveEventSource } from '../../support/sqs-event-source.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** A function timeout scaled down from the deployed 60 s, with the deadline derived from it as the stack does. */
const TIMEOUT_MS = 3_000;
const DEADLINE = roomDeadlineFor(TIMEOUT_MS, { attachmentShare: 1 / 4, attachmentMaxMs: 15_000 });
/** Longer than a request may take: every attempt at a slow room times out. */
const SLOW_MS = DEADLINE.requestTimeoutMs + 500;

/** Completed rooms, a day of them for each case below. */
const DAYS = ['2024-03-01', '2024-04-01'].map((from) =>
  generateHistory({ from, days: 1, roomsPerDay: 8, statusMix: { '2': 1 } }),
);
const idsOf = (rooms: (typeof DAYS)[number]) => rooms.map((room) => simRoomId(room));

let stack: TestStack;
let handler: Handler;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  stack = await startTestStack({ simulator: { rooms: DAYS.flat() } });
  const { HAPPYTALK_MAX_ATTEMPTS: _attempts, ...env } = stack.env;
  handler = createArchiveEventsHandler(
    archiveEventsRuntime({
      ...env,
      ...functionEnvironment('archive-events', roomDeadlineVariables(DEADLINE)),
    }),
  );
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.clearFaults();
  stack.sqs.messages.length = 0;
  output = captureOutput();
  return () => output.restore();
});

/** Three of the rooms answer slower than a request may wait, twice each: their first deliveries fail. */
function slowUpstream(roomIds: readonly string[]): string[] {
  const slow = roomIds.slice(0, 3);
  for (const roomId of slow) stack.simulator.setFault(roomId, { kind: 'delay', ms: SLOW_MS, times: 2 });
  return slow;
}

const bodies = (roomIds: readonly string[]) =>
  roomIds.map((roomId) => JSON.stringify(chatCompletedEvent({ room_id: roomId })));

describe('archive-events against a slow HappyTalk', () => {
  it('derives a room deadline that fits the function timeout', () => {
    // Assess
    for (const day of DAYS) expect(day.length).toBeGreaterThanOrEqual(6);
    expect(roomWorstCaseMs(DEADLINE)).toBeLessThanOrEqual(TIMEOUT_MS);
    expect(DEADLINE).toEqual({
      requestTimeoutMs: 1_000,
      maxBackoffMs: 250,
      retryBudgetMs: 750,
      attachmentBudgetMs: 750,
      storageMarginMs: 250,
    });
  });

  it('never runs past its timeout and archives every healthy room at its first delivery, one record per invocation as deployed', async () => {
    // Prepare
    const roomIds = idsOf(DAYS[0] ?? []);
    const slow = slowUpstream(roomIds);

    // Act
    const { invocations, messages } = await driveEventSource(bodies(roomIds), handler, {
      batchSize: 1,
      timeoutMs: TIMEOUT_MS,
      maxReceiveCount: 5,
      visibilityMs: 50,
      concurrency: 2,
      maxRunMs: 60_000,
    });

    // Assess
    expect(invocations.filter((invocation) => invocation.timedOut)).toEqual([]);
    expect(Math.max(...invocations.map((invocation) => invocation.durationMs))).toBeLessThan(TIMEOUT_MS);
    expect(messages.map((message) => message.fate)).toEqual(messages.map(() => 'deleted'));
    expect(stack.sqs.messages.filter((message) => message.queueUrl === stack.dlqUrl)).toEqual([]);
    expect(await stack.listKeys('index/')).toEqual(
      expect.arrayContaining(roomIds.map((roomId) => `index/rooms/${roomId}.json`)),
    );
    const receivesOf = (roomId: string) =>
      messages.find((message) => message.body.includes(roomId))?.receives ?? Number.NaN;
    // A slow room fails on its own deliveries only (its two slow answers), never on a neighbour's.
    for (const roomId of slow) expect(receivesOf(roomId)).toBe(3);
    for (const roomId of roomIds.filter((id) => !slow.includes(id))) expect(receivesOf(roomId)).toBe(1);
  });

  it('hands the rest of a batch back before its timeout when the batch is larger than the timeout holds', async () => {
    // Prepare: ten worst cases in one timeout, which the stack refuses to deploy (batchSize × room worst case)
    const roomIds = idsOf(DAYS[1] ?? []);
    slowUpstream(roomIds);

    // Act
    const { invocations } = await driveEventSource(bodies(roomIds), handler, {
      batchSize: 10,
      timeoutMs: TIMEOUT_MS,
      maxReceiveCount: 5,
      visibilityMs: 50,
      concurrency: 1,
      maxRunMs: 30_000,
    });

    // Assess: no timeout ever took a whole batch back; every invocation finished its first record
    expect(invocations.filter((invocation) => invocation.timedOut)).toEqual([]);
    expect(Math.max(...invocations.map((invocation) => invocation.durationMs))).toBeLessThan(TIMEOUT_MS);
    expect(
      invocations.some((invocation) => invocation.failed.length === invocation.messageIds.length - 1),
    ).toBe(true);
    expect(output.text()).toContain('not enough time left for another room');
  });
});
