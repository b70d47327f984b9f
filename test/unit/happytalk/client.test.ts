import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StaticCredentialsProvider } from '../../../lib/credentials/provider.js';
import { ConfigurationError } from '../../../lib/errors.js';
import {
  chatDataEndpoint,
  HappyTalkClient,
  type HappyTalkClientOptions,
  parseChatData,
  type RequestGate,
} from '../../../lib/happytalk/client.js';
import {
  HappyTalkAuthError,
  HappyTalkEchoError,
  HappyTalkRedirectError,
  HappyTalkRequestError,
  HappyTalkUnavailableError,
  OverDateError,
  RoomNotFoundError,
} from '../../../lib/happytalk/errors.js';

const TOKEN = 'tok-SECRET-1234567890';
const ROOM = 'room0001';
const encoder = new TextEncoder();

function roomResponse(id = ROOM): string {
  return JSON.stringify({
    result: 'success',
    data: [{ chat: { id, reg_date: '2022-05-26 10:26:31' }, message: [] }],
  });
}

type Answer = Response | Error;

/** A fetch that answers from a script and records what was sent. */
function scriptedFetch(answers: Answer[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input), init });
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer left');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch: impl as typeof fetch, calls };
}

function json(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'application/json' } });
}

function client(fetchImpl: typeof fetch, extra: Partial<HappyTalkClientOptions> = {}): HappyTalkClient {
  return new HappyTalkClient({
    credentials: new StaticCredentialsProvider({ token: TOKEN }),
    baseUrl: 'https://customer.happytalk.io',
    fetch: fetchImpl,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, totalBudgetMs: 10_000 },
    ...extra,
  });
}

/** The error `run` throws. */
function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected an error, nothing was thrown');
}

function connectionReset(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  });
}

describe('chatDataEndpoint', () => {
  it('appends the chat_data path to the base URL', () => {
    expect(chatDataEndpoint('https://patch-customer.happytalk.io/')).toBe(
      'https://patch-customer.happytalk.io/user/api/chat_data/format/json',
    );
  });

  it.each(['ftp://x.io', 'not a url', 'https://user:pw@x.io', 'https://x.io/?a=1'])('refuses %s', (url) => {
    expect(() => chatDataEndpoint(url)).toThrow(ConfigurationError);
  });
});

describe('HappyTalkClient.fetchRoom', () => {
  it('posts the token and room id as JSON and returns the exact bytes, the response and the room', async () => {
    const body = roomResponse();
    const { fetch, calls } = scriptedFetch([json(body)]);

    const fetched = await client(fetch).fetchRoom(ROOM);

    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://customer.happytalk.io/user/api/chat_data/format/json');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ token: TOKEN, room_id: ROOM });
    expect(Buffer.from(fetched.bytes).toString('utf8')).toBe(body);
    expect(fetched.room.chat.id).toBe(ROOM);
    expect(fetched.response).toEqual(JSON.parse(body));
    expect(fetched.response.data?.[0]).toBe(fetched.room);
    expect(fetched.attempts).toBe(1);
    expect(fetched.endpoint).toBe('https://customer.happytalk.io/user/api/chat_data/format/json');
  });

  it('sends HT-Client-Id and HT-Client-Secret only when client credentials are configured', async () => {
    const { fetch, calls } = scriptedFetch([json(roomResponse()), json(roomResponse())]);
    await client(fetch).fetchRoom(ROOM);
    await client(fetch, {
      credentials: new StaticCredentialsProvider({ token: TOKEN, clientId: 'cid', clientSecret: 'csecret' }),
    }).fetchRoom(ROOM);

    const [plain, signed] = calls.map((call) => call.init?.headers as Record<string, string>);
    expect(plain).not.toHaveProperty('HT-Client-Id');
    expect(signed).toMatchObject({ 'HT-Client-Id': 'cid', 'HT-Client-Secret': 'csecret' });
  });

  it.each([
    [{ result: 'fail', code: -501, message: 'token' }, HappyTalkAuthError],
    [{ result: 'fail', code: -501, message: 'uuid' }, HappyTalkAuthError],
    [{ result: 'fail', code: -502, message: 'unAuthorized' }, HappyTalkAuthError],
    [{ result: 'fail', code: -503, message: 'users' }, RoomNotFoundError],
    [{ result: 'fail', code: -503, message: 'room' }, RoomNotFoundError],
    [{ result: 'fail', code: '-504', message: 'overDate' }, OverDateError],
    [{ result: 'success', data: [] }, RoomNotFoundError],
    [{ result: 'success', data: null }, RoomNotFoundError],
    [{ result: 'success', data: [{ chat: { id: 'other' }, message: [] }] }, RoomNotFoundError],
  ])('maps %j to %s without retrying', async (body, errorClass) => {
    const { fetch, calls } = scriptedFetch([json(JSON.stringify(body)), json(roomResponse())]);

    const failure = client(fetch).fetchRoom(ROOM);

    await expect(failure).rejects.toThrow(errorClass);
    await expect(failure).rejects.toMatchObject({ retryable: false });
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['HTTP 500', () => json('oops', 500)],
    ['HTTP 502', () => json('<html>bad gateway</html>', 502)],
    ['HTTP 503', () => json('', 503)],
    ['HTTP 429', () => json('slow down', 429)],
    ['a connection reset', () => connectionReset()],
    ['a timeout', () => new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['an HTML page with status 200', () => json('<html><body>error</body></html>')],
    ['a truncated body', () => json(roomResponse().slice(0, 40))],
    ['JSON of the wrong shape', () => json('{"result":"success","data":{"chat":"x"}}')],
    ['an undocumented fail code', () => json('{"result":"fail","code":-599,"message":"busy"}')],
  ])('retries after %s, then succeeds', async (_name, failure) => {
    const { fetch, calls } = scriptedFetch([failure(), failure(), json(roomResponse())]);

    const fetched = await client(fetch).fetchRoom(ROOM);

    expect(calls).toHaveLength(3);
    expect(fetched.attempts).toBe(3);
  });

  it('gives up after maxAttempts with a retryable error that counts the attempts', async () => {
    const { fetch, calls } = scriptedFetch([
      json('', 503),
      json('', 503),
      json('', 503),
      json(roomResponse()),
    ]);

    const failure = client(fetch).fetchRoom(ROOM);

    await expect(failure).rejects.toThrow(HappyTalkUnavailableError);
    await expect(failure).rejects.toMatchObject({
      retryable: true,
      attempts: 3,
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(calls).toHaveLength(3);
  });

  it.each([
    ['as announced', 0],
    ['shorter than announced', 7],
    ['longer than announced', -7],
  ])('reads a body that arrives in chunks %s, byte for byte', async (_case, lengthOff) => {
    // Prepare: an answer of about 100 KiB in 1 KiB chunks, Korean text included
    const text = roomResponse().replace('"reg_date"', `"title":"${'상담'.repeat(16_000)}","reg_date"`);
    const body = encoder.encode(text);
    const chunks = Array.from({ length: Math.ceil(body.byteLength / 1024) }, (_, i) =>
      body.subarray(i * 1024, (i + 1) * 1024),
    );
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const answer = new Response(stream, {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': String(body.byteLength + lengthOff) },
    });
    const { fetch } = scriptedFetch([answer]);

    // Act
    const fetched = await client(fetch).fetchRoom(ROOM);

    // Assess
    expect(Buffer.from(fetched.bytes).equals(Buffer.from(body))).toBe(true);
    expect(fetched.room.chat.id).toBe(ROOM);
  });

  it('passes each attempt through the gate it is given, whole answer included, and waits between attempts outside it', async () => {
    // Prepare
    const { fetch, calls } = scriptedFetch([json('', 503), json(roomResponse())]);
    const events: string[] = [];
    const gate: RequestGate = async (task) => {
      events.push(`enter ${calls.length}`);
      try {
        return await task();
      } finally {
        events.push(`leave ${calls.length}`);
      }
    };

    // Act
    const fetched = await client(fetch).fetchRoom(ROOM, { gate });

    // Assess
    expect(fetched.attempts).toBe(2);
    expect(events).toEqual(['enter 0', 'leave 1', 'enter 1', 'leave 2']);
  });

  it.each([
    [400, HappyTalkRequestError],
    [404, HappyTalkRequestError],
    [401, HappyTalkAuthError],
    [403, HappyTalkAuthError],
  ])('does not retry HTTP %i', async (status, errorClass) => {
    const { fetch, calls } = scriptedFetch([json('no', status), json(roomResponse())]);

    await expect(client(fetch).fetchRoom(ROOM)).rejects.toThrow(errorClass);
    expect(calls).toHaveLength(1);
  });

  it('never puts the token in an error, its message or its cause', async () => {
    const leaky = new TypeError(`fetch failed for ${TOKEN}`);
    const { fetch } = scriptedFetch([leaky]);

    const error = await client(fetch, { retry: { maxAttempts: 1 } })
      .fetchRoom(ROOM)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HappyTalkUnavailableError);
    const seen = JSON.stringify(error, Object.getOwnPropertyNames(error as object));
    expect(seen).not.toContain(TOKEN);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});

describe('HappyTalkClient and an answer of the wrong shape', () => {
  it.each([
    [[], '(root): invalid_type, expected object'],
    [{ result: 'maybe' }, 'result: invalid_union'],
    [{ result: 'success', data: [{ chat: { id: '' }, message: [] }] }, 'data.0.chat.id: too_small'],
    [
      { result: 'success', data: [{ chat: { id: 'A' }, message: [{ id: 'm1' }, { text: 'x' }] }] },
      'data.0.message.1.id: invalid_union',
    ],
  ])(
    'names what is wrong with %j as parseChatData does (%s), the schema loaded on first use',
    async (answer, issue) => {
      // Prepare
      const body = JSON.stringify(answer);
      const { fetch, calls } = scriptedFetch([json(body)]);

      // Act
      const error = await client(fetch, { retry: { maxAttempts: 1 } })
        .fetchRoom(ROOM)
        .then(
          () => new Error('answered'),
          (caught: unknown) => caught as Error,
        );

      // Assess
      expect(error).toBeInstanceOf(HappyTalkUnavailableError);
      expect(error.message).toBe(
        `HappyTalk answered room room0001 with JSON that is not the documented shape (${issue})`,
      );
      expect(error.message).toBe(errorOf(() => parseChatData(encoder.encode(body), ROOM)).message);
      expect(calls).toHaveLength(1);
    },
  );

  it('retries an answer of the wrong shape, then reads the documented one', async () => {
    // Prepare
    const { fetch, calls } = scriptedFetch([
      json('{"result":"success","data":{"chat":"x"}}'),
      json(roomResponse()),
    ]);

    // Act
    const fetched = await client(fetch).fetchRoom(ROOM);

    // Assess
    expect(fetched.room.chat.id).toBe(ROOM);
    expect(fetched.attempts).toBe(2);
    expect(calls).toHaveLength(2);
  });
});

describe('HappyTalkClient and hostile answers', () => {
  it.each([301, 302, 303, 307, 308])(
    'never follows a %i: a non-retryable error naming the status and the Location host only',
    async (status) => {
      // Prepare
      const location = 'http://127.0.0.9:8443/steal?room=room0001&secret=s#frag';
      const { fetch, calls } = scriptedFetch([
        new Response(null, { status, headers: { location } }),
        json(roomResponse()),
      ]);

      // Act
      const error = await client(fetch)
        .fetchRoom(ROOM)
        .catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(HappyTalkRedirectError);
      expect(error).toMatchObject({ code: 'UPSTREAM_REDIRECT', retryable: false });
      expect((error as Error).message).toBe(
        `HappyTalk answered HTTP ${status} for room room0001, redirecting to host 127.0.0.9:8443: ` +
          'redirects are not followed, since the request carries the credentials; check the base URL',
      );
      expect(calls).toHaveLength(1);
      expect(calls[0]?.init?.redirect).toBe('manual');
    },
  );

  it('does not name a redirect host that holds the token', async () => {
    // Prepare
    const { fetch } = scriptedFetch([
      new Response(null, { status: 302, headers: { location: `http://${TOKEN.toLowerCase()}.localhost/` } }),
    ]);

    // Act
    const error = await client(fetch)
      .fetchRoom(ROOM)
      .catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toContain('redirecting to a host that holds the credentials');
    expect((error as Error).message.toLowerCase()).not.toContain(TOKEN.toLowerCase());
  });

  it.each([
    ['as sent', (secret: string) => secret],
    ['JSON-escaped the PHP way', (secret: string) => secret.replaceAll('/', '\\/')],
  ])('refuses an answer that echoes the client secret %s, without retrying', async (_name, encode) => {
    // Prepare
    const secret = 'cs/very-secret-42';
    const body = `{"result":"success","data":[{"chat":{"id":"${ROOM}","title":"${encode(secret)}"},"message":[]}]}`;
    const { fetch, calls } = scriptedFetch([json(body), json(roomResponse())]);

    // Act
    const error = await client(fetch, {
      credentials: new StaticCredentialsProvider({ token: TOKEN, clientId: 'cid', clientSecret: secret }),
    })
      .fetchRoom(ROOM)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(HappyTalkEchoError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ECHO', retryable: false });
    expect((error as Error).message).not.toContain(secret);
    expect(calls).toHaveLength(1);
  });

  it('refuses a fail answer that echoes the token', async () => {
    // Prepare
    const { fetch } = scriptedFetch([json(JSON.stringify({ result: 'fail', code: -501, message: TOKEN }))]);

    // Act
    const error = await client(fetch)
      .fetchRoom(ROOM)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(HappyTalkEchoError);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error as object))).not.toContain(TOKEN);
  });
});

describe('HappyTalkClient retry timing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits with full jitter: each delay is random between 0 and the doubled cap', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { fetch, calls } = scriptedFetch([
      json('', 503),
      json('', 503),
      json('', 503),
      json(roomResponse()),
    ]);
    const pending = client(fetch, {
      retry: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 10_000, totalBudgetMs: 60_000 },
    }).fetchRoom(ROOM);

    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2); // 0.5 × 1000 ms
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3); // 0.5 × 2000 ms
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(4); // 0.5 × 4000 ms

    await expect(pending).resolves.toMatchObject({ attempts: 4 });
  });

  it.each([
    [503, '3', 3000],
    [429, '1', 1000],
  ])('waits the Retry-After of a %i (%s s) before the next attempt', async (status, retryAfter, waitMs) => {
    // Prepare: no backoff delay of its own, so only Retry-After delays the retry
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { fetch, calls } = scriptedFetch([
      new Response('', { status, headers: { 'retry-after': retryAfter } }),
      json(roomResponse()),
    ]);

    // Act
    const pending = client(fetch).fetchRoom(ROOM);
    await vi.advanceTimersByTimeAsync(waitMs - 1);
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(10);

    // Assess
    expect(before).toBe(1);
    expect(calls).toHaveLength(2);
    await expect(pending).resolves.toMatchObject({ attempts: 2 });
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    // Prepare
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const date = new Date(Date.now() + 4000).toUTCString();
    const { fetch, calls } = scriptedFetch([
      new Response('', { status: 503, headers: { 'retry-after': date } }),
      json(roomResponse()),
    ]);

    // Act
    const pending = client(fetch).fetchRoom(ROOM);
    await vi.advanceTimersByTimeAsync(3000);
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(1000);

    // Assess: the date has whole seconds, so the wait is between 3 and 4 s
    expect(before).toBe(1);
    expect(calls).toHaveLength(2);
    await expect(pending).resolves.toMatchObject({ attempts: 2 });
  });

  it('fails at once, retryable, when Retry-After asks for more than the time budget left', async () => {
    // Prepare
    const { fetch, calls } = scriptedFetch([
      new Response('', { status: 429, headers: { 'retry-after': '30' } }),
      json(roomResponse()),
    ]);

    // Act
    const settled = client(fetch)
      .fetchRoom(ROOM)
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    const error = await settled;
    expect(error).toBeInstanceOf(HappyTalkUnavailableError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 30_000, attempts: 1 });
    expect((error as Error).message).toBe(
      'HappyTalk asked to wait 30 s before retrying room room0001, beyond the retry budget',
    );
    expect(calls).toHaveLength(1);
  });

  it('ignores Retry-After on statuses other than 429 and 503', async () => {
    // Prepare
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { fetch, calls } = scriptedFetch([
      new Response('', { status: 500, headers: { 'retry-after': '30' } }),
      json(roomResponse()),
    ]);

    // Act
    const pending = client(fetch).fetchRoom(ROOM);
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(calls).toHaveLength(2);
    await expect(pending).resolves.toMatchObject({ attempts: 2 });
  });

  it('stops retrying once the total budget is spent', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { fetch, calls } = scriptedFetch(Array.from({ length: 10 }, () => json('', 503)));
    const pending = client(fetch, {
      retry: { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 1000, totalBudgetMs: 2500 },
    }).fetchRoom(ROOM);
    const settled = pending.catch((error: unknown) => error);

    await vi.advanceTimersByTimeAsync(10_000);

    expect(await settled).toBeInstanceOf(HappyTalkUnavailableError);
    expect(calls).toHaveLength(4); // at 0, 1000, 2000 and 3000 ms; no retry starts after 2500 ms
  });
});

describe('parseChatData', () => {
  it('returns the whole response and the only room when no room id is given', () => {
    // Act
    const { response, room } = parseChatData(encoder.encode(roomResponse('abc')));

    // Assess
    expect(room.chat.id).toBe('abc');
    expect(response.result).toBe('success');
    expect(response.data?.[0]).toBe(room);
  });

  it('returns the response with its unknown fields and the requested room among several', () => {
    // Prepare
    const body = JSON.stringify({
      result: 'success',
      data: [{ chat: { id: 'a' } }, { chat: { id: ROOM } }],
      page: 1,
    });

    // Act
    const { response, room } = parseChatData(encoder.encode(body), ROOM);

    // Assess
    expect(room).toBe(response.data?.[1]);
    expect(response.page).toBe(1);
  });

  it('picks the first of several rooms with the requested id', () => {
    // Prepare
    const body = JSON.stringify({
      result: 'success',
      data: [{ chat: { id: ROOM, title: 'first' } }, { chat: { id: ROOM, title: 'second' } }],
    });

    // Act
    const { response, room } = parseChatData(encoder.encode(body), ROOM);

    // Assess
    expect(room).toBe(response.data?.[0]);
    expect(room.chat.title).toBe('first');
  });

  it('matches a numeric chat.id against the room id', () => {
    // Act
    const { room } = parseChatData(encoder.encode('{"result":"success","data":[{"chat":{"id":77}}]}'), '77');

    // Assess
    expect(room.chat.id).toBe(77);
  });

  it('refuses a body that is not JSON without quoting it', () => {
    // Act
    const error = errorOf(() => parseChatData(encoder.encode('<html>secret name</html>'), ROOM));

    // Assess
    expect(error).toBeInstanceOf(HappyTalkUnavailableError);
    expect(error.message).toBe('HappyTalk answered room room0001 with a body that is not JSON (24 bytes)');
    expect(error.cause).toBeUndefined();
  });

  it('refuses invalid UTF-8 as not JSON', () => {
    // Act
    const error = errorOf(() => parseChatData(new Uint8Array([0x7b, 0xff, 0x7d]), ROOM));

    // Assess
    expect(error).toBeInstanceOf(HappyTalkUnavailableError);
    expect(error.message).toBe('HappyTalk answered room room0001 with a body that is not JSON (3 bytes)');
  });

  it('names the first schema issue for the wrong shape', () => {
    const body = '{"result":"success","data":[{"chat":{"title":"no id"}}]}';
    expect(() => parseChatData(encoder.encode(body), ROOM)).toThrow(/data\.0\.chat\.id/);
  });

  it.each([
    [[], '(root): invalid_type, expected object'],
    [{ result: 'maybe' }, 'result: invalid_union'],
    [{ result: 'success', data: { chat: 'x' } }, 'data: invalid_type, expected array'],
    [{ result: 'success', data: [{ message: [] }] }, 'data.0.chat: invalid_type, expected object'],
    [{ result: 'success', data: [{ chat: { id: '' }, message: [] }] }, 'data.0.chat.id: too_small'],
    [
      { result: 'success', data: [{ chat: { id: 'A' }, message: [{ id: 'm1' }, { text: 'x' }] }] },
      'data.0.message.1.id: invalid_union',
    ],
  ])('refuses %j as not the documented shape, describing it as %s on one line', (json, issue) => {
    // Act
    const error = errorOf(() => parseChatData(encoder.encode(JSON.stringify(json)), ROOM));

    // Assess
    expect(error).toBeInstanceOf(HappyTalkUnavailableError);
    expect(error.message).toBe(
      `HappyTalk answered room room0001 with JSON that is not the documented shape (${issue})`,
    );
  });

  it('describes a wrong shape without quoting a value of the answer', () => {
    // Prepare: the values are a token and a phone number an echoing upstream put in the answer
    const body = JSON.stringify({ result: 'success', data: [{ chat: { id: ['010-1234-5678', TOKEN] } }] });

    // Act
    const error = errorOf(() => parseChatData(encoder.encode(body), ROOM));

    // Assess
    expect(error.message).toBe(
      'HappyTalk answered room room0001 with JSON that is not the documented shape (data.0.chat.id: invalid_union)',
    );
  });

  it.each([
    [
      { result: 'fail', code: -501, message: 'token' },
      HappyTalkAuthError,
      'HappyTalk answered fail -501 (the token is missing or invalid): check the token and client credentials',
    ],
    [
      { result: 'fail', code: -501, message: 'uuid' },
      HappyTalkAuthError,
      'HappyTalk answered fail -501 (the customer id or UUID is missing): check the token and client credentials',
    ],
    [
      { result: 'fail', code: -502, message: 'unAuthorized' },
      HappyTalkAuthError,
      'HappyTalk answered fail -502 (not authorized): check the token and client credentials',
    ],
    [
      { result: 'fail', code: -503, message: 'room' },
      RoomNotFoundError,
      'room room0001 not found: HappyTalk answered fail -503 (no matching room)',
    ],
    [
      { result: 'fail', code: -503, message: 'users' },
      RoomNotFoundError,
      'room room0001 not found: HappyTalk answered fail -503 (no customer has this UUID)',
    ],
    [
      { result: 'fail', code: -504, message: 'overDate' },
      OverDateError,
      "room room0001 is outside HappyTalk's query window: HappyTalk answered fail -504 (beyond the longest period it lets this token query)",
    ],
    [
      { result: 'fail', code: '-504' },
      OverDateError,
      `room room0001 is outside HappyTalk's query window: HappyTalk answered fail -504, no message`,
    ],
    [
      { result: 'fail', code: -599, message: 'busy' },
      HappyTalkUnavailableError,
      'room room0001: HappyTalk answered fail -599, an undocumented message of 4 characters (an undocumented code)',
    ],
    [
      { result: 'fail', code: -501, message: `token ${TOKEN} for 홍길동 010-1234-5678` },
      HappyTalkAuthError,
      'HappyTalk answered fail -501, an undocumented message of 49 characters: check the token and client credentials',
    ],
    [
      { result: 'fail', code: TOKEN, message: '홍길동' },
      HappyTalkUnavailableError,
      'room room0001: HappyTalk answered fail with a code that is not a number, an undocumented message of 3 characters (an undocumented code)',
    ],
    [
      { result: 'success', data: [] },
      RoomNotFoundError,
      'room room0001 not found: HappyTalk answered success with an empty data',
    ],
    [
      { result: 'success', data: null },
      RoomNotFoundError,
      'room room0001 not found: HappyTalk answered success with an empty data',
    ],
    [
      { result: 'success', data: [{ chat: { id: 'A' } }, { chat: { id: 'B' } }] },
      RoomNotFoundError,
      'room room0001 not found: HappyTalk answered success with data without the requested room',
    ],
  ])('turns %j into %o with a one-line message', (json, errorClass, message) => {
    // Act
    const error = errorOf(() => parseChatData(encoder.encode(JSON.stringify(json)), ROOM));

    // Assess
    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toBe(message);
  });

  it.each([
    [[{ chat: { id: 'a' } }, { chat: { id: 'b' } }], 2],
    [[], 0],
    [null, 0],
  ])('refuses data %j when no room id is given', (data, found) => {
    // Act
    const error = errorOf(() => parseChatData(encoder.encode(JSON.stringify({ result: 'success', data }))));

    // Assess
    expect(error).toBeInstanceOf(RoomNotFoundError);
    expect(error.message).toBe(`expected exactly one room in data, found ${found}: name the room to pick`);
  });
});
