import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateHistory, generateRoom, makeRoomId, type SimRoom } from '../../../dev/simulator/index.js';
import { createReconcileHandler, reconcileRuntime } from '../../../functions/handlers/reconcile.js';
import { archiveRoom } from '../../../lib/archive/archive-room.js';
import { S3ArchiveStore } from '../../../lib/archive/store.js';
import { createSecretsManagerClient } from '../../../lib/aws.js';
import { createSqsClient } from '../../../lib/aws-sqs.js';
import { StaticCredentialsProvider } from '../../../lib/credentials/provider.js';
import { HappyTalkClient } from '../../../lib/happytalk/client.js';
import type { Logger } from '../../../lib/logger.js';
import { createReconciler, readReconcileConfig } from '../../../lib/reconcile/service.js';
import { addDays, localDay } from '../../../lib/shared/calendar.js';
import { captureOutput, lambdaContext } from '../../support/lambda.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';

// A history around a fixed "now": 2024-06-12 12:00 in Seoul. The window (2 days) is June 11 and 12.
const NOW = new Date('2024-06-12T03:00:00Z');
const HISTORY = generateHistory({
  from: '2024-06-10',
  days: 3,
  roomsPerDay: 12,
  seed: 11,
  messageCount: [2, 4],
});
// Registered yesterday, for the deployed handler, which reconciles around the real time.
const YESTERDAY = addDays(localDay(new Date(), 'Asia/Seoul'), -1);
const RECENT = [0, 1, 2].map((index) =>
  generateRoom({
    roomId: makeRoomId(`recent-${index}`),
    messageCount: 3,
    regDate: `${YESTERDAY} 10:0${index}:00`,
  }),
);

let stack: TestStack;
let queueUrl: string;
/** The reconcile function's environment against the stack. */
let env: Record<string, string>;

function id(room: SimRoom): string {
  return String(room.chat.id);
}

function day(room: SimRoom): string {
  return String(room.chat.reg_date).slice(0, 10);
}

function queued(): string[] {
  return stack.sqs.messages
    .filter((message) => message.queueUrl === queueUrl)
    .map((message) => (JSON.parse(message.body) as { detail: { room_id: string } }).detail.room_id)
    .sort();
}

async function archive(rooms: readonly SimRoom[]): Promise<void> {
  const deps = {
    source: new HappyTalkClient({
      credentials: new StaticCredentialsProvider({ token: TEST_TOKEN }),
      baseUrl: stack.simulator.url,
    }),
    store: new S3ArchiveStore({ client: stack.s3Client, bucket: stack.env.ARCHIVE_BUCKET ?? '' }),
    timeZone: 'Asia/Seoul',
    now: () => NOW,
  };
  for (let start = 0; start < rooms.length; start += 8) {
    await Promise.all(rooms.slice(start, start + 8).map((room) => archiveRoom(id(room), deps)));
  }
}

beforeAll(async () => {
  stack = await startTestStack({ simulator: { rooms: [...HISTORY, ...RECENT] } });
  queueUrl = stack.sqs.queueUrl('archive-queue');
  env = { ...stack.env, ARCHIVE_QUEUE_URL: queueUrl, RECONCILE_GRACE_MINUTES: '0' };
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.sqs.messages.length = 0;
  stack.simulator.resetRequests();
});

describe('reconciliation', () => {
  it('finds exactly the rooms deliberately left unarchived or archived before they completed', async () => {
    // Prepare: archive every finished room (completed or ended in the chatbot) but a few, and one while open
    const completed = HISTORY.filter((room) => room.chat.status === '2' || room.chat.status === '4');
    const inWindow = completed.filter(
      (room) => day(room) >= '2024-06-11' && String(room.chat.complate_date) < '2024-06-12 11:30:00',
    );
    const leftOut = [inWindow[0], inWindow[5], inWindow[9], inWindow.at(-1)].filter(
      (room) => room !== undefined,
    );
    const outsideWindow = completed.filter((room) => day(room) === '2024-06-10').slice(0, 3);
    const reopened = inWindow[3] as SimRoom;
    await archive(
      completed.filter(
        (room) => !leftOut.includes(room) && !outsideWindow.includes(room) && room !== reopened,
      ),
    );
    stack.simulator.addRoom({
      ...reopened,
      chat: { ...reopened.chat, status: '1', complate_date: '0000-00-00 00:00:00' },
    });
    await archive([reopened]);
    stack.simulator.addRoom(reopened);
    const decisions: Record<string, unknown>[] = [];
    const logger: Logger = {
      debug: () => {},
      info: (message, ...extra) => {
        if (message === 'reconcile decision') decisions.push(Object.assign({}, ...extra));
      },
      warn: () => {},
      error: () => {},
    };
    const reconciler = createReconciler(
      { ...readReconcileConfig(env), graceMinutes: 30 },
      {
        s3: stack.s3Client,
        secretsManager: createSecretsManagerClient(stack.env),
        sqs: createSqsClient(stack.env),
        logger,
        now: () => NOW,
      },
    );

    // Act
    const report = await reconciler.run();

    // Assess
    const expectedGaps = [...leftOut, reopened].map(id).sort();
    const listedInWindow = HISTORY.filter((room) => day(room) >= '2024-06-11');
    expect(queued()).toEqual(expectedGaps);
    const tooRecent = completed.filter(
      (room) => day(room) === '2024-06-12' && String(room.chat.complate_date) >= '2024-06-12 11:30:00',
    );
    expect(report).toMatchObject({
      from: '2024-06-11',
      to: '2024-06-12',
      listed: listedInWindow.length,
      not_final: listedInWindow.filter((room) => !completed.includes(room)).length,
      gaps: expectedGaps.length,
      gaps_by_reason: { 'not-archived': leftOut.length, 'archived-before-completion': 1 },
      too_recent: tooRecent.length,
      enqueued: expectedGaps.length,
      enqueue_failures: [],
      failed_windows: [],
    });
    expect(tooRecent.length).toBeGreaterThan(0);
    expect(
      completed.filter((room) => room.chat.status === '4' && day(room) >= '2024-06-11').length,
    ).toBeGreaterThan(0);
    // Every finished room's decision is logged, open rooms only counted.
    expect(decisions).toHaveLength(report.listed - report.not_final);
    expect(decisions.map((entry) => entry.decision)).not.toContain('not-final');
    expect(decisions.find((entry) => entry.room_id === id(reopened))).toMatchObject({
      decision: 'archived-before-completion',
      gap: true,
    });
    // Every status is listed: the room list cannot filter on 4.
    expect(stack.simulator.roomListRequests.every((request) => request.status === 99)).toBe(true);
  });
});

describe('the reconcile function', () => {
  it('queues the gaps of the trailing window and records them as GapsFound', async () => {
    // Prepare
    const output = captureOutput();
    let report: unknown;
    try {
      const handler = createReconcileHandler(reconcileRuntime(env));
      await archive(RECENT.slice(0, 1));
      stack.sqs.messages.length = 0;

      // Act
      report = await handler(
        { source: 'aws.events', 'detail-type': 'Scheduled Event' },
        lambdaContext('reconcile'),
      );
    } finally {
      output.restore();
    }

    // Assess
    expect(queued()).toEqual(RECENT.slice(1).map(id).sort());
    expect(report).toMatchObject({ gaps: 2, enqueued: 2 });
    const emf = output
      .text()
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toContainEqual(expect.objectContaining({ GapsFound: 2, service: 'happytalk-archive' }));
  });
});
