import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateRoom } from '../../../dev/simulator/generate-room.js';
import { SAMPLE_ROOM_IDS } from '../../../dev/simulator/sample-rooms.js';
import { type Simulator, startSimulator } from '../../../dev/simulator/server.js';
import { askRoom, TOKEN } from './helpers.js';

function control(simulator: Simulator, path: string, method: string, body?: unknown): Promise<Response> {
  return fetch(`${simulator.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

describe('simulator control API', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ token: TOKEN });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('sets a fault with POST /__simulator/faults', async () => {
    // Act
    const response = await control(simulator, '/__simulator/faults', 'POST', {
      room_id: SAMPLE_ROOM_IDS.open,
      fault: { kind: 'fail', code: -504, message: 'overDate', times: 1 },
    });
    const faulted = await (await askRoom(simulator, SAMPLE_ROOM_IDS.open)).json();
    const next = await (await askRoom(simulator, SAMPLE_ROOM_IDS.open)).json();

    // Assess
    expect([response.status, await response.json()]).toEqual([200, { ok: true }]);
    expect(faulted).toEqual({ result: 'fail', code: -504, message: 'overDate' });
    expect(next).toMatchObject({ result: 'success' });
  });

  it('clears one fault with a null fault and all with DELETE', async () => {
    // Prepare
    simulator.setFault(SAMPLE_ROOM_IDS.open, { kind: 'status', status: 500 });
    simulator.setFault('*', { kind: 'status', status: 503 });

    // Act
    await control(simulator, '/__simulator/faults', 'POST', { room_id: SAMPLE_ROOM_IDS.open, fault: null });
    const afterNull = (await askRoom(simulator, SAMPLE_ROOM_IDS.open)).status;
    const deleted = await control(simulator, '/__simulator/faults', 'DELETE');
    const afterDelete = (await askRoom(simulator, SAMPLE_ROOM_IDS.open)).status;

    // Assess
    expect(afterNull).toBe(503);
    expect([deleted.status, await deleted.json()]).toEqual([200, { ok: true }]);
    expect(afterDelete).toBe(200);
  });

  it.each([
    ['an unknown kind', { room_id: '*', fault: { kind: 'explode' } }],
    ['a missing room_id', { fault: { kind: 'reset' } }],
    ['a typo in a field', { room_id: '*', fault: { kind: 'delay', msec: 5 } }],
    ['malformed JSON', '{"room_id":'],
  ])('answers 400 to %s and sets nothing', async (_case, body) => {
    // Act
    const response = await control(simulator, '/__simulator/faults', 'POST', body);
    const answer = (await response.json()) as { error?: unknown };

    // Assess
    expect(response.status).toBe(400);
    expect(String(answer.error)).toMatch(/^invalid fault request: /);
    expect((await askRoom(simulator, SAMPLE_ROOM_IDS.open)).status).toBe(200);
  });

  it('lists rooms with GET /__simulator/rooms', async () => {
    // Act
    const response = await control(simulator, '/__simulator/rooms', 'GET');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({
      rooms: [
        { id: SAMPLE_ROOM_IDS.specExample, status: '2', message_count: 1 },
        { id: SAMPLE_ROOM_IDS.completed, status: '2', message_count: 12 },
        { id: SAMPLE_ROOM_IDS.open, status: '1', message_count: 4 },
        { id: SAMPLE_ROOM_IDS.images, status: '2', message_count: 7 },
        { id: SAMPLE_ROOM_IDS.buttons, status: '4', message_count: 7 },
        { id: SAMPLE_ROOM_IDS.oddCodes, status: '7', message_count: 8 },
        { id: SAMPLE_ROOM_IDS.templatesV2, status: '2', message_count: 10 },
        { id: SAMPLE_ROOM_IDS.counselorV2, status: '2', message_count: 6 },
      ],
    });
  });

  it('adds a room with POST /__simulator/rooms', async () => {
    // Prepare
    const room = generateRoom({ roomId: 'ControlRoom0000000000000000001', messageCount: 1_000, status: '1' });

    // Act
    const response = await control(simulator, '/__simulator/rooms', 'POST', room);
    const served = await (await askRoom(simulator, 'ControlRoom0000000000000000001')).json();
    const listed = (await (await control(simulator, '/__simulator/rooms', 'GET')).json()) as {
      rooms: unknown[];
    };

    // Assess
    expect([response.status, await response.json()]).toEqual([201, { id: 'ControlRoom0000000000000000001' }]);
    expect(served).toEqual({ result: 'success', data: [room] });
    expect(listed.rooms.at(-1)).toEqual({
      id: 'ControlRoom0000000000000000001',
      status: '1',
      message_count: 1_000,
    });
  });

  it.each([
    ['a room without chat.id', { chat: {}, message: [] }],
    ['a room without messages', { chat: { id: 'abc' } }],
    ['messages that are not objects', { chat: { id: 'abc' }, message: ['hi'] }],
  ])('answers 400 to %s', async (_case, body) => {
    // Act
    const response = await control(simulator, '/__simulator/rooms', 'POST', body);
    const answer = (await response.json()) as { error?: unknown };

    // Assess
    expect(response.status).toBe(400);
    expect(String(answer.error)).toMatch(/^invalid room: /);
  });

  it.each([
    ['/__simulator/faults', 'GET', 'POST, DELETE'],
    ['/__simulator/rooms', 'DELETE', 'GET, POST'],
  ])('answers 405 to an unsupported method on %s', async (path, method, allowed) => {
    // Act
    const response = await control(simulator, path, method);

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allowed);
  });
});
