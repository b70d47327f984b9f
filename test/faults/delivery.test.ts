import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { generateRoom } from '../../dev/simulator/index.js';
import { TEST_TOKEN } from '../support/stack.js';
import {
  checkHygiene,
  checkScenario,
  type FaultHarness,
  startFaultHarness,
  writtenState,
} from './harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startFaultHarness();
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(() => {
  harness.reset();
});

const SUITE = 'delivery';

function versionsOf(roomId: string): number {
  return harness.front.versions.filter((version) => version.key.endsWith(`/${roomId}.json`)).length;
}

describe('duplicate and concurrent deliveries', () => {
  it('archives an event delivered 3 times exactly once', async () => {
    const roomId = harness.newRoom('dup');
    const body = harness.eventBody(roomId);

    await checkScenario(
      harness,
      SUITE,
      'one event delivered 3 times',
      '0 retries; 4 versions; archived once',
      async () => {
        const failed = [
          ...(await harness.deliver([body])),
          ...(await harness.deliver([body])),
          ...(await harness.deliver([body])),
        ];
        return `${failed.length} retries; ${versionsOf(roomId)} versions; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it('archives 10 concurrent deliveries of one room exactly once', async () => {
    const roomId = harness.newRoom('burst');
    const body = harness.eventBody(roomId);

    await checkScenario(
      harness,
      SUITE,
      '10 concurrent deliveries of one room',
      '0 retries; 4 versions; archived once',
      async () => {
        const results = await Promise.all(Array.from({ length: 10 }, () => harness.deliver([body])));
        const retries = results.flat().length;
        return `${retries} retries; ${versionsOf(roomId)} versions; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it('keeps one version per distinct content when a room changes, and the index points at the newest', async () => {
    const roomId = harness.newRoom('grow', 3);
    await harness.http('POST', roomId);
    harness.stack.simulator.addRoom(
      generateRoom({ roomId, messageCount: 6, regDate: '2025-03-01 10:00:00' }),
    );

    await checkScenario(
      harness,
      SUITE,
      'a changed room delivered 6 times concurrently (HTTPS and events)',
      '6 succeeded, 1 wrote; 8 versions; index at 6 messages',
      async () => {
        const before = harness.front.versions.length;
        const outcomes = await Promise.all([
          ...Array.from({ length: 3 }, () => harness.http('POST', roomId).then((r) => String(r.body.status))),
          ...Array.from({ length: 3 }, () =>
            harness.deliver([harness.eventBody(roomId)]).then((failed) => (failed.length ? 'retry' : 'done')),
          ),
        ]);
        const succeeded = outcomes.filter((outcome) =>
          ['updated', 'unchanged', 'done'].includes(outcome),
        ).length;
        // Each archive of a content writes four objects: raw bytes, transcript, redacted copy, index.
        const writers = (harness.front.versions.length - before) / 4;
        const index = JSON.parse(
          (await harness.stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'),
        ) as { message_count: number };
        return `${succeeded} succeeded, ${writers} wrote; ${versionsOf(roomId)} versions; index at ${index.message_count} messages`;
      },
    );
  });

  it('retries only the transient failures of a mixed SQS batch and dead-letters the permanent ones', async () => {
    const good = harness.newRoom('mixGood');
    const flaky = harness.newRoom('mixFlaky');
    harness.stack.simulator.setFault(flaky, { kind: 'status', status: 503 });

    await checkScenario(
      harness,
      SUITE,
      'an SQS batch of good, transient and permanent failures',
      'retried [1]; DLQ ROOM_NOT_FOUND,MALFORMED_EVENT; good archived once',
      async () => {
        const failed = await harness.deliver([
          harness.eventBody(good),
          harness.eventBody(flaky),
          harness.eventBody('noSuchRoomAnywhere'),
          '{"detail": 42}',
        ]);
        const reasons = harness.deadLetters().map((letter) => letter.reason);
        return `retried [${failed.join(',')}]; DLQ ${reasons.join(',')}; good ${await writtenState(harness, good)}`;
      },
    );
  });

  it('never writes the token or the secret string anywhere', () => {
    checkHygiene(harness, 'delivery', [TEST_TOKEN, JSON.stringify({ token: TEST_TOKEN })]);
  });
});
