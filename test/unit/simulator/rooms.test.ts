import { describe, expect, it } from 'vitest';
import { InvalidSimRoomError } from '../../../dev/simulator/errors.js';
import { makeRoomId } from '../../../dev/simulator/generate-room.js';
import {
  DOCUMENTED_CHAT_FIELDS,
  DOCUMENTED_MESSAGE_FIELDS,
  DOCUMENTED_V2_TEMPLATE,
  type SimRoom,
  simRoomId,
} from '../../../dev/simulator/room-records.js';
import { SAMPLE_ROOM_IDS, type SampleRoomName, sampleRooms } from '../../../dev/simulator/sample-rooms.js';

const ROOM_ID = /^[A-Za-z0-9]{30}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function sampleRoom(name: SampleRoomName): SimRoom {
  const room = sampleRooms().find((candidate) => candidate.chat.id === SAMPLE_ROOM_IDS[name]);
  if (room === undefined) {
    throw new Error(`no sample room ${name}`);
  }
  return room;
}

function column(room: SimRoom, field: string): unknown[] {
  return room.message.map((message) => message[field]);
}

function parsesAsJson(text: unknown): boolean {
  try {
    JSON.parse(String(text));
    return true;
  } catch {
    return false;
  }
}

describe('sampleRooms', () => {
  it('returns one room per sample id, in the order of SAMPLE_ROOM_IDS', () => {
    // Act
    const ids = sampleRooms().map((room) => room.chat.id);

    // Assess
    expect(ids).toEqual(Object.values(SAMPLE_ROOM_IDS));
  });

  it('uses 30-character alphanumeric room ids', () => {
    // Act
    const ids = Object.values(SAMPLE_ROOM_IDS);

    // Assess
    expect(ids.filter((id) => !ROOM_ID.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every room every documented chat field, as strings or the documented nulls', () => {
    // Act
    const rooms = sampleRooms();

    // Assess
    for (const room of rooms) {
      for (const field of DOCUMENTED_CHAT_FIELDS) {
        expect(room.chat, `${String(room.chat.id)}.${field}`).toHaveProperty(field);
        const value = room.chat[field];
        const nullable = field === 'users_id' || field === 'vote_score' || field === 'vote_comment';
        expect(typeof value === 'string' || (nullable && value === null), `${field}: ${String(value)}`).toBe(
          true,
        );
      }
      expect(String(room.chat.reg_date)).toMatch(DATETIME);
      expect(String(room.chat.complate_date)).toMatch(DATETIME);
    }
  });

  it('gives every message every documented field as a string', () => {
    // Act
    const messages = sampleRooms().flatMap((room) => room.message);

    // Assess
    expect(messages.length).toBeGreaterThan(30);
    for (const message of messages) {
      for (const field of DOCUMENTED_MESSAGE_FIELDS) {
        expect(typeof message[field], `${String(message.id)}.${field}`).toBe('string');
      }
      expect(String(message.id)).toMatch(/^\d+$/);
      expect(String(message.send_date)).toMatch(DATETIME);
    }
  });

  it('keeps message ids increasing in every room but oddCodes', () => {
    // Act
    const rooms = sampleRooms().filter((room) => room.chat.id !== SAMPLE_ROOM_IDS.oddCodes);

    // Assess
    for (const room of rooms) {
      const ids = column(room, 'id').map(Number);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('returns fresh objects on every call', () => {
    // Prepare
    const first = sampleRooms();

    // Act
    first[0]?.message.push({ id: '1' });
    if (first[0] !== undefined) {
      first[0].chat.title = 'changed';
    }

    // Assess
    expect(sampleRooms()[0]?.chat.title).toBe('1:1 채팅 상담 문의 드립니다.');
    expect(sampleRooms()[0]?.message).toHaveLength(1);
  });

  it('describes the completed room: memo, bot, order number, phone number, emoji, newlines, vote', () => {
    // Act
    const room = sampleRoom('completed');
    const contents = column(room, 'contents').join('\n');

    // Assess
    expect(room.chat.status).toBe('2');
    expect(room.chat.order_number).toBe('20240304-0012345');
    expect(room.chat.vote_score).toBe('5');
    expect(room.chat.vote_comment).toContain('감사합니다');
    expect(column(room, 'type')).toContain('M');
    expect(new Set(column(room, 'user_type'))).toEqual(new Set(['B', 'C', 'H']));
    expect(contents).toMatch(/010-\d{4}-\d{4}/);
    expect(contents).toMatch(/\p{Extended_Pictographic}/u);
    expect(room.message.some((message) => String(message.contents).includes('\n'))).toBe(true);
  });

  it('describes the open room with a zero complate_date', () => {
    // Act
    const room = sampleRoom('open');

    // Assess
    expect(room.chat.status).toBe('1');
    expect(room.chat.complate_date).toBe('0000-00-00 00:00:00');
  });

  it('describes image messages as https URLs on a happytalk.io host', () => {
    // Act
    const images = sampleRoom('images').message.filter((message) => message.contents_type === 'image');

    // Assess
    expect(images).toHaveLength(3);
    for (const image of images) {
      const url = new URL(String(image.contents));
      expect(url.protocol).toBe('https:');
      expect(url.hostname.endsWith('.happytalk.io')).toBe(true);
      expect(url.pathname).toMatch(/^\/data\/chat_data\/\d{4}_\d{2}_\d{2}\/[0-9a-f]{32}_w\.png$/);
    }
  });

  it('describes buttons: nomal and normal JSON, a template, and one broken button', () => {
    // Act
    const room = sampleRoom('buttons');
    const byType = (type: string) => room.message.filter((message) => message.contents_type === type);

    // Assess
    const nomal = byType('nomal');
    expect(nomal).toHaveLength(2);
    expect(nomal.filter((message) => parsesAsJson(message.contents))).toHaveLength(1);
    expect(String(nomal[0]?.contents)).toContain('\\uc8fc\\ubb38');
    expect(JSON.parse(String(nomal[0]?.contents))).toMatchObject({
      link: { name: ['주문 조회', '배송 조회', '상담사 연결'] },
    });
    expect(byType('normal')).toHaveLength(1);
    expect(JSON.parse(String(byType('normal')[0]?.contents))).toMatchObject({
      text: expect.stringContaining('배송 조회'),
      link: { name: ['배송 상세 보기'], url: [expect.stringMatching(/^https:\/\//)] },
      image_url: '',
    });
    expect(byType('template')).toHaveLength(1);
    expect(parsesAsJson(byType('template')[0]?.contents)).toBe(true);
  });

  it('describes odd codes, unknown fields, a null users_id, a duplicate and messages out of order', () => {
    // Act
    const room = sampleRoom('oddCodes');
    const ids = column(room, 'id').map(Number);

    // Assess
    expect(room.chat).toMatchObject({
      status: '7',
      parcel_companycode: 'W',
      phone_os: 'I',
      out_api: '2',
      users_id: null,
      tags: ['VIP', '재문의'],
      user_parameter: { member_grade: 'VVIP' },
    });
    expect(new Set(column(room, 'user_type'))).toEqual(new Set(['Q', 'A', '1', '2', 'C']));
    expect(new Set(ids).size).toBe(ids.length - 1);
    expect(ids).not.toEqual([...ids].sort((a, b) => a - b));
    expect(room.message.some((message) => 'reply_to' in message)).toBe(true);
  });
});

describe('sampleRooms of template V2', () => {
  const templates = (room: SimRoom) =>
    room.message
      .filter((message) => message.contents_type === 'template')
      .map((message) => JSON.parse(String(message.contents)) as Record<string, unknown>);

  it('describes a room of today with V2 templates of several button types, isLocked, and nothing readable', () => {
    // Act
    const room = sampleRoom('templatesV2');
    const payloads = templates(room);
    const buttonTypes = payloads.flatMap((payload) =>
      Array.isArray(payload.buttonList)
        ? payload.buttonList.map((button: { type: string }) => button.type)
        : [],
    );

    // Assess
    expect(String(room.chat.reg_date) >= '2026-06-30').toBe(true);
    expect(new Set(buttonTypes)).toEqual(new Set(['TEXT', 'WEB_LINK', 'APP_LINK', 'PHONE']));
    expect(payloads.some((payload) => payload.isLocked === true)).toBe(true);
    expect(
      payloads.some(
        (payload) =>
          payload.message === '' && Array.isArray(payload.buttonList) && payload.buttonList.length === 0,
      ),
    ).toBe(true);
    expect(payloads.some((payload) => typeof payload.image === 'object')).toBe(true);
    expect(room.message.map((message) => message.contents)).toContain(DOCUMENTED_V2_TEMPLATE);
    expect(room.chat.tags).toEqual(['#배송문의', '#챗봇']);
    expect(JSON.parse(String(room.chat.user_parameter))).toEqual({ member_grade: 'GOLD', entry: 'app_home' });
  });

  it('describes a counselor sending V2 templates, a V1 button, and tags in the archive form', () => {
    // Act
    const room = sampleRoom('counselorV2');
    const [guide] = templates(room);
    const v1 = room.message.find((message) => message.contents_type === 'normal');

    // Assess
    expect(guide).toMatchObject({ imageUrl: expect.stringMatching(/^https:\/\/static\.happytalk\.io\//) });
    expect(JSON.parse(String(v1?.contents))).toMatchObject({
      text: expect.any(String),
      link: { url: [expect.any(String)] },
    });
    expect(room.chat.tags).toBe('#반품|#재문의');
    expect(new Set(column(room, 'user_type'))).toEqual(new Set(['C', 'H']));
  });
});

describe('simRoomId', () => {
  it('reads a string or numeric chat.id', () => {
    // Act & Assess
    expect(simRoomId({ chat: { id: 'abc' }, message: [] })).toBe('abc');
    expect(simRoomId({ chat: { id: 42 }, message: [] })).toBe('42');
  });

  it('rejects a room without an id, naming the value received', () => {
    // Act & Assess
    expect(() => simRoomId({ chat: { id: '' }, message: [] })).toThrow(InvalidSimRoomError);
    expect(() => simRoomId({ chat: {}, message: [] })).toThrow('received undefined');
  });
});

describe('makeRoomId', () => {
  it('makes the same 30-character alphanumeric id for the same seed', () => {
    // Act
    const first = makeRoomId('load-test');
    const again = makeRoomId('load-test');
    const other = makeRoomId(7);

    // Assess
    expect(first).toMatch(ROOM_ID);
    expect(again).toBe(first);
    expect(other).toMatch(ROOM_ID);
    expect(other).not.toBe(first);
  });
});
