import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidChatDataError, InvalidTimeZoneError } from '../../../lib/transcript/errors.js';
import { type NormalizeChatDataOptions, normalizeChatData } from '../../../lib/transcript/normalize.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { rawChat, rawMessage } from './builders.js';

const EXAMPLE = readFileSync(new URL('../../fixtures/chat-data-example.json', import.meta.url));
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
const OPTIONS: NormalizeChatDataOptions = {
  endpoint: ENDPOINT,
  fetchedAt: new Date('2022-05-26T01:31:07.000Z'),
};

function body(value: unknown): string {
  return JSON.stringify(value);
}

function success(...rooms: unknown[]): string {
  return body({ result: 'success', data: rooms });
}

function room(id: string, messageId = '1'): unknown {
  return { chat: rawChat({ id }), message: [rawMessage({ id: messageId })] };
}

/** The InvalidChatDataError `run` throws. */
function invalidChatData(run: () => unknown): InvalidChatDataError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidChatDataError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an InvalidChatDataError, nothing was thrown');
}

describe('normalizeChatData', () => {
  describe("the spec's Success example", () => {
    it('maps the chat field by field', () => {
      // Act
      const transcript = normalizeChatData(EXAMPLE, OPTIONS);

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
      const transcript = normalizeChatData(EXAMPLE, OPTIONS);

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
          contents: '고객님이 종료하였습니다.',
          sent_at: '2022-05-26T10:31:06+09:00',
          read_at: '2022-05-26T10:31:06+09:00',
          extra: {},
        },
      ]);
    });

    it('derives the stats, warns about parcel company "W" only, and records the source', () => {
      // Act
      const transcript = normalizeChatData(EXAMPLE, OPTIONS);

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
        sha256: createHash('sha256').update(EXAMPLE).digest('hex'),
        archiver_version: ARCHIVER_VERSION,
      });
    });

    it('validates against TranscriptSchema and survives a JSON round trip unchanged', () => {
      // Act
      const transcript = normalizeChatData(EXAMPLE, OPTIONS);

      // Assess
      const roundTripped = JSON.parse(JSON.stringify(transcript));
      expect(TranscriptSchema.parse(roundTripped)).toEqual(transcript);
    });
  });

  it('hashes a string body as its UTF-8 bytes', () => {
    // Prepare
    const text = EXAMPLE.toString('utf8');

    // Act
    const fromText = normalizeChatData(text, OPTIONS);
    const fromBytes = normalizeChatData(new Uint8Array(EXAMPLE), OPTIONS);

    // Assess
    expect(fromText.source.sha256).toBe(createHash('sha256').update(EXAMPLE).digest('hex'));
    expect(fromBytes).toEqual(fromText);
  });

  it('passes archiverVersion and timeZone through', () => {
    // Act
    const transcript = normalizeChatData(EXAMPLE, { ...OPTIONS, archiverVersion: '2.0.0', timeZone: 'UTC' });

    // Assess
    expect(transcript.source.archiver_version).toBe('2.0.0');
    expect(transcript.chat.registered_at).toBe('2022-05-26T10:26:31+00:00');
  });

  it('picks the room whose chat.id is roomId and names the other rooms in warnings', () => {
    // Prepare
    const raw = success(room('A', 'a1'), room('B', 'b1'), room('C', 'c1'));

    // Act
    const transcript = normalizeChatData(raw, { ...OPTIONS, roomId: 'B' });

    // Assess
    expect(transcript.room_id).toBe('B');
    expect(transcript.messages.map((message) => message.id)).toEqual(['b1']);
    expect(transcript.warnings.map(({ path, value }) => ({ path, value }))).toEqual([
      { path: '$.data[0]', value: room('A', 'a1') },
      { path: '$.data[2]', value: room('C', 'c1') },
    ]);
  });

  it('matches a numeric chat.id against roomId', () => {
    // Prepare
    const raw = success({ chat: rawChat({ id: 77 }), message: [] });

    // Act
    const transcript = normalizeChatData(raw, { ...OPTIONS, roomId: '77' });

    // Assess
    expect(transcript.room_id).toBe('77');
    expect(transcript.chat.id).toBe('77');
  });

  it('names unknown fields of the response in warnings, with their values', () => {
    // Prepare
    const raw = body({ result: 'success', data: [room('A')], extra_field: { x: 1 }, 'page-info': 2 });

    // Act
    const transcript = normalizeChatData(raw, OPTIONS);

    // Assess
    expect(transcript.warnings).toEqual([
      { path: '$.extra_field', value: { x: 1 }, reason: 'response field not in the spec' },
      { path: '$["page-info"]', value: 2, reason: 'response field not in the spec' },
    ]);
  });

  describe('invalid responses', () => {
    it('rejects a body that is not JSON, without quoting it', () => {
      // Act
      const error = invalidChatData(() => normalizeChatData('<html>secret name</html>', OPTIONS));

      // Assess
      expect(error.reason).toBe('not-json');
      expect(error.message).toBe('HappyTalk chat_data response is not JSON (24 characters)');
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expect(error.retryable).toBe(false);
      expect(error.name).toBe('InvalidChatDataError');
    });

    it('rejects bytes that are not UTF-8', () => {
      // Act
      const error = invalidChatData(() => normalizeChatData(new Uint8Array([0x7b, 0xff, 0x7d]), OPTIONS));

      // Assess
      expect(error.reason).toBe('not-json');
      expect(error.message).toBe('HappyTalk chat_data response is not valid UTF-8');
    });

    it.each([
      [[], '$'],
      [{ result: 'maybe' }, '$.result'],
      [{ result: 'success', data: [{ message: [] }] }, '$.data[0].chat'],
      [{ result: 'success', data: [{ chat: { id: '' }, message: [] }] }, '$.data[0].chat.id'],
      [
        { result: 'success', data: [{ chat: { id: 'A' }, message: [{ id: 'm1' }, { text: 'x' }] }] },
        '$.data[0].message[1].id',
      ],
    ])('rejects %j as not the documented shape, naming %s', (json, path) => {
      // Act
      const error = invalidChatData(() => normalizeChatData(body(json), OPTIONS));

      // Assess
      expect(error.reason).toBe('invalid-shape');
      expect(error.message).toMatch(
        new RegExp(
          `^HappyTalk chat_data response is not the documented shape at ${path.replace(/[$[\].]/g, '\\$&')}: `,
        ),
      );
      expect(error.message).not.toContain('\n');
    });

    it('turns a fail answer into an error that quotes its code and message', () => {
      // Act
      const error = invalidChatData(() =>
        normalizeChatData(body({ result: 'fail', code: -503, message: 'room' }), OPTIONS),
      );

      // Assess
      expect(error.reason).toBe('fail-result');
      expect(error.message).toBe('HappyTalk answered fail -503 "room"');
      expect(error.failure).toEqual({ code: -503, message: 'room' });
    });

    it('turns a fail answer without a message into an error with its code', () => {
      // Act
      const error = invalidChatData(() => normalizeChatData(body({ result: 'fail', code: '-504' }), OPTIONS));

      // Assess
      expect(error.message).toBe('HappyTalk answered fail -504');
      expect(error.failure).toEqual({ code: '-504', message: null });
    });

    it.each([[[]], [null]])('rejects a success whose data is %j', (data) => {
      // Act
      const error = invalidChatData(() => normalizeChatData(body({ result: 'success', data }), OPTIONS));

      // Assess
      expect(error.reason).toBe('empty-data');
      expect(error.message).toBe('HappyTalk chat_data response holds no room (data is empty)');
    });

    it('rejects a response without the requested room', () => {
      // Act
      const error = invalidChatData(() =>
        normalizeChatData(success(room('A'), room('B')), { ...OPTIONS, roomId: 'Z' }),
      );

      // Assess
      expect(error.reason).toBe('room-not-found');
      expect(error.message).toBe('room "Z" is not in the HappyTalk chat_data response (rooms: "A", "B")');
    });

    it('rejects several rooms when no roomId says which', () => {
      // Act
      const error = invalidChatData(() => normalizeChatData(success(room('A'), room('B')), OPTIONS));

      // Assess
      expect(error.reason).toBe('ambiguous-room');
      expect(error.message).toBe('HappyTalk chat_data response holds 2 rooms; pass roomId to choose one');
    });

    it('rejects an unknown time zone before reading the body', () => {
      // Act
      const run = () => normalizeChatData('not json', { ...OPTIONS, timeZone: 'Mars/Base' });

      // Assess
      expect(run).toThrow(InvalidTimeZoneError);
      expect(run).toThrow('invalid time zone: "Mars/Base"');
    });
  });
});
