import { describe, expect, it } from 'vitest';
import { InvalidSimRoomError } from '../../../dev/simulator/errors.js';
import { generateRoom } from '../../../dev/simulator/generate-room.js';
import { DOCUMENTED_CHAT_FIELDS } from '../../../dev/simulator/room-records.js';

const ROOM_ID = 'GenR00mAbCdEfGhIjKlMnOpQrStUv';

describe('generateRoom', () => {
  it.each([0, 1, 2, 1_000, 50_000])('makes exactly %i messages', (messageCount) => {
    // Act
    const room = generateRoom({ roomId: ROOM_ID, messageCount });

    // Assess
    expect(room.message).toHaveLength(messageCount);
    expect(room.chat.id).toBe(ROOM_ID);
  });

  it('makes the same room for the same options', () => {
    // Act
    const first = generateRoom({ roomId: ROOM_ID, messageCount: 1_000, seed: 42 });
    const again = generateRoom({ roomId: ROOM_ID, messageCount: 1_000, seed: 42 });

    // Assess
    expect(again).toEqual(first);
  });

  it('makes a different room for another seed or room id', () => {
    // Act
    const base = generateRoom({ roomId: ROOM_ID, messageCount: 200, seed: 1 });
    const otherSeed = generateRoom({ roomId: ROOM_ID, messageCount: 200, seed: 2 });
    const otherRoom = generateRoom({ roomId: `${ROOM_ID}x`, messageCount: 200 });
    const sameRoomDefaultSeed = generateRoom({ roomId: `${ROOM_ID}x`, messageCount: 200 });

    // Assess
    expect(otherSeed.message).not.toEqual(base.message);
    expect(otherRoom.message).not.toEqual(base.message);
    expect(sameRoomDefaultSeed).toEqual(otherRoom);
  });

  it('keeps the chat fields and earlier messages when the same room grows', () => {
    // Act
    const open = generateRoom({ roomId: ROOM_ID, messageCount: 3, status: '1' });
    const grown = generateRoom({ roomId: ROOM_ID, messageCount: 5, status: '2' });

    // Assess
    const { status: openStatus, complate_date: openEnd, ...openChat } = open.chat;
    const { status: grownStatus, complate_date: grownEnd, ...grownChat } = grown.chat;
    expect(grownChat).toEqual(openChat);
    expect([openStatus, openEnd, grownStatus, grownEnd]).toEqual([
      '1',
      '0000-00-00 00:00:00',
      '2',
      grown.message[4]?.send_date,
    ]);
    expect(grown.message.slice(0, 3)).toEqual(open.message);
  });

  it('gives strictly increasing numeric message ids and never-decreasing send dates', () => {
    // Act
    const room = generateRoom({ roomId: ROOM_ID, messageCount: 5_000 });

    // Assess
    const ids = room.message.map((message) => Number(message.id));
    const dates = room.message.map((message) => String(message.send_date));
    expect(room.message.every((message) => /^\d+$/.test(String(message.id)))).toBe(true);
    expect(ids.every((id, index) => index === 0 || id > (ids[index - 1] ?? Number.POSITIVE_INFINITY))).toBe(
      true,
    );
    expect(dates.every((date, index) => index === 0 || date >= (dates[index - 1] ?? ''))).toBe(true);
  });

  it('mixes customer, counselor, bot, memo and image messages', () => {
    // Act
    const room = generateRoom({ roomId: ROOM_ID, messageCount: 2_000, seed: 9 });

    // Assess
    expect(new Set(room.message.map((message) => message.user_type))).toEqual(new Set(['B', 'C', 'H']));
    expect(room.message.some((message) => message.type === 'M')).toBe(true);
    const image = room.message.find((message) => message.contents_type === 'image');
    expect(String(image?.contents)).toMatch(
      /^https:\/\/static\.happytalk\.io\/data\/chat_data\/\d{4}_\d{2}_\d{2}\/[0-9a-f]{32}_w\.png$/,
    );
  });

  it('completes a room by default: ends with the customer closing, complate_date at the last message', () => {
    // Act
    const room = generateRoom({ roomId: ROOM_ID, messageCount: 10, regDate: '2024-12-31 23:59:50' });

    // Assess
    const last = room.message.at(-1);
    expect(room.chat.status).toBe('2');
    expect(room.chat.reg_date).toBe('2024-12-31 23:59:50');
    expect(room.message[0]?.send_date).toBe('2024-12-31 23:59:50');
    expect(last?.contents).toBe('고객님이 종료하였습니다.');
    expect(room.chat.complate_date).toBe(last?.send_date);
    expect(String(room.chat.complate_date) > '2025-01-01 00:00:00').toBe(true);
  });

  it('leaves an open room open', () => {
    // Act
    const room = generateRoom({ roomId: ROOM_ID, messageCount: 10, status: '1' });

    // Assess
    expect(room.chat.status).toBe('1');
    expect(room.chat.complate_date).toBe('0000-00-00 00:00:00');
    expect(room.message.at(-1)?.contents).not.toBe('고객님이 종료하였습니다.');
  });

  it('fills every documented chat field', () => {
    // Act
    const room = generateRoom({ roomId: ROOM_ID, messageCount: 3 });

    // Assess
    expect(Object.keys(room.chat)).toEqual([...DOCUMENTED_CHAT_FIELDS]);
  });

  it('generates 100,000 messages in under two seconds', () => {
    // Prepare
    const started = performance.now();

    // Act
    const room = generateRoom({ roomId: ROOM_ID, messageCount: 100_000 });

    // Assess
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(room.message).toHaveLength(100_000);
  });

  it.each([
    [{ roomId: '', messageCount: 1 }, 'roomId must be a non-empty string, received ""'],
    [{ roomId: ROOM_ID, messageCount: -1 }, 'messageCount must be an integer from 0, received -1'],
    [{ roomId: ROOM_ID, messageCount: 1.5 }, 'messageCount must be an integer from 0, received 1.5'],
    [{ roomId: ROOM_ID, messageCount: 1, regDate: '2024-02-30 10:00:00' }, 'regDate must be a real date'],
    [{ roomId: ROOM_ID, messageCount: 1, regDate: '2024-02-01T10:00:00Z' }, 'regDate must look like'],
  ])('rejects %j', (options, message) => {
    // Act & Assess
    expect(() => generateRoom(options)).toThrow(InvalidSimRoomError);
    expect(() => generateRoom(options)).toThrow(message);
  });
});
