import { afterEach, describe, expect, it } from 'vitest';
import {
  controlCompletePath,
  generateLiveRooms,
  type LiveRoomPlan,
  SAMPLE_ROOM_IDS,
  type Simulator,
  startSimulator,
} from '../../../dev/simulator/index.js';
import { StaticCredentialsProvider } from '../../../lib/credentials/provider.js';
import { HappyTalkRoomListClient } from '../../../lib/happytalk/room-list.js';
import { askRoom, TOKEN } from './helpers.js';

// 2024-06-12 09:00 in Seoul.
const START = new Date('2024-06-12T00:00:00Z');
const MINUTE = 60_000;

let simulator: Simulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function chatOf(sim: Simulator, roomId: string): Promise<Record<string, unknown> | undefined> {
  const body = (await (await askRoom(sim, roomId)).json()) as {
    result: string;
    data?: { chat: Record<string, unknown>; message: Record<string, unknown>[] }[];
  };
  return body.result === 'success' ? body.data?.[0]?.chat : undefined;
}

function listToday(sim: Simulator) {
  return new HappyTalkRoomListClient({
    credentials: new StaticCredentialsProvider({ token: TOKEN }),
    baseUrl: sim.url,
  }).listPage({ from: '2024-06-12', to: '2024-06-12', sortKey: 'complate_date', sortOrder: 'desc' });
}

describe('live rooms', () => {
  it('open when the clock reaches their registration and finish when it reaches their end', async () => {
    // Prepare
    const clock = { now: START };
    const plan: LiveRoomPlan = {
      roomId: 'liveRoom1',
      registeredAt: new Date(START.getTime() + 10 * MINUTE),
      finishesAt: new Date(START.getTime() + 70 * MINUTE),
      finalStatus: '4',
      openStatus: '-1',
    };
    simulator = await startSimulator({ token: TOKEN, clock: () => clock.now, liveRooms: [plan] });

    // Act
    const before = await chatOf(simulator, 'liveRoom1');
    clock.now = new Date(START.getTime() + 30 * MINUTE);
    const open = await chatOf(simulator, 'liveRoom1');
    const listedOpen = await listToday(simulator);
    clock.now = new Date(START.getTime() + 90 * MINUTE);
    const finished = await chatOf(simulator, 'liveRoom1');
    const listedFinished = await listToday(simulator);

    // Assess
    expect(before).toBeUndefined();
    expect(open).toMatchObject({
      status: '-1',
      reg_date: '2024-06-12 09:10:00',
      complate_date: '0000-00-00 00:00:00',
    });
    expect(listedOpen.rooms).toEqual([
      {
        roomId: 'liveRoom1',
        status: '-1',
        regDate: '2024-06-12 09:10:00',
        completeDate: '0000-00-00 00:00:00',
      },
    ]);
    expect(finished).toMatchObject({ status: '4', complate_date: '2024-06-12 10:10:00' });
    expect(listedFinished.rooms[0]).toMatchObject({ status: '4', completeDate: '2024-06-12 10:10:00' });
  });

  it('are generated the same for the same seed: completed, chatbot-ended and unfinished ones', () => {
    // Act
    const options = { start: START, spanMs: 86_400_000, rooms: 200, seed: 3 };
    const plans = generateLiveRooms(options);

    // Assess
    expect(generateLiveRooms(options)).toEqual(plans);
    expect(new Set(plans.map((plan) => plan.roomId)).size).toBe(200);
    const finishing = plans.filter((plan) => plan.finishesAt !== undefined);
    expect(finishing.length).toBeGreaterThan(150);
    expect(finishing.length).toBeLessThan(200);
    expect(finishing.some((plan) => plan.finalStatus === '4')).toBe(true);
    expect(finishing.every((plan) => (plan.finishesAt?.getTime() ?? 0) >= plan.registeredAt.getTime())).toBe(
      true,
    );
    expect(new Set(plans.map((plan) => plan.openStatus))).toEqual(new Set(['-2', '-1', '0', '1']));
  });
});

describe('POST /__simulator/rooms/{room_id}/complete', () => {
  it('finishes an open room now, with a closing message, as the room list and chat_data then say', async () => {
    // Prepare
    const clock = { now: START };
    simulator = await startSimulator({ token: TOKEN, clock: () => clock.now });
    clock.now = new Date(START.getTime() + 5 * MINUTE);

    // Act
    const response = await fetch(`${simulator.url}${controlCompletePath(SAMPLE_ROOM_IDS.open)}`, {
      method: 'POST',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: SAMPLE_ROOM_IDS.open,
      status: '2',
      complate_date: '2024-06-12 09:05:00',
    });
    const body = (await (await askRoom(simulator, SAMPLE_ROOM_IDS.open)).json()) as {
      data: { chat: Record<string, unknown>; message: Record<string, unknown>[] }[];
    };
    expect(body.data[0]?.chat).toMatchObject({ status: '2', complate_date: '2024-06-12 09:05:00' });
    expect(body.data[0]?.message.at(-1)).toMatchObject({
      contents: '고객님이 종료하였습니다.',
      send_date: '2024-06-12 09:05:00',
    });
  });

  it('ends a room in the chatbot with status 4', async () => {
    // Prepare
    simulator = await startSimulator({ token: TOKEN });

    // Act
    const response = await fetch(`${simulator.url}${controlCompletePath(SAMPLE_ROOM_IDS.open)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 4 }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await chatOf(simulator, SAMPLE_ROOM_IDS.open)).toMatchObject({ status: '4' });
  });

  it.each([
    ['an unknown room', 'noSuchRoom', undefined, 404],
    ['a room already finished', SAMPLE_ROOM_IDS.completed, undefined, 409],
    ['a status that is not a final one', SAMPLE_ROOM_IDS.open, { status: 1 }, 400],
    ['an unknown field', SAMPLE_ROOM_IDS.open, { stauts: 2 }, 400],
    ['a body that is not JSON', SAMPLE_ROOM_IDS.open, 'nope', 400],
  ])('refuses %s', async (_name, roomId, body, status) => {
    // Prepare
    simulator = await startSimulator({ token: TOKEN });

    // Act
    const response = await fetch(`${simulator.url}${controlCompletePath(roomId)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

    // Assess
    expect(response.status).toBe(status);
    expect(await response.json()).toHaveProperty('error');
    expect(await chatOf(simulator, SAMPLE_ROOM_IDS.open)).toMatchObject({ status: '1' });
  });

  it('answers 405 to another method', async () => {
    simulator = await startSimulator({ token: TOKEN });

    const response = await fetch(`${simulator.url}${controlCompletePath(SAMPLE_ROOM_IDS.open)}`);

    expect(response.status).toBe(405);
  });
});
