import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { S3Fault } from '../../dev/aws/s3/index.js';
import { TEST_SECRET_ID, TEST_TOKEN } from '../support/stack.js';
import {
  checkHygiene,
  checkScenario,
  type FaultHarness,
  secretCacheExpiry,
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

beforeEach(async () => {
  harness.reset();
  await secretCacheExpiry();
});

describe('Secrets Manager faults', () => {
  const SUITE = 'Secrets Manager';
  const faults: Array<[string, () => void, number, string, string]> = [
    [
      'throttling',
      () => harness.stack.secrets.setFault('ThrottlingException'),
      503,
      'UPSTREAM_UNAVAILABLE',
      'retry',
    ],
    [
      'access denied',
      () => harness.stack.secrets.setFault('AccessDeniedException'),
      502,
      'UPSTREAM_CONFIGURATION',
      'DLQ SECRET_ACCESS',
    ],
    [
      'secret not found',
      () => harness.stack.secrets.setFault('ResourceNotFoundException'),
      502,
      'UPSTREAM_CONFIGURATION',
      'DLQ SECRET_ACCESS',
    ],
    [
      'an empty secret',
      () => harness.stack.secrets.setSecret(TEST_SECRET_ID, ''),
      502,
      'UPSTREAM_CONFIGURATION',
      'DLQ SECRET_MALFORMED',
    ],
    [
      'malformed JSON',
      () => harness.stack.secrets.setSecret(TEST_SECRET_ID, '{"token": '),
      502,
      'UPSTREAM_CONFIGURATION',
      'DLQ SECRET_MALFORMED',
    ],
  ];

  it.each(faults)(
    'answers %s on the HTTPS path without calling HappyTalk',
    async (name, inject, status, code) => {
      const roomId = harness.newRoom('smHttp');
      inject();

      await checkScenario(
        harness,
        SUITE,
        `HTTPS: ${name}`,
        `HTTP ${status} ${code}; 0 calls; nothing written`,
        async () => {
          const response = await harness.http('POST', roomId);
          const calls = harness.stack.simulator.requests.length;
          return `HTTP ${response.status} ${response.body.error?.code}; ${calls} calls; ${await writtenState(harness, roomId)}`;
        },
      );
    },
  );

  it.each(faults)('handles %s on the event path', async (name, inject, _status, _code, outcome) => {
    const roomId = harness.newRoom('smEvent');
    inject();

    await checkScenario(harness, SUITE, `events: ${name}`, `${outcome}; nothing written`, async () => {
      const failed = await harness.deliver([harness.eventBody(roomId)]);
      const letter = harness.deadLetters()[0];
      const result = failed.length ? 'retry' : `DLQ ${letter?.reason}`;
      return `${result}; ${await writtenState(harness, roomId)}`;
    });
  });

  it('never writes the token or the secret string anywhere', () => {
    checkHygiene(harness, 'dependencies', [TEST_TOKEN, JSON.stringify({ token: TEST_TOKEN })]);
  });
});

describe('S3 faults', () => {
  const SUITE = 'S3';
  const transient: Array<[string, S3Fault]> = [
    ['HTTP 500', { kind: 'status', status: 500, code: 'InternalError' }],
    ['503 SlowDown', { kind: 'status', status: 503, code: 'SlowDown' }],
    ['a connection reset mid-upload', { kind: 'reset' }],
  ];

  it.each(transient)('recovers from %s once on an upload (SDK retry)', async (name, fault) => {
    const roomId = harness.newRoom('s3Once');
    harness.front.addFault({ method: 'PUT', keyPrefix: 'transcripts/', fault, times: 1 });

    await checkScenario(harness, SUITE, `${name}, once`, 'HTTP 200 archived; archived once', async () => {
      const { status, body } = await harness.http('POST', roomId);
      return `HTTP ${status} ${String(body.status)}; ${await writtenState(harness, roomId)}`;
    });
  });

  it.each(transient)(
    'answers 503 when %s persists, and the redelivery completes the room',
    async (name, fault) => {
      const roomId = harness.newRoom('s3Down');
      harness.front.addFault({ method: 'PUT', keyPrefix: 'transcripts/', fault });

      await checkScenario(
        harness,
        SUITE,
        `${name}, persistent`,
        'HTTP 503 STORAGE_UNAVAILABLE; retry; then archived once',
        async () => {
          const { status, body } = await harness.http('POST', roomId);
          const failed = await harness.deliver([harness.eventBody(roomId)]);
          harness.front.reset();
          const healed = await harness.deliver([harness.eventBody(roomId)], 2);
          const state = healed.length ? 'retry again' : await writtenState(harness, roomId);
          return `HTTP ${status} ${body.error?.code}; ${failed.length ? 'retry' : 'done'}; then ${state}`;
        },
      );
      expect(await harness.partialArchives()).toEqual([]);
    },
  );

  it('dead-letters an access denial with its reason (a configuration error)', async () => {
    const roomId = harness.newRoom('s3Denied');
    harness.front.addFault({
      method: '*',
      keyPrefix: '',
      fault: { kind: 'status', status: 403, code: 'AccessDenied' },
    });

    await checkScenario(
      harness,
      SUITE,
      'access denied',
      'HTTP 500 INTERNAL; DLQ STORAGE_ACCESS; nothing written',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        await harness.deliver([harness.eventBody(roomId)]);
        harness.front.reset();
        const letter = harness.deadLetters()[0];
        return `HTTP ${status} ${body.error?.code}; DLQ ${letter?.reason}; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it.each([
    ['a 412 race', 412],
    ['a 409 race', 409],
  ] as const)('re-reads after %s on the first write and archives once', async (name, status) => {
    const roomId = harness.newRoom('s3Race');
    harness.front.addFault({ method: 'PUT', keyPrefix: 'raw/', fault: { kind: 'race', status }, times: 1 });

    await checkScenario(harness, SUITE, name, 'HTTP 200 archived; archived once', async () => {
      const response = await harness.http('POST', roomId);
      return `HTTP ${response.status} ${String(response.body.status)}; ${await writtenState(harness, roomId)}`;
    });
  });

  it('leaves no partial archive behind', async () => {
    expect(await harness.partialArchives()).toEqual([]);
  });
});
