import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import type { SimulatorFault } from '../../dev/simulator/index.js';
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

const SUITE = 'HappyTalk';

const transientFaults: Array<[string, SimulatorFault]> = [
  ['a timeout (no answer)', { kind: 'delay', ms: 2_000 }],
  ['HTTP 500', { kind: 'status', status: 500 }],
  ['HTTP 502', { kind: 'status', status: 502 }],
  ['HTTP 503', { kind: 'status', status: 503 }],
  ['HTTP 429', { kind: 'status', status: 429 }],
  ['a connection reset', { kind: 'reset' }],
  ['a truncated body', { kind: 'truncate' }],
  ['an HTML error page', { kind: 'html' }],
  ['a body that is not JSON', { kind: 'not-json' }],
  ['JSON of the wrong shape', { kind: 'wrong-shape' }],
];

const permanentFaults: Array<[string, SimulatorFault, number, string]> = [
  ['-501 token', { kind: 'fail', code: -501, message: 'token' }, 502, 'UPSTREAM_AUTH'],
  ['-501 uuid', { kind: 'fail', code: -501, message: 'uuid' }, 502, 'UPSTREAM_AUTH'],
  ['-502 unAuthorized', { kind: 'fail', code: -502, message: 'unAuthorized' }, 502, 'UPSTREAM_AUTH'],
  ['-503 users', { kind: 'fail', code: -503, message: 'users' }, 404, 'ROOM_NOT_FOUND'],
  ['-503 room', { kind: 'fail', code: -503, message: 'room' }, 404, 'ROOM_NOT_FOUND'],
  ['-504 overDate', { kind: 'fail', code: -504, message: 'overDate' }, 422, 'OUT_OF_QUERY_WINDOW'],
  ['an empty data', { kind: 'empty-data' }, 404, 'ROOM_NOT_FOUND'],
  ['data for another room', { kind: 'other-room' }, 404, 'ROOM_NOT_FOUND'],
];

describe('HappyTalk faults on the HTTPS path', () => {
  it.each(transientFaults)('retries %s once, then archives', async (name, fault) => {
    const roomId = harness.newRoom('htOnce');
    harness.stack.simulator.setFault(roomId, { ...fault, times: 1 });

    await checkScenario(
      harness,
      SUITE,
      `HTTPS: ${name}, once`,
      'HTTP 200 archived; 2 calls; archived once',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        const calls = harness.stack.simulator.requests.filter((request) => request.roomId === roomId).length;
        return `HTTP ${status} ${String(body.status)}; ${calls} calls; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it.each(transientFaults)('answers 503 when %s persists, writing nothing', async (name, fault) => {
    const roomId = harness.newRoom('htDown');
    harness.stack.simulator.setFault(roomId, fault);

    await checkScenario(
      harness,
      SUITE,
      `HTTPS: ${name}, persistent`,
      'HTTP 503 UPSTREAM_UNAVAILABLE; 3 calls; nothing written',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        const calls = harness.stack.simulator.requests.filter((request) => request.roomId === roomId).length;
        return `HTTP ${status} ${body.error?.code}; ${calls} calls; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it.each(permanentFaults)(
    'answers %s with its status, without retrying',
    async (name, fault, status, code) => {
      const roomId = harness.newRoom('htPerm');
      harness.stack.simulator.setFault(roomId, fault);
      const publicCode = code === 'UPSTREAM_AUTH' ? 'UPSTREAM_CONFIGURATION' : code;

      await checkScenario(
        harness,
        SUITE,
        `HTTPS: ${name}`,
        `HTTP ${status} ${publicCode}; 1 call; nothing written`,
        async () => {
          const response = await harness.http('POST', roomId);
          const calls = harness.stack.simulator.requests.filter(
            (request) => request.roomId === roomId,
          ).length;
          return `HTTP ${response.status} ${response.body.error?.code}; ${calls} call; ${await writtenState(harness, roomId)}`;
        },
      );
    },
  );

  it('archives a transcript of 50,000 messages', async () => {
    const roomId = harness.newRoom('htBig', 50_000);

    await checkScenario(
      harness,
      SUITE,
      'HTTPS: 50,000 messages',
      'HTTP 200 archived 50000; archived once',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        return `HTTP ${status} ${String(body.status)} ${String(body.message_count)}; ${await writtenState(harness, roomId)}`;
      },
    );
  });
});

describe('HappyTalk faults on the event path', () => {
  it.each(transientFaults)('leaves the event to the queue when %s persists', async (name, fault) => {
    const roomId = harness.newRoom('evDown');
    harness.stack.simulator.setFault(roomId, fault);

    await checkScenario(
      harness,
      SUITE,
      `events: ${name}, persistent`,
      'retry; no DLQ; nothing written',
      async () => {
        const failed = await harness.deliver([harness.eventBody(roomId)]);
        const letters = harness.deadLetters().length;
        return `${failed.length === 1 ? 'retry' : 'done'}; ${letters ? 'DLQ' : 'no DLQ'}; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it('archives at the redelivery once the fault is gone', async () => {
    const roomId = harness.newRoom('evHeal');
    harness.stack.simulator.setFault(roomId, { kind: 'status', status: 503, times: 3 });

    await checkScenario(
      harness,
      SUITE,
      'events: 503 until the redelivery',
      'retry, then archived once',
      async () => {
        const first = await harness.deliver([harness.eventBody(roomId)]);
        const second = await harness.deliver([harness.eventBody(roomId)], 2);
        return `${first.length ? 'retry' : 'done'}, then ${second.length ? 'retry' : await writtenState(harness, roomId)}`;
      },
    );
  });

  it.each(permanentFaults)('dead-letters %s with its reason', async (name, fault, _status, code) => {
    const roomId = harness.newRoom('evPerm');
    harness.stack.simulator.setFault(roomId, fault);

    await checkScenario(harness, SUITE, `events: ${name}`, `done; DLQ ${code}; nothing written`, async () => {
      const failed = await harness.deliver([harness.eventBody(roomId)]);
      const letter = harness.deadLetters().find((candidate) => candidate.room_id === roomId);
      return `${failed.length ? 'retry' : 'done'}; DLQ ${letter?.reason}; ${await writtenState(harness, roomId)}`;
    });
  });

  it('never writes the token or the secret string anywhere', () => {
    checkHygiene(harness, 'happytalk', [TEST_TOKEN, JSON.stringify({ token: TEST_TOKEN })]);
  });
});
