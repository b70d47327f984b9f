import { describe, expect, it } from 'vitest';
import { generateRoom, makeRoomId } from '../../../dev/simulator/generate-room.js';
import { generateHistory } from '../../../dev/simulator/history.js';
import {
  type RoomListResult,
  readRoomListRequest,
  roomListAnswer,
} from '../../../dev/simulator/room-list.js';
import type { SimRoom } from '../../../dev/simulator/room-records.js';

const TODAY = '2024-03-20';

function room(n: number, regDate: string, status = '2'): SimRoom {
  return generateRoom({ roomId: makeRoomId(`list-${n}`), messageCount: 3, status, regDate });
}

const ROOMS = [
  room(1, '2024-03-01 09:00:00'),
  room(2, '2024-03-01 13:00:00', '1'),
  room(3, '2024-03-02 08:00:00'),
  room(4, '2024-03-03 23:00:00', '3'),
  room(5, '2024-03-05 10:00:00'),
];

/** The `data` of a success answer. */
function dataOf(answer: RoomListResult): Record<string, unknown> {
  if (answer.kind !== 'success') throw new Error(`expected success, got fail ${answer.code}`);
  return answer.body.data as Record<string, unknown>;
}

function request(fields: Record<string, unknown>) {
  const parsed = readRoomListRequest(fields, TODAY);
  if (!parsed) throw new Error('the request did not parse');
  return parsed;
}

describe('readRoomListRequest', () => {
  it('applies the documented defaults: today, every status, reg_date desc, 10 per page, page 1', () => {
    // Act
    const parsed = readRoomListRequest({}, TODAY);

    // Assess
    expect(parsed).toEqual({
      sdate: TODAY,
      edate: TODAY,
      status: 99,
      sortKey: 'reg_date',
      sortValue: 'desc',
      limit: 10,
      page: 1,
    });
  });

  it('reads form values as strings, caps limit at 50, and lets sdate/edate win over ndate', () => {
    // Act
    const parsed = readRoomListRequest(
      { ndate: '2024-01-01', sdate: '2024-03-01', edate: '2024-03-03', status: '2', limit: '500', page: '3' },
      TODAY,
    );

    // Assess
    expect(parsed).toMatchObject({ sdate: '2024-03-01', edate: '2024-03-03', status: 2, limit: 50, page: 3 });
  });

  it('refuses a date that is not Y-m-d', () => {
    expect(readRoomListRequest({ sdate: '2024-3-1', edate: '2024-03-02' }, TODAY)).toBeUndefined();
  });
});

describe('roomListAnswer', () => {
  it('lists the rooms registered in the range, filtered by status, sorted and paged, with page and limit as strings', () => {
    // Act
    const answer = roomListAnswer(
      request({ sdate: '2024-03-01', edate: '2024-03-03', status: 2, sort_value: 'asc', limit: 1, page: 2 }),
      ROOMS,
      {},
      TODAY,
    );

    // Assess
    const data = dataOf(answer);
    expect(data).toMatchObject({ page: '2', limit: '1', total_count: 2 });
    const [item] = data.chat_list as Record<string, unknown>[];
    expect(item?.id).toBe(ROOMS[2]?.chat.id);
    expect(item).not.toHaveProperty('vote_score');
    expect(item?.last_message).toBe('고객님이 종료하였습니다.');
  });

  it('sorts by complate_date, descending by default', () => {
    // Act
    const answer = roomListAnswer(
      request({ sdate: '2024-03-01', edate: '2024-03-05', sort_key: 'complate_date', limit: 50 }),
      ROOMS,
      {},
      TODAY,
    );

    // Assess
    const ids = (dataOf(answer).chat_list as { id: string }[]).map((item) => item.id);
    expect(ids).toEqual([ROOMS[4], ROOMS[3], ROOMS[2], ROOMS[0], ROOMS[1]].map((r) => r?.chat.id));
  });

  it.each([
    ['a range longer than maxDays', { sdate: '2024-03-01', edate: '2024-03-08' }, { maxDays: 7 }],
    ['a range older than maxAgeDays', { sdate: '2024-02-01', edate: '2024-02-02' }, { maxAgeDays: 30 }],
    ['a reversed range', { sdate: '2024-03-05', edate: '2024-03-01' }, {}],
  ])('answers -504 overDate to %s', (_case, fields, window) => {
    // Act
    const answer = roomListAnswer(request(fields), ROOMS, window, TODAY);

    // Assess
    expect(answer).toEqual({ kind: 'fail', code: -504, message: 'overDate' });
  });
});

describe('generateHistory', () => {
  it('gives every day 75% to 125% of roomsPerDay, registered that day in order, with a mix of statuses', () => {
    // Act
    const rooms = generateHistory({ from: '2024-02-27', days: 5, roomsPerDay: 40, seed: 7 });

    // Assess
    const byDay = new Map<string, SimRoom[]>();
    for (const r of rooms) {
      const day = String(r.chat.reg_date).slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), r]);
    }
    expect([...byDay.keys()]).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
    for (const dayRooms of byDay.values()) {
      expect(dayRooms.length).toBeGreaterThanOrEqual(30);
      expect(dayRooms.length).toBeLessThanOrEqual(50);
      const times = dayRooms.map((r) => String(r.chat.reg_date));
      expect([...times].sort()).toEqual(times);
    }
    const statuses = new Set(rooms.map((r) => r.chat.status));
    expect([...statuses].sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(new Set(rooms.map((r) => r.chat.id)).size).toBe(rooms.length);
    const open = rooms.filter((r) => r.chat.status === '1');
    expect(open.every((r) => r.chat.complate_date === '0000-00-00 00:00:00')).toBe(true);
  });

  it('gives rooms before the V2 deadline V1 templates, and rooms from it on V2 templates and tags', () => {
    // Act
    const rooms = generateHistory({ from: '2026-06-20', days: 20, roomsPerDay: 20, seed: 11 });

    // Assess
    const older = rooms.filter((room) => String(room.chat.reg_date) < '2026-06-30');
    const newer = rooms.filter((room) => String(room.chat.reg_date) >= '2026-06-30');
    const payloads = (list: SimRoom[]) =>
      list.flatMap((room) =>
        room.message
          .filter((message) => ['nomal', 'normal', 'template'].includes(String(message.contents_type)))
          .map((message) => JSON.parse(String(message.contents)) as Record<string, unknown>),
      );
    expect(older.length).toBeGreaterThan(100);
    expect(newer.length).toBeGreaterThan(100);
    expect(payloads(older).every((payload) => 'text' in payload && !('buttonList' in payload))).toBe(true);
    expect(older.every((room) => room.chat.tags === undefined)).toBe(true);
    const v2 = payloads(newer);
    expect(v2.every((payload) => 'buttonList' in payload && 'message' in payload)).toBe(true);
    const types = new Set(
      v2.flatMap((payload) => (payload.buttonList as { type: string }[]).map((button) => button.type)),
    );
    expect(types).toEqual(new Set(['TEXT', 'WEB_LINK', 'APP_LINK', 'PHONE']));
    expect(v2.some((payload) => payload.isLocked === true)).toBe(true);
    expect(v2.some((payload) => payload.message === '')).toBe(true);
    const tags = newer.map((room) => room.chat.tags);
    expect(tags.some((value) => Array.isArray(value))).toBe(true);
    expect(tags.some((value) => typeof value === 'string' && value.includes('|'))).toBe(true);
    expect(tags.some((value) => value === undefined)).toBe(true);
  });

  it('moves the V2 switch to templateV2From, and refuses one that is not a date', () => {
    // Act
    const [room] = generateHistory({
      from: '2024-03-01',
      days: 1,
      roomsPerDay: 1,
      templateV2From: '2024-03-01',
    });
    const act = () =>
      generateHistory({ from: '2024-03-01', days: 1, roomsPerDay: 1, templateV2From: 'soon' });

    // Assess
    expect(JSON.parse(String(room?.message[0]?.contents))).toMatchObject({ isLocked: true });
    expect(act).toThrow('templateV2From must be a date YYYY-MM-DD, received "soon"');
  });

  it('is the same for the same options', () => {
    // Act
    const first = generateHistory({ from: '2024-01-01', days: 2, roomsPerDay: 5, seed: 3 });
    const second = generateHistory({ from: '2024-01-01', days: 2, roomsPerDay: 5, seed: 3 });

    // Assess
    expect(second).toEqual(first);
  });
});
