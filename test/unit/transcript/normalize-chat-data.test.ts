import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChatData } from '../../../lib/happytalk/client.js';
import { InvalidTimeZoneError } from '../../../lib/transcript/errors.js';
import {
  type NormalizeRoomOptions,
  normalizeRoom,
  type TranscriptSource,
  transcriptOf,
} from '../../../lib/transcript/normalize.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { rawChat, rawMessage } from './builders.js';

const EXAMPLE = new Uint8Array(
  readFileSync(new URL('../../fixtures/chat-data-example.json', import.meta.url)),
);
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
const FETCHED_AT = new Date('2022-05-26T01:31:07.000Z');
const encoder = new TextEncoder();

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function body(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function success(...rooms: unknown[]): Uint8Array {
  return body({ result: 'success', data: rooms });
}

function room(id: string, messageId = '1'): unknown {
  return { chat: rawChat({ id }), message: [rawMessage({ id: messageId })] };
}

/** The production path: parse the bytes once, then normalize the room with the response it came from. */
function normalize(
  bytes: Uint8Array,
  options: Omit<NormalizeRoomOptions, 'response'> & Pick<TranscriptSource, 'archiverVersion'> = {},
) {
  const { archiverVersion, ...roomOptions } = options;
  const { response, room: picked } = parseChatData(bytes, options.roomId);
  const source: TranscriptSource = { endpoint: ENDPOINT, fetchedAt: FETCHED_AT, sha256: sha256(bytes) };
  return normalizeRoom(picked, archiverVersion === undefined ? source : { ...source, archiverVersion }, {
    ...roomOptions,
    response,
  });
}

describe('normalizeRoom of a room parsed by parseChatData, with its response', () => {
  describe("the spec's Success example", () => {
    it('maps the chat field by field', () => {
      // Act
      const transcript = normalize(EXAMPLE);

      // Assess
      const { chat } = transcript;
      expect(transcript.schema_version).toBe(1);
      expect(transcript.room_id).toBe('uvR3XrI8jtybTq6ZfploAOxJcKNLCG');
      expect(chat.id).toBe('uvR3XrI8jtybTq6ZfploAOxJcKNLCG');
      expect(chat.title).toBe('1:1 채팅 상담 문의 드립니다.');
      expect(chat.status).toEqual({ code: '2', label: '완료', name: 'completed' });
      expect(chat.channel).toEqual({ code: '0', label: '해피톡', name: 'happytalk' });
      expect(chat.counselor).toEqual({ name: 'test-lc', nickname: 'test-lc' });
      expect(chat.customer).toEqual({ uuid: '1000225570_testuser', user_id: 'testuser' });
      expect(chat.category).toEqual({ id: '75345', name: '상품문의(샘플)' });
      expect(chat.division).toEqual({ id: '75346', name: '일반상담(샘플)' });
      expect(chat.subcategory).toBeNull();
      expect(chat.registered_at).toBe('2022-05-26T10:26:31+09:00');
      expect(chat.completed_at).toBe('2022-05-26T10:31:06+09:00');
      expect(chat.order).toEqual({
        order_number: null,
        product_number: null,
        parcel_number: null,
        parcel_company: { code: 'W', label: null, name: null },
      });
      expect(chat.device).toEqual({
        app_version: null,
        os: null,
        os_version: null,
        model: null,
        telecom: null,
        app_hash: null,
      });
      expect(chat.parameters).toEqual([null, null, null, null, null, null, null, null, null, null]);
      expect(chat.rating).toEqual({ score: null, comment: null });
      expect(chat.extra).toEqual({});
    });

    it('maps the single message', () => {
      // Act
      const transcript = normalize(EXAMPLE);

      // Assess
      expect(transcript.messages).toEqual([
        {
          id: '562834',
          from_id: '1000225570_testuser',
          to_id: 'test-lc',
          type: { code: 'C', label: '메시지', name: 'message' },
          sender: { code: 'C', label: '고객', name: 'customer' },
          content_type: { code: 'text', label: '단순 글자', name: 'text' },
          text: '고객님이 종료하였습니다.',
          image_url: null,
          links: [],
          buttons: [],
          contents: '고객님이 종료하였습니다.',
          sent_at: '2022-05-26T10:31:06+09:00',
          read_at: '2022-05-26T10:31:06+09:00',
          extra: {},
        },
      ]);
    });

    it('derives the stats, warns about parcel company "W" only, and records the source', () => {
      // Act
      const transcript = normalize(EXAMPLE);

      // Assess
      expect(transcript.stats).toEqual({
        message_count: 1,
        by_sender: { customer: 1 },
        first_message_at: '2022-05-26T10:31:06+09:00',
        last_message_at: '2022-05-26T10:31:06+09:00',
        duration_seconds: 275,
      });
      expect(transcript.warnings).toEqual([
        {
          path: 'chat.parcel_companycode',
          value: 'W',
          reason: "unknown parcel_companycode code (not in the spec's table)",
        },
      ]);
      expect(transcript.source).toEqual({
        endpoint: ENDPOINT,
        fetched_at: '2022-05-26T01:31:07.000Z',
        sha256: sha256(EXAMPLE),
        archiver_version: ARCHIVER_VERSION,
      });
    });

    it('validates against TranscriptSchema and survives a JSON round trip unchanged', () => {
      // Act
      const transcript = normalize(EXAMPLE);

      // Assess
      const roundTripped = JSON.parse(JSON.stringify(transcript));
      expect(TranscriptSchema.parse(roundTripped)).toEqual(transcript);
    });
  });

  it('passes archiverVersion and timeZone through', () => {
    // Act
    const transcript = normalize(EXAMPLE, { archiverVersion: '2.0.0', timeZone: 'UTC' });

    // Assess
    expect(transcript.source.archiver_version).toBe('2.0.0');
    expect(transcript.chat.registered_at).toBe('2022-05-26T10:26:31+00:00');
  });

  it('picks the room whose chat.id is roomId and names the other rooms in warnings', () => {
    // Prepare
    const raw = success(room('A', 'a1'), room('B', 'b1'), room('C', 'c1'));

    // Act
    const transcript = normalize(raw, { roomId: 'B' });

    // Assess
    expect(transcript.room_id).toBe('B');
    expect(transcript.messages.map((message) => message.id)).toEqual(['b1']);
    expect(transcript.warnings).toEqual([
      {
        path: '$.data[0]',
        value: room('A', 'a1'),
        reason: 'another room in data; this transcript is of room B',
      },
      {
        path: '$.data[2]',
        value: room('C', 'c1'),
        reason: 'another room in data; this transcript is of room B',
      },
    ]);
  });

  it('normalizes the first of two rooms with the requested id and names the second', () => {
    // Prepare
    const raw = success(room('B', 'first'), room('B', 'second'));

    // Act
    const transcript = normalize(raw, { roomId: 'B' });

    // Assess
    expect(transcript.messages.map((message) => message.id)).toEqual(['first']);
    expect(transcript.warnings.map(({ path, value }) => ({ path, value }))).toEqual([
      { path: '$.data[1]', value: room('B', 'second') },
    ]);
  });

  it('matches a numeric chat.id against roomId', () => {
    // Prepare
    const raw = success({ chat: rawChat({ id: 77 }), message: [] });

    // Act
    const transcript = normalize(raw, { roomId: '77' });

    // Assess
    expect(transcript.room_id).toBe('77');
    expect(transcript.chat.id).toBe('77');
  });

  it('names unknown fields of the response in warnings, with their values', () => {
    // Prepare
    const raw = body({ result: 'success', data: [room('A')], extra_field: { x: 1 }, 'page-info': 2 });

    // Act
    const transcript = normalize(raw);

    // Assess
    expect(transcript.warnings).toEqual([
      { path: '$.extra_field', value: { x: 1 }, reason: 'response field not in the spec' },
      { path: '$["page-info"]', value: 2, reason: 'response field not in the spec' },
    ]);
  });

  it('puts the response warnings before those of the room', () => {
    // Prepare
    const raw = body({
      result: 'success',
      data: [room('A'), { chat: rawChat({ id: 'B', status: '9' }), message: [] }],
      next: null,
    });

    // Act
    const transcript = normalize(raw, { roomId: 'B' });

    // Assess
    expect(transcript.warnings.map(({ path }) => path)).toEqual(['$.next', '$.data[0]', 'chat.status']);
  });

  it('names nothing of the response when it is not given', () => {
    // Prepare
    const { room: picked } = parseChatData(body({ result: 'success', data: [room('A')], extra_field: 1 }));

    // Act
    const transcript = normalizeRoom(picked, { endpoint: ENDPOINT, fetchedAt: FETCHED_AT, sha256: 'ab' });

    // Assess
    expect(transcript.warnings).toEqual([]);
  });

  it('rejects an unknown time zone', () => {
    // Act
    const run = () => normalize(EXAMPLE, { timeZone: 'Mars/Base' });

    // Assess
    expect(run).toThrow(InvalidTimeZoneError);
    expect(run).toThrow('invalid time zone: "Mars/Base"');
  });
});

describe('transcriptOf', () => {
  it('normalizes the parsed room with its response and source', () => {
    // Prepare
    const raw = body({ result: 'success', data: [room('A'), room('B')], extra_field: 1 });
    const parsed = {
      ...parseChatData(raw, 'B'),
      endpoint: ENDPOINT,
      fetchedAt: FETCHED_AT,
      sha256: sha256(raw),
    };

    // Act
    const transcript = transcriptOf(parsed, { roomId: 'B', timeZone: 'UTC' });

    // Assess
    expect(transcript).toEqual(normalize(raw, { roomId: 'B', timeZone: 'UTC' }));
    expect(transcript.warnings.map(({ path }) => path)).toEqual(['$.extra_field', '$.data[0]']);
    expect(transcript.source).toEqual({
      endpoint: ENDPOINT,
      fetched_at: '2022-05-26T01:31:07.000Z',
      sha256: sha256(raw),
      archiver_version: ARCHIVER_VERSION,
    });
  });
});
