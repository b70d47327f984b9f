import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  generateHistory,
  ROOM_LIST_FAULT_KEY,
  type Simulator,
  startSimulator,
} from '../../../dev/simulator/index.js';
import { StaticCredentialsProvider } from '../../../lib/credentials/provider.js';
import { HappyTalkClient } from '../../../lib/happytalk/client.js';
import { OverDateError } from '../../../lib/happytalk/errors.js';
import { CHAT_ROOM_LISTS_PATH, HappyTalkRoomListClient } from '../../../lib/happytalk/room-list.js';
import { readJson, TOKEN } from './helpers.js';

const HISTORY = generateHistory({ from: '2024-03-01', days: 3, roomsPerDay: 30, seed: 2 });

let simulator: Simulator;

function client(): HappyTalkRoomListClient {
  return new HappyTalkRoomListClient({
    credentials: new StaticCredentialsProvider({ token: TOKEN }),
    baseUrl: simulator.url,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

function postList(body: unknown): Promise<Response> {
  return fetch(`${simulator.url}${CHAT_ROOM_LISTS_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  simulator = await startSimulator({
    token: TOKEN,
    rooms: HISTORY,
    queryWindow: { maxDays: 2, maxAgeDays: 30 },
    today: '2024-03-20',
  });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  simulator.clearFaults();
  simulator.resetRequests();
});

describe('the simulator room list', () => {
  it('pages through the rooms of a range, PHP-encoded, with page and limit as strings', async () => {
    // Act
    const first = await readJson(
      await postList({ token: TOKEN, sdate: '2024-03-01', edate: '2024-03-02', limit: 50 }),
    );
    const pages = [];
    for (let page = 1; page <= 3; page++) {
      pages.push(await client().listPage({ from: '2024-03-01', to: '2024-03-02', page }));
    }

    // Assess
    const inRange = HISTORY.filter((room) => String(room.chat.reg_date) < '2024-03-03');
    expect(first).toMatchObject({
      status: 200,
      body: { result: 'success', data: { page: '1', limit: '50', total_count: inRange.length } },
    });
    expect(pages.flatMap((page) => page.rooms.map((room) => room.roomId)).sort()).toEqual(
      inRange.map((room) => String(room.chat.id)).sort(),
    );
    expect(simulator.roomListRequests.every((request) => request.tokenPresent)).toBe(true);
    expect(JSON.stringify(simulator.roomListRequests)).not.toContain(TOKEN);
  });

  it('answers -501 to a wrong token, and -504 overDate to a range over the window', async () => {
    // Act
    const wrongToken = await readJson(
      await postList({ token: 'nope', sdate: '2024-03-01', edate: '2024-03-01' }),
    );
    const tooLong = client().listPage({ from: '2024-03-01', to: '2024-03-03' });

    // Assess
    expect(wrongToken.body).toEqual({ result: 'fail', code: -501, message: 'token' });
    await expect(tooLong).rejects.toThrow(OverDateError);
    expect(simulator.roomListRequests.map((request) => request.answer)).toEqual([-501, -504]);
  });

  it('takes its own faults, retried by the client like chat_data', async () => {
    // Prepare
    simulator.setFault(ROOM_LIST_FAULT_KEY, { kind: 'status', status: 503, times: 2 });

    // Act
    const page = await client().listPage({ from: '2024-03-01', to: '2024-03-01' });

    // Assess
    expect(page.attempts).toBe(3);
    expect(simulator.requests).toEqual([]);
  });

  it('answers chat_data with -504 overDate for a room older than maxAgeDays', async () => {
    // Prepare
    const old = generateHistory({ from: '2024-01-02', days: 1, roomsPerDay: 1, seed: 9 })[0];
    if (!old) throw new Error('no room generated');
    simulator.addRoom(old);
    const chatData = new HappyTalkClient({
      credentials: new StaticCredentialsProvider({ token: TOKEN }),
      baseUrl: simulator.url,
    });

    // Act
    const act = chatData.fetchRoom(String(old.chat.id));

    // Assess
    await expect(act).rejects.toThrow(OverDateError);
  });
});
