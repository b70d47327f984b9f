import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { S3Fault } from '../../dev/aws/s3/index.js';
import { generateRoom } from '../../dev/simulator/index.js';
import { LOCAL_REDACTION_KEY, LOCAL_REDACTION_KEY_SECRET_ID } from '../../dev/stand-ins.js';
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

describe('the pseudonym key unreadable', () => {
  const SUITE = 'Secrets Manager (pseudonym key)';
  const faults: Array<[string, () => void, string]> = [
    ['its secret missing', () => harness.stack.secrets.deleteSecret(LOCAL_REDACTION_KEY_SECRET_ID), 'ACCESS'],
    ['its secret empty', () => harness.stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, ''), 'INVALID'],
    [
      'a key shorter than 32 bytes',
      () => harness.stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, '{"key":"short"}'),
      'INVALID',
    ],
    [
      'malformed JSON',
      () => harness.stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, '{"key": '),
      'INVALID',
    ],
  ];

  afterAll(() => {
    // The environments that follow read the key again.
    harness.reset();
    harness.restartFunctions();
  });

  it.each(faults)(
    'archives the transcript over HTTPS with %s, its copy pending in the index, never without the key',
    async (name, inject, reason) => {
      const roomId = harness.newRoom('keyHttp');
      inject();
      harness.restartFunctions();

      await checkScenario(
        harness,
        SUITE,
        `HTTPS: ${name}`,
        `HTTP 200 archived, REDACTION_KEY_${reason}; archived once, redacted copy pending`,
        async () => {
          const response = await harness.http('POST', roomId);
          return `HTTP ${response.status} ${response.body.status}, ${response.body.redaction_pending}; ${await writtenState(harness, roomId)}`;
        },
      );
    },
  );

  it.each(faults)(
    'archives the transcript from an event with %s, neither retried nor dead-lettered',
    async (name, inject, reason) => {
      const roomId = harness.newRoom('keyEvent');
      inject();
      harness.restartFunctions();

      await checkScenario(
        harness,
        SUITE,
        `events: ${name}`,
        `done, 0 dead letters, 1 RedactionPending, REDACTION_KEY_${reason}; archived once, redacted copy pending`,
        async () => {
          const before = (harness.transcriptOfOutput().match(/"RedactionPending":1/g) ?? []).length;
          const failed = await harness.deliver([harness.eventBody(roomId)]);
          const counted = (harness.transcriptOfOutput().match(/"RedactionPending":1/g) ?? []).length - before;
          const index = JSON.parse(
            (await harness.stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'),
          ) as { redaction_pending?: string };
          return `${failed.length ? 'retry' : 'done'}, ${harness.deadLetters().length} dead letters, ${counted} RedactionPending, ${index.redaction_pending}; ${await writtenState(harness, roomId)}`;
        },
      );
    },
  );

  it('completes the copy at the next archive once the key can be read', async () => {
    const roomId = harness.newRoom('keyBack');
    harness.stack.secrets.deleteSecret(LOCAL_REDACTION_KEY_SECRET_ID);
    harness.restartFunctions();
    await harness.http('POST', roomId);
    harness.reset();

    await checkScenario(
      harness,
      SUITE,
      'the key readable again',
      'HTTP 200 updated; archived once',
      async () => {
        const response = await harness.http('POST', roomId);
        return `HTTP ${response.status} ${response.body.status}; ${await writtenState(harness, roomId)}`;
      },
    );
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

describe('what the redacted copy never leaks', () => {
  /** Values a customer types into a room: in its raw bytes and transcript only. */
  const FOUND = ['010-2345-6789', 'leak.check@naver.com', '900101-1234568'];

  it('writes no pseudonym key and no value it finds to logs, metrics, responses, dead letters or object metadata', async () => {
    // Prepare: a room whose customer types personal data, archived over HTTPS and from an event.
    const roomId = harness.newRoom('foundValues');
    const room = generateRoom({ roomId, messageCount: 4, regDate: '2025-03-01 10:00:00' });
    for (const message of room.message) message.contents = `제 번호는 ${FOUND.join(' 그리고 ')} 입니다`;
    harness.stack.simulator.addRoom(room);
    const eventRoom = harness.newRoom('foundValuesEvent');
    harness.stack.simulator.addRoom({ ...room, chat: { ...room.chat, id: eventRoom } });

    // Act
    await harness.http('POST', roomId);
    await harness.deliver([harness.eventBody(eventRoom)]);
    const stored = await harness.stack.storedVersions();

    // Assess
    const key = [LOCAL_REDACTION_KEY, JSON.stringify({ key: LOCAL_REDACTION_KEY })];
    checkHygiene(harness, 'pseudonym key and found values', [...key, ...FOUND]);
    const copies = stored.filter((version) => version.key.startsWith('redacted/'));
    expect(copies.map((version) => version.key)).toEqual(
      expect.arrayContaining([expect.stringContaining(roomId), expect.stringContaining(eventRoom)]),
    );
    const leaking = stored.filter(
      (version) =>
        [...key, ...FOUND].some((value) => JSON.stringify(version.metadata).includes(value)) ||
        key.some((value) => version.body.includes(value)) ||
        (version.key.startsWith('redacted/') && FOUND.some((value) => version.body.includes(value))),
    );
    expect(leaking.map((version) => version.key)).toEqual([]);
    // The transcript keeps them: it is the compliance copy.
    expect(
      stored.some(
        (version) => version.key.startsWith('transcripts/') && version.body.includes(FOUND[0] ?? ''),
      ),
    ).toBe(true);
  });
});
