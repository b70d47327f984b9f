import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorConfigError } from '../../../dev/simulator/errors.js';
import type { SimulatorFault } from '../../../dev/simulator/faults.js';
import { encodePhpJson } from '../../../dev/simulator/php-json.js';
import { SAMPLE_ROOM_IDS, sampleRooms } from '../../../dev/simulator/sample-rooms.js';
import { type Simulator, startSimulator } from '../../../dev/simulator/server.js';
import { CHAT_DATA_PATH } from '../../../lib/happytalk/schema.js';
import { askRoom, readJson, TOKEN } from './helpers.js';

const ROOM = SAMPLE_ROOM_IDS.completed;
const OTHER = SAMPLE_ROOM_IDS.open;
const JSON_TYPE = 'application/json; charset=utf-8';

async function roomSucceeds(simulator: Simulator, roomId: string): Promise<boolean> {
  const response = await askRoom(simulator, roomId);
  const body: unknown = await response.json();
  return response.status === 200 && (body as { result?: unknown }).result === 'success';
}

async function waitForRequests(simulator: Simulator, count: number): Promise<void> {
  while (simulator.requests.length < count) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('simulator faults', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ token: TOKEN });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('answers a 503 status fault with an nginx HTML page', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'status', status: 503 });

    // Act
    const response = await askRoom(simulator, ROOM);

    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.text()).toBe(
      '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n' +
        '<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    );
  });

  it('answers a status fault with the given body and its content type', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'status', status: 500, body: 'upstream exploded' });
    simulator.setFault(OTHER, { kind: 'status', status: 502, body: '<h1>Bad Gateway</h1>' });

    // Act
    const plain = await askRoom(simulator, ROOM);
    const html = await askRoom(simulator, OTHER);

    // Assess
    expect([plain.status, plain.headers.get('content-type'), await plain.text()]).toEqual([
      500,
      'text/plain; charset=utf-8',
      'upstream exploded',
    ]);
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([
      502,
      'text/html; charset=utf-8',
      '<h1>Bad Gateway</h1>',
    ]);
  });

  it('answers a 429 status fault with Retry-After', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'status', status: 429 });
    simulator.setFault(OTHER, { kind: 'status', status: 429, retryAfterSeconds: 7 });

    // Act
    const byDefault = await askRoom(simulator, ROOM);
    const given = await askRoom(simulator, OTHER);

    // Assess
    expect([byDefault.status, byDefault.headers.get('retry-after'), await byDefault.text()]).toEqual([
      429,
      '1',
      'Too Many Requests\n',
    ]);
    expect([given.status, given.headers.get('retry-after')]).toEqual([429, '7']);
  });

  it('delays the normal answer by a delay fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'delay', ms: 200 });

    // Act
    const started = performance.now();
    const body = await (await askRoom(simulator, ROOM)).json();
    const elapsed = performance.now() - started;

    // Assess
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(body).toEqual({ result: 'success', data: [sampleRooms()[1]] });
  });

  it('ends a pending delay when closed, without answering', async () => {
    // Prepare
    const closing = await startSimulator({ token: TOKEN });
    closing.setFault('*', { kind: 'delay', ms: 60_000 });
    const pending = askRoom(closing, ROOM);
    const outcome = pending.then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await waitForRequests(closing, 1);

    // Act
    const started = performance.now();
    await closing.close();

    // Assess
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await outcome).toBe('fetch failed');
  });

  it('destroys the connection on a reset fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'reset' });

    // Act
    const error: unknown = await askRoom(simulator, ROOM).then(
      () => undefined,
      (failure: unknown) => failure,
    );

    // Assess
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect((error as Error).cause).toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('sends half the body under a larger Content-Length on a truncate fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'truncate' });
    const fullLength = Buffer.byteLength(encodePhpJson({ result: 'success', data: [sampleRooms()[1]] }));

    // Act
    const response = await askRoom(simulator, ROOM);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(JSON_TYPE);
    expect(Number(response.headers.get('content-length'))).toBe(fullLength);
    await expect(response.text()).rejects.toThrow('terminated');
  });

  it('answers 200 with an HTML page on an html fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'html' });

    // Act
    const response = await askRoom(simulator, ROOM);
    const text = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(text).toContain('서비스 점검 중입니다');
  });

  it('answers 200 JSON-typed text that does not parse on a not-json fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'not-json' });

    // Act
    const response = await askRoom(simulator, ROOM);
    const text = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(JSON_TYPE);
    expect(text).toContain('<b>Fatal error</b>:  Allowed memory size');
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('answers valid JSON of the wrong shape on a wrong-shape fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'wrong-shape' });

    // Act
    const response = await askRoom(simulator, ROOM);

    // Assess
    expect([response.status, await response.text()]).toEqual([
      200,
      '{"result":"success","data":{"chat":"x"}}',
    ]);
  });

  it.each([
    [-501, 'uuid'],
    [-502, 'unAuthorized'],
    [-503, 'users'],
    [-504, 'overDate'],
  ])('answers a fail fault %i %s', async (code, message) => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'fail', code, message });

    // Act
    const answer = await readJson(await askRoom(simulator, ROOM));

    // Assess
    expect(answer).toEqual({ status: 200, type: JSON_TYPE, body: { result: 'fail', code, message } });
  });

  it('answers success with no rooms on an empty-data fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'empty-data' });

    // Act
    const response = await askRoom(simulator, ROOM);

    // Assess
    expect([response.status, await response.text()]).toEqual([200, '{"result":"success","data":[]}']);
  });

  it("answers another room's data on an other-room fault", async () => {
    // Prepare
    simulator.setFault(SAMPLE_ROOM_IDS.specExample, { kind: 'other-room' });
    simulator.setFault(ROOM, { kind: 'other-room' });

    // Act
    const forFirst = await (await askRoom(simulator, SAMPLE_ROOM_IDS.specExample)).json();
    const forOther = await (await askRoom(simulator, ROOM)).json();

    // Assess
    const [specExample, completed] = sampleRooms();
    expect(forFirst).toEqual({ result: 'success', data: [completed] });
    expect(forOther).toEqual({ result: 'success', data: [specExample] });
  });

  it('makes up a room for other-room when it has no other room', async () => {
    // Prepare
    const lonely = await startSimulator({ token: TOKEN, rooms: [] });
    lonely.setFault('*', { kind: 'other-room' });

    try {
      // Act
      const body = await (await askRoom(lonely, ROOM)).json();

      // Assess
      expect(body).toMatchObject({ result: 'success', data: [{ message: [{}, {}, {}] }] });
      expect(body).not.toHaveProperty(['data', 0, 'chat', 'id'], ROOM);
    } finally {
      await lonely.close();
    }
  });

  it('answers a redirect fault with its status and Location', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'redirect', status: 308, location: 'http://127.0.0.1:9/elsewhere' });

    // Act
    const response = await fetch(`${simulator.url}${CHAT_DATA_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: TOKEN, room_id: ROOM }),
      redirect: 'manual',
    });

    // Assess
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
  });

  it('echoes the request, its token and headers, with the note, on an echo fault', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'echo', note: 'a personal value' });
    simulator.setFault(OTHER, { kind: 'echo', as: 'success', note: 'noted' });

    // Act
    const fail = await readJson(await askRoom(simulator, ROOM));
    const success = await readJson(await askRoom(simulator, OTHER));

    // Assess
    expect(fail.status).toBe(200);
    expect(fail.body).toMatchObject({ result: 'fail', code: -599 });
    const message = (fail.body as { message: string }).message;
    expect(message).toContain(`"token":"${TOKEN}"`);
    expect(message).toContain('"content-type":"application/json"');
    expect(message).toContain('a personal value');
    expect(success.body).toMatchObject({ result: 'success', data: [{ chat: { id: OTHER } }] });
    expect((success.body as { data: { chat: { title: string } }[] }).data[0]?.chat.title).toContain(TOKEN);
  });

  it('applies a fault to its room only', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'status', status: 500 });

    // Act
    const faulty = await askRoom(simulator, ROOM);
    const healthy = await roomSucceeds(simulator, OTHER);

    // Assess
    expect(faulty.status).toBe(500);
    expect(healthy).toBe(true);
  });

  it("applies a '*' fault to every room, even unknown or missing ones, and lets a room's own fault win", async () => {
    // Prepare
    simulator.setFault('*', { kind: 'status', status: 502 });
    simulator.setFault(OTHER, { kind: 'empty-data' });

    // Act
    const statuses = await Promise.all(
      [ROOM, SAMPLE_ROOM_IDS.images, 'Unknown'].map(
        async (roomId) => (await askRoom(simulator, roomId)).status,
      ),
    );
    const own = await (await askRoom(simulator, OTHER)).json();

    // Assess
    expect(statuses).toEqual([502, 502, 502]);
    expect(own).toEqual({ result: 'success', data: [] });
  });

  it('clears a fault after `times` requests', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'status', status: 503, times: 2 });

    // Act
    const first = (await askRoom(simulator, ROOM)).status;
    const second = (await askRoom(simulator, ROOM)).status;
    const third = await roomSucceeds(simulator, ROOM);

    // Assess
    expect([first, second, third]).toEqual([503, 503, true]);
  });

  it('counts a reset fault once per request', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'reset', times: 1 });

    // Act
    const first = await askRoom(simulator, ROOM).then(
      () => 'answered',
      () => 'reset',
    );
    const second = await roomSucceeds(simulator, ROOM);

    // Assess
    expect([first, second]).toEqual(['reset', true]);
  });

  it('clears one fault with undefined and all with clearFaults', async () => {
    // Prepare
    simulator.setFault(ROOM, { kind: 'html' });
    simulator.setFault(OTHER, { kind: 'html' });

    // Act
    simulator.setFault(ROOM, undefined);
    const afterOne = [
      await roomSucceeds(simulator, ROOM),
      (await askRoom(simulator, OTHER)).headers.get('content-type'),
    ];
    simulator.clearFaults();
    const afterAll = await roomSucceeds(simulator, OTHER);

    // Assess
    expect(afterOne).toEqual([true, 'text/html; charset=UTF-8']);
    expect(afterAll).toBe(true);
  });

  it('rejects an invalid fault', () => {
    // Prepare
    const invalid = { kind: 'status', status: 99 } as unknown as SimulatorFault;

    // Act & Assess
    expect(() => simulator.setFault(ROOM, invalid)).toThrow(SimulatorConfigError);
    expect(() => simulator.setFault(ROOM, { kind: 'delay', ms: -1 })).toThrow('invalid fault');
  });
});
