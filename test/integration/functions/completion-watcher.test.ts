import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOM_LIST_FAULT_KEY } from '../../../dev/simulator/index.js';
import {
  completionWatcherRuntime,
  createCompletionWatcherHandler,
} from '../../../functions/handlers/completion-watcher.js';
import { WATCHER_STATE_KEY } from '../../../lib/watch/state.js';
import type { WatchPassReport } from '../../../lib/watch/watcher.js';
import { captureOutput, lambdaContext } from '../../support/lambda.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

type Handler = (event: unknown, context: Context) => Promise<WatchPassReport>;

const MINUTE = 60_000;
const STARTED = Date.now();

let stack: TestStack;
let handler: Handler;
let output: ReturnType<typeof captureOutput>;

function ago(minutes: number): Date {
  return new Date(STARTED - minutes * MINUTE);
}

beforeAll(async () => {
  stack = await startTestStack({
    simulator: {
      // No sample rooms: some are registered within the last days, and would be seen by the listing.
      rooms: [],
      liveRooms: [
        { roomId: 'finishedInTheChatbot', registeredAt: ago(30), finishesAt: ago(2), finalStatus: '4' },
        { roomId: 'finishedLongAgo', registeredAt: ago(300), finishesAt: ago(240) },
        { roomId: 'stillTalking', registeredAt: ago(20), openStatus: '-1' },
      ],
    },
  });
  handler = createCompletionWatcherHandler(
    completionWatcherRuntime({ ...stack.env, WATCH_INTERVAL_SECONDS: '300', HAPPYTALK_MAX_ATTEMPTS: '1' }),
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

function queued(): { room_id: string; source: string }[] {
  return stack.sqs.messages
    .filter((message) => message.queueUrl === stack.env.ARCHIVE_QUEUE_URL)
    .map((message) => {
      const event = JSON.parse(message.body) as { source: string; detail: { room_id: string } };
      return { room_id: event.detail.room_id, source: event.source };
    });
}

function metrics(): Record<string, unknown>[] {
  return output
    .text()
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function watermark(): Promise<string> {
  return (
    JSON.parse((await stack.getObject(WATCHER_STATE_KEY)).body.toString('utf8')) as { watermark: string }
  ).watermark;
}

describe('completion-watcher', () => {
  it('starts one interval before its first run, queues the room finished since, and records its metrics', async () => {
    // Act
    const report = await handler({}, lambdaContext('completion-watcher'));

    // Assess
    expect(queued()).toEqual([
      { room_id: 'finishedInTheChatbot', source: 'happytalk-archive.completion-watcher' },
    ]);
    expect(Date.parse(report.watermark_before ?? '')).toBeGreaterThanOrEqual(STARTED - 5 * MINUTE - 1000);
    expect(Date.parse(report.watermark_before ?? '')).toBeLessThan(STARTED);
    expect(report).toMatchObject({ mode: 'queue', advanced: true, finished: 1, enqueued: 1, failures: [] });
    expect(await watermark()).toBe(report.watermark);
    const [emf] = metrics();
    expect(emf).toMatchObject({ RoomsSeen: 3, RoomsEnqueued: 1, service: 'happytalk-archive' });
    expect(emf?.WatcherLagSeconds).toBeGreaterThanOrEqual(0);
    expect(emf?.WatcherLagSeconds).toBeLessThan(60);
  });

  it('queues a room finished through the control API on the next run', async () => {
    // Prepare
    const completed = await fetch(`${stack.simulator.url}/__simulator/rooms/stillTalking/complete`, {
      method: 'POST',
    });

    // Act
    const report = await handler({}, lambdaContext('completion-watcher'));

    // Assess
    expect(completed.status).toBe(200);
    expect(queued().map((entry) => entry.room_id)).toContain('stillTalking');
    expect(report.advanced).toBe(true);
  });

  it('keeps the watermark when HappyTalk fails, without failing the invocation, and reports the growing lag', async () => {
    // Prepare
    const before = await watermark();
    stack.simulator.setFault(ROOM_LIST_FAULT_KEY, { kind: 'status', status: 503 });

    // Act
    const report = await handler({}, lambdaContext('completion-watcher'));

    // Assess
    expect(report).toMatchObject({
      advanced: false,
      watermark: before,
      aborted: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(await watermark()).toBe(before);
    expect(queued()).toEqual([]);
    expect(metrics()[0]).toMatchObject({ RoomsSeen: 0, RoomsEnqueued: 0 });
    expect(Number(metrics()[0]?.WatcherLagSeconds)).toBeGreaterThan(0);
  });
});
