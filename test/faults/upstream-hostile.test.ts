import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateRoom } from '../../dev/simulator/index.js';
import { TEST_SECRET_ID, TEST_TOKEN } from '../support/stack.js';
import {
  checkHygiene,
  checkScenario,
  type FaultHarness,
  recordRow,
  secretCacheExpiry,
  startFaultHarness,
  writtenState,
} from './harness.js';

const SUITE = 'hostile upstream';
const CLIENT_SECRET = 'cs-Echo-Secret-7731';
/** A personal value an echoing upstream sends back: it must appear nowhere. */
const PERSONAL = 'PII-홍길동-010-5555-0199';

let harness: FaultHarness;
let listener: Server;
let listenerConnections = 0;
let listenerUrl = '';

beforeAll(async () => {
  harness = await startFaultHarness();
  listener = createServer((socket) => {
    listenerConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  listenerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/collect?room=x`;
});

afterAll(async () => {
  await new Promise((resolve) => listener?.close(resolve));
  await harness?.close();
});

beforeEach(async () => {
  harness.reset();
  listenerConnections = 0;
  // Client credentials beside the token, so that an echo would carry the client secret too.
  harness.stack.secrets.setSecret(
    TEST_SECRET_ID,
    JSON.stringify({ token: TEST_TOKEN, client_id: 'cid-echo', client_secret: CLIENT_SECRET }),
  );
  await secretCacheExpiry();
});

function calls(roomId: string): number {
  return harness.stack.simulator.requests.filter((request) => request.roomId === roomId).length;
}

/** A completed room's answer with a value nested `levels` deep in its first message, as text. */
function nestedAnswer(roomId: string, levels: number): string {
  const room = generateRoom({ roomId, messageCount: 3, regDate: '2025-03-01 10:00:00' });
  const text = JSON.stringify({ result: 'success', data: [room] });
  return text.replace('"message":[{', `"message":[{"x":${'['.repeat(levels)}${']'.repeat(levels)},`);
}

/** A completed room's answer whose two messages have ids that differ only beyond 2^53, as JSON numbers. */
function bigIdsAnswer(roomId: string): string {
  const room = generateRoom({ roomId, messageCount: 2, regDate: '2025-03-01 10:00:00' });
  const [first, second] = room.message;
  const text = JSON.stringify({
    result: 'success',
    data: [
      {
        chat: room.chat,
        message: [
          { ...first, id: '@first' },
          { ...second, id: '@second' },
        ],
      },
    ],
  });
  return text.replace('"@first"', '9007199254740993').replace('"@second"', '9007199254740992');
}

function answerWith(body: string) {
  return { kind: 'status' as const, status: 200, body, contentType: 'application/json; charset=utf-8' };
}

describe('a hostile upstream on the HTTPS path', () => {
  it('never follows a redirect: the Location listener receives nothing', async () => {
    const roomId = harness.newRoom('hostRedirect');
    harness.stack.simulator.setFault(roomId, { kind: 'redirect', status: 307, location: listenerUrl });

    await checkScenario(
      harness,
      SUITE,
      'HTTPS: a 307 to a loopback listener',
      'HTTP 502 UPSTREAM_CONFIGURATION; 1 call; 0 connections to the Location; nothing written',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        return `HTTP ${status} ${body.error?.code}; ${calls(roomId)} call; ${listenerConnections} connections to the Location; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it.each([
    ['as a fail message', 'fail', 'HTTP 502 UPSTREAM_CONFIGURATION; 1 call'],
    ['inside a success answer', 'success', 'HTTP 502 UPSTREAM_CONFIGURATION; 1 call'],
    ['in an HTML error page', 'page', 'HTTP 503 UPSTREAM_UNAVAILABLE; 3 calls'],
  ] as const)('refuses an echo of the request %s, writing nothing', async (name, as, expected) => {
    const roomId = harness.newRoom('hostEcho');
    harness.stack.simulator.setFault(roomId, { kind: 'echo', as, note: PERSONAL });

    await checkScenario(
      harness,
      SUITE,
      `HTTPS: an echo ${name}`,
      `${expected}; nothing written`,
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        const count = calls(roomId);
        return `HTTP ${status} ${body.error?.code}; ${count} call${count === 1 ? '' : 's'}; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it('keeps a room nested 20,000 levels deep as raw bytes and answers 422', async () => {
    const roomId = harness.newRoom('hostDeep');
    harness.stack.simulator.setFault(roomId, answerWith(nestedAnswer(roomId, 20_000)));

    await checkScenario(
      harness,
      SUITE,
      'HTTPS: a room nested 20,000 levels deep',
      'HTTP 422 UNPROCESSABLE_RESPONSE; 1 call; raw kept as unprocessable; GET 422, raw 200 byte for byte',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        const transcript = await harness.http('GET', roomId);
        const raw = await harness.http('GET', roomId, { query: { format: 'raw' } });
        const same = raw.raw === nestedAnswer(roomId, 20_000) ? 'byte for byte' : 'changed';
        return `HTTP ${status} ${body.error?.code}; ${calls(roomId)} call; ${await writtenState(harness, roomId)}; GET ${transcript.status}, raw ${raw.status} ${same}`;
      },
    );
    expect(await harness.partialArchives()).toEqual([]);
  });

  it('keeps both messages whose ids differ only beyond 2^53', async () => {
    const roomId = harness.newRoom('hostBigIds');
    harness.stack.simulator.setFault(roomId, answerWith(bigIdsAnswer(roomId)));

    await checkScenario(
      harness,
      SUITE,
      'HTTPS: two message ids that differ only beyond 2^53',
      'HTTP 200 archived 2; ids 9007199254740992, 9007199254740993; archived once',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        const page = await harness.http('GET', roomId);
        const ids = (page.body.messages as { id: string }[] | undefined)?.map((message) => message.id) ?? [];
        return `HTTP ${status} ${String(body.status)} ${String(body.message_count)}; ids ${[...ids].sort().join(', ')}; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it('waits the Retry-After of a 429 before retrying', async () => {
    const roomId = harness.newRoom('hostRetryAfter');
    harness.stack.simulator.setFault(roomId, { kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });

    await checkScenario(
      harness,
      SUITE,
      'HTTPS: 429 with Retry-After 1 s, once',
      'HTTP 200 archived; 2 calls, 1 s or more apart; archived once',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        const [first, second] = harness.stack.simulator.requests.filter(
          (request) => request.roomId === roomId,
        );
        const apart = first && second ? second.at.getTime() - first.at.getTime() : 0;
        return `HTTP ${status} ${String(body.status)}; ${calls(roomId)} calls, ${apart >= 1000 ? '1 s or more' : `${apart} ms`} apart; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it('gives up at once, retryable, when Retry-After is beyond the time budget', async () => {
    const roomId = harness.newRoom('hostRetryLate');
    harness.stack.simulator.setFault(roomId, { kind: 'status', status: 503, retryAfterSeconds: 60 });

    await checkScenario(
      harness,
      SUITE,
      'HTTPS: 503 with Retry-After 60 s, beyond the budget',
      'HTTP 503 UPSTREAM_UNAVAILABLE; 1 call; nothing written',
      async () => {
        const { status, body } = await harness.http('POST', roomId);
        return `HTTP ${status} ${body.error?.code}; ${calls(roomId)} call; ${await writtenState(harness, roomId)}`;
      },
    );
  });
});

describe('a hostile upstream on the event path', () => {
  it.each([
    [
      'a redirect to a loopback listener',
      () => ({ kind: 'redirect', location: listenerUrl }) as const,
      'UPSTREAM_REDIRECT',
    ],
    ['an echo of the request', () => ({ kind: 'echo', note: PERSONAL }) as const, 'UPSTREAM_ECHO'],
  ])('dead-letters %s with its reason, never retried', async (name, fault, reason) => {
    const roomId = harness.newRoom('hostEv');
    harness.stack.simulator.setFault(roomId, fault());

    await checkScenario(
      harness,
      SUITE,
      `events: ${name}`,
      `done; DLQ ${reason}; 1 call; 0 connections to the Location; nothing written`,
      async () => {
        const failed = await harness.deliver([harness.eventBody(roomId)]);
        const letter = harness.deadLetters().find((candidate) => candidate.room_id === roomId);
        return `${failed.length ? 'retry' : 'done'}; DLQ ${letter?.reason}; ${calls(roomId)} call; ${listenerConnections} connections to the Location; ${await writtenState(harness, roomId)}`;
      },
    );
  });

  it('dead-letters a room nested 20,000 levels deep with its reason, and archives the other rooms of the batch', async () => {
    const poison = harness.newRoom('hostEvDeep');
    const healthy = harness.newRoom('hostEvHealthy');
    harness.stack.simulator.setFault(poison, answerWith(nestedAnswer(poison, 20_000)));

    await checkScenario(
      harness,
      SUITE,
      'events: a room nested 20,000 levels deep in a batch',
      'no retry; DLQ UNPROCESSABLE_RESPONSE (nested 20005 levels deep, beyond the limit of 512); raw kept as unprocessable; the other room archived once',
      async () => {
        const failed = await harness.deliver([harness.eventBody(poison), harness.eventBody(healthy)]);
        const letter = harness.deadLetters().find((candidate) => candidate.room_id === poison);
        const reason = /\((nested [^)]*)\)/.exec(letter?.message ?? '')?.[1];
        return `${failed.length ? 'retry' : 'no retry'}; DLQ ${letter?.reason} (${reason}); ${await writtenState(harness, poison)}; the other room ${await writtenState(harness, healthy)}`;
      },
    );
  });

  it('writes neither the token, nor the client secret, nor the personal value anywhere', async () => {
    checkHygiene(harness, 'hostile upstream', [TEST_TOKEN, CLIENT_SECRET, PERSONAL]);
    const stored = await harness.storedObjects();
    const leaks = [TEST_TOKEN, CLIENT_SECRET, PERSONAL].reduce(
      (sum, secret) => sum + stored.split(secret).length - 1,
      0,
    );
    recordRow({
      suite: 'hygiene',
      scenario: 'secrets in S3 objects and their metadata (hostile upstream)',
      expected: '0',
      observed: String(leaks),
      pass: leaks === 0,
    });
    expect(leaks).toBe(0);
  });
});
