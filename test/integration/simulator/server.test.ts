import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateRoom } from '../../../dev/simulator/generate-room.js';
import { SAMPLE_ROOM_IDS, sampleRooms } from '../../../dev/simulator/sample-rooms.js';
import { type Simulator, startSimulator } from '../../../dev/simulator/server.js';
import { CHAT_DATA_PATH } from '../../../lib/happytalk/schema.js';
import { SPEC_EXAMPLE_ROOM } from '../../fixtures/spec-example.js';
import { askRoom, postChatData, readJson, TOKEN } from './helpers.js';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('startSimulator', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ token: TOKEN });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('listens on 127.0.0.1 on a random port', () => {
    // Assess
    expect(simulator.port).toBeGreaterThan(0);
    expect(simulator.url).toBe(`http://127.0.0.1:${simulator.port}`);
  });

  it("serves the spec's example room exactly as chat_data.md shows it", async () => {
    // Act
    const answer = await readJson(await askRoom(simulator, SAMPLE_ROOM_IDS.specExample));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.type).toBe(JSON_TYPE);
    expect(answer.body).toEqual({ result: 'success', data: [SPEC_EXAMPLE_ROOM] });
  });

  it('serves every sample room as sampleRooms() returns it', async () => {
    // Act
    const bodies = await Promise.all(
      Object.values(SAMPLE_ROOM_IDS).map(async (roomId) => (await askRoom(simulator, roomId)).json()),
    );

    // Assess
    expect(bodies).toEqual(sampleRooms().map((room) => ({ result: 'success', data: [room] })));
  });

  it('encodes like PHP json_encode by default: ASCII only, \\uXXXX, surrogate pairs, \\/', async () => {
    // Act
    const text = await (await askRoom(simulator, SAMPLE_ROOM_IDS.completed)).text();

    // Assess
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    expect(text).toContain('"cate_name1":"\\uc0c1\\ud488\\ubb38\\uc758"');
    expect(text).toContain('\\ud83d\\udc4d');
    expect(text).toContain('\\n');
  });

  it('escapes slashes in image URLs', async () => {
    // Act
    const text = await (await askRoom(simulator, SAMPLE_ROOM_IDS.images)).text();

    // Assess
    expect(text).toContain('"contents":"https:\\/\\/static.happytalk.io\\/data\\/chat_data\\/2022_03_25\\/');
  });

  it('encodes plain UTF-8 JSON when asked to', async () => {
    // Prepare
    const utf8 = await startSimulator({ token: TOKEN, encoding: 'utf8' });

    try {
      // Act
      const response = await askRoom(utf8, SAMPLE_ROOM_IDS.specExample);
      const text = await response.text();

      // Assess
      expect(response.headers.get('content-type')).toBe(JSON_TYPE);
      expect(text).toBe(JSON.stringify({ result: 'success', data: [SPEC_EXAMPLE_ROOM] }));
    } finally {
      await utf8.close();
    }
  });

  it('accepts the same fields form-urlencoded', async () => {
    // Act
    const response = await fetch(`${simulator.url}${CHAT_DATA_PATH}`, {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN, room_id: SAMPLE_ROOM_IDS.specExample }),
    });

    // Assess
    expect(await response.json()).toEqual({ result: 'success', data: [SPEC_EXAMPLE_ROOM] });
  });

  it.each([
    ['a missing token', { room_id: SAMPLE_ROOM_IDS.specExample }],
    ['an empty token', { token: '', room_id: SAMPLE_ROOM_IDS.specExample }],
    ['a wrong token', { token: 'nope', room_id: SAMPLE_ROOM_IDS.specExample }],
    ['a numeric token', { token: 12345, room_id: SAMPLE_ROOM_IDS.specExample }],
    ['a JSON body that is not an object', [TOKEN, SAMPLE_ROOM_IDS.specExample]],
    ['an empty body', ''],
  ])('answers -501 token to %s', async (_case, body) => {
    // Act
    const answer = await readJson(await postChatData(simulator, body));

    // Assess
    expect(answer).toEqual({
      status: 200,
      type: JSON_TYPE,
      body: { result: 'fail', code: -501, message: 'token' },
    });
  });

  it.each([
    ['a missing room_id', { token: TOKEN }],
    ['an empty room_id', { token: TOKEN, room_id: '' }],
    ['an unknown room', { token: TOKEN, room_id: 'NoSuchRoom0000000000000000000' }],
  ])('answers -503 room to %s', async (_case, body) => {
    // Act
    const answer = await readJson(await postChatData(simulator, body));

    // Assess
    expect(answer).toEqual({
      status: 200,
      type: JSON_TYPE,
      body: { result: 'fail', code: -503, message: 'room' },
    });
  });

  it('finds a room asked for by a numeric room_id', async () => {
    // Prepare
    simulator.addRoom(generateRoom({ roomId: '1234567', messageCount: 2 }));

    // Act
    const body = await (await postChatData(simulator, { token: TOKEN, room_id: 1234567 })).json();

    // Assess
    expect(body).toMatchObject({ result: 'success', data: [{ chat: { id: '1234567' } }] });
  });

  it.each(['GET', 'PUT', 'DELETE'])('answers 405 to %s on the chat_data path', async (method) => {
    // Act
    const response = await fetch(`${simulator.url}${CHAT_DATA_PATH}`, { method });

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 404 to other paths', async () => {
    // Act
    const response = await fetch(`${simulator.url}/user/api/chat_counsel_lists/format/json`, {
      method: 'POST',
      body: JSON.stringify({ token: TOKEN }),
    });

    // Assess
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not Found\n');
  });

  it('answers 400 to a malformed JSON body', async () => {
    // Act
    const response = await postChatData(simulator, '{"token": "x", room_id');

    // Assess
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Bad Request: malformed JSON body\n');
  });

  it('answers 413 to an oversized body', async () => {
    // Act
    const response = await postChatData(simulator, { token: TOKEN, room_id: 'x'.repeat(100_000) });

    // Assess
    expect(response.status).toBe(413);
  });

  it('ignores a query string on the path', async () => {
    // Act
    const response = await fetch(`${simulator.url}${CHAT_DATA_PATH}?v=1`, {
      method: 'POST',
      body: JSON.stringify({ token: TOKEN, room_id: SAMPLE_ROOM_IDS.specExample }),
    });

    // Assess
    expect(await response.json()).toEqual({ result: 'success', data: [SPEC_EXAMPLE_ROOM] });
  });

  it('serves added rooms and stops serving removed ones', async () => {
    // Prepare
    const room = generateRoom({ roomId: 'AddedRoom000000000000000000001', messageCount: 1_000 });

    // Act
    simulator.addRoom(room);
    const added = await (await askRoom(simulator, 'AddedRoom000000000000000000001')).json();
    const removed = simulator.removeRoom('AddedRoom000000000000000000001');
    const gone = await (await askRoom(simulator, 'AddedRoom000000000000000000001')).json();

    // Assess
    expect(added).toEqual({ result: 'success', data: [room] });
    expect(removed).toBe(true);
    expect(gone).toEqual({ result: 'fail', code: -503, message: 'room' });
  });

  it('keeps its own copy of an added room', async () => {
    // Prepare
    const room = generateRoom({ roomId: 'CopiedRoom00000000000000000001', messageCount: 2 });
    const originalTitle = room.chat.title;
    simulator.addRoom(room);

    // Act
    room.chat.title = 'changed after adding';
    room.message.length = 0;
    const body = await (await askRoom(simulator, 'CopiedRoom00000000000000000001')).json();

    // Assess
    expect(originalTitle).toMatch(/ 상담$/);
    expect(body).toMatchObject({ data: [{ chat: { title: originalTitle } }] });
    expect(body).toHaveProperty(['data', 0, 'message', 'length'], 2);
  });

  it('serves a 50,000-message room', async () => {
    // Prepare
    const room = generateRoom({ roomId: 'LargeRoom000000000000000000001', messageCount: 50_000 });
    simulator.addRoom(room);

    // Act
    const body = await (await askRoom(simulator, 'LargeRoom000000000000000000001')).json();

    // Assess
    expect(body).toEqual({ result: 'success', data: [room] });
  });

  it('serves only the rooms it is given', async () => {
    // Prepare
    const only = generateRoom({ roomId: 'OnlyRoom0000000000000000000001', messageCount: 3 });
    const custom = await startSimulator({ token: TOKEN, rooms: [only] });

    try {
      // Act
      const found = await (await askRoom(custom, 'OnlyRoom0000000000000000000001')).json();
      const sample = await (await askRoom(custom, SAMPLE_ROOM_IDS.specExample)).json();

      // Assess
      expect(found).toEqual({ result: 'success', data: [only] });
      expect(sample).toEqual({ result: 'fail', code: -503, message: 'room' });
    } finally {
      await custom.close();
    }
  });

  it("uses 'local-dev-token' by default", async () => {
    // Prepare
    const defaults = await startSimulator();

    try {
      // Act
      const body = await (
        await postChatData(defaults, { token: 'local-dev-token', room_id: SAMPLE_ROOM_IDS.open })
      ).json();

      // Assess
      expect(body).toMatchObject({ result: 'success', data: [{ chat: { id: SAMPLE_ROOM_IDS.open } }] });
    } finally {
      await defaults.close();
    }
  });

  it('adds latencyMs before every answer', async () => {
    // Prepare
    const slow = await startSimulator({ token: TOKEN, latencyMs: 150 });

    try {
      // Act
      const started = performance.now();
      const body = await (await askRoom(slow, SAMPLE_ROOM_IDS.specExample)).json();
      const elapsed = performance.now() - started;

      // Assess
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(body).toEqual({ result: 'success', data: [SPEC_EXAMPLE_ROOM] });
    } finally {
      await slow.close();
    }
  });

  it('rejects options out of range', async () => {
    // Act & Assess
    await expect(startSimulator({ port: 70_000 })).rejects.toThrow(
      'port must be an integer from 0 to 65535, received 70000',
    );
    await expect(startSimulator({ token: '' })).rejects.toThrow('token must not be empty');
    await expect(startSimulator({ rooms: [{ chat: {}, message: [] }] })).rejects.toThrow(
      'room chat.id must be a non-empty string',
    );
  });

  it('fails to start on a port in use', async () => {
    // Act & Assess
    await expect(startSimulator({ port: simulator.port })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${simulator.port}`,
    );
  });

  it('closes quickly even with keep-alive connections open', async () => {
    // Prepare
    const closing = await startSimulator({ token: TOKEN });
    await (await askRoom(closing, SAMPLE_ROOM_IDS.specExample)).json();

    // Act
    const started = performance.now();
    await closing.close();
    await closing.close();

    // Assess
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(askRoom(closing, SAMPLE_ROOM_IDS.specExample)).rejects.toThrow('fetch failed');
  });
});

describe('simulator header credentials', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ token: TOKEN, clientId: 'client-7', clientSecret: 'secret-9' });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('serves a request with the matching HT-Client-Id and HT-Client-Secret', async () => {
    // Act
    const body = await (
      await postChatData(
        simulator,
        { token: TOKEN, room_id: SAMPLE_ROOM_IDS.specExample },
        { 'HT-Client-Id': 'client-7', 'HT-Client-Secret': 'secret-9' },
      )
    ).json();

    // Assess
    expect(body).toEqual({ result: 'success', data: [SPEC_EXAMPLE_ROOM] });
  });

  it.each([
    ['no headers', {}],
    ['only the id', { 'HT-Client-Id': 'client-7' }],
    ['a wrong secret', { 'HT-Client-Id': 'client-7', 'HT-Client-Secret': 'secret-8' }],
    ['a wrong id', { 'HT-Client-Id': 'client-6', 'HT-Client-Secret': 'secret-9' }],
  ])('answers -502 unAuthorized to %s', async (_case, headers) => {
    // Act
    const answer = await readJson(
      await postChatData(simulator, { token: TOKEN, room_id: SAMPLE_ROOM_IDS.specExample }, headers),
    );

    // Assess
    expect(answer).toEqual({
      status: 200,
      type: JSON_TYPE,
      body: { result: 'fail', code: -502, message: 'unAuthorized' },
    });
  });

  it('checks the token before the headers', async () => {
    // Act
    const body = await (
      await postChatData(simulator, { token: 'wrong', room_id: SAMPLE_ROOM_IDS.open })
    ).json();

    // Assess
    expect(body).toEqual({ result: 'fail', code: -501, message: 'token' });
  });
});

describe('simulator request recording', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ token: TOKEN, clientId: 'client-7', clientSecret: 'secret-9' });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('records the room, the time and whether a token came, never the token or secret', async () => {
    // Prepare
    const before = Date.now();

    // Act
    await postChatData(
      simulator,
      { token: TOKEN, room_id: SAMPLE_ROOM_IDS.open },
      { 'HT-Client-Id': 'client-7', 'HT-Client-Secret': 'secret-9', 'X-Echo': `Bearer ${TOKEN}` },
    );
    await postChatData(simulator, { room_id: SAMPLE_ROOM_IDS.images });

    // Assess
    expect(simulator.requests).toHaveLength(2);
    const [first, second] = simulator.requests;
    expect(first).toMatchObject({
      roomId: SAMPLE_ROOM_IDS.open,
      method: 'POST',
      contentType: 'application/json',
      tokenPresent: true,
    });
    expect(first?.headers['ht-client-id']).toBe('client-7');
    expect(first?.headers['ht-client-secret']).toBe('[REDACTED]');
    expect(first?.headers['x-echo']).toBe('[REDACTED]');
    expect(first?.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(second).toMatchObject({ roomId: SAMPLE_ROOM_IDS.images, tokenPresent: false });
    const recorded = JSON.stringify(simulator.requests);
    expect(recorded).not.toContain(TOKEN);
    expect(recorded).not.toContain('secret-9');
  });

  it('records form-urlencoded, malformed and wrong-method requests', async () => {
    // Act
    await fetch(`${simulator.url}${CHAT_DATA_PATH}`, {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN, room_id: SAMPLE_ROOM_IDS.buttons }),
    });
    await postChatData(simulator, '{not json');
    await fetch(`${simulator.url}${CHAT_DATA_PATH}`);

    // Assess
    expect(
      simulator.requests.map(({ roomId, method, tokenPresent }) => ({ roomId, method, tokenPresent })),
    ).toEqual([
      { roomId: SAMPLE_ROOM_IDS.buttons, method: 'POST', tokenPresent: true },
      { roomId: undefined, method: 'POST', tokenPresent: false },
      { roomId: undefined, method: 'GET', tokenPresent: false },
    ]);
    expect(simulator.requests[0]?.contentType).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  });

  it('does not record control API requests', async () => {
    // Act
    await fetch(`${simulator.url}/__simulator/rooms`);

    // Assess
    expect(simulator.requests).toEqual([]);
  });

  it('forgets requests on resetRequests', async () => {
    // Prepare
    await askRoom(simulator, SAMPLE_ROOM_IDS.open);

    // Act
    simulator.resetRequests();
    await askRoom(simulator, SAMPLE_ROOM_IDS.completed);

    // Assess
    expect(simulator.requests.map((request) => request.roomId)).toEqual([SAMPLE_ROOM_IDS.completed]);
  });
});
