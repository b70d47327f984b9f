import { describe, expect, it } from 'vitest';
import {
  describeFailAnswer,
  MAX_NESTING_DEPTH,
  parseAnswerJson,
  quoteUnsafeIntegers,
} from '../../../lib/happytalk/answer.js';
import { parseChatData } from '../../../lib/happytalk/client.js';
import { HappyTalkUnavailableError } from '../../../lib/happytalk/errors.js';
import { parseRoomList } from '../../../lib/happytalk/room-list.js';

const encoder = new TextEncoder();

describe('parseAnswerJson', () => {
  it('reads integers beyond 2^53 as strings of their exact digits', () => {
    // Prepare
    const text = '{"a":9007199254740993,"b":-12345678901234567890,"c":[18446744073709551615]}';

    // Act
    const { json } = parseAnswerJson(encoder.encode(text), 'the test');

    // Assess
    expect(json).toEqual({ a: '9007199254740993', b: '-12345678901234567890', c: ['18446744073709551615'] });
  });

  it('keeps safe integers, fractions, exponents and digits inside strings as they are', () => {
    // Prepare
    const text =
      '{"safe":9007199254740991,"fraction":0.12345678901234567,"big float":12345678901234567.5,' +
      '"exponent":1e23,"in string":"9007199254740993, 12345678901234567890]","escaped":"\\" 12345678901234567890"}';

    // Act
    const { json } = parseAnswerJson(encoder.encode(text), 'the test');

    // Assess
    expect(json).toEqual(JSON.parse(text));
  });

  it('measures how deeply the answer nests, without recursion, even 20,000 levels deep', () => {
    // Prepare
    const deep = `{"result":"success","data":[{"chat":{"id":"r","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}]}`;

    // Act
    const shallow = parseAnswerJson(encoder.encode('{"a":[{"b":1}]}'), 'the test');
    const nested = parseAnswerJson(encoder.encode(deep), 'the test');

    // Assess
    expect(shallow.nestingDepth).toBe(3);
    expect(nested.nestingDepth).toBe(20_004);
    expect(MAX_NESTING_DEPTH).toBe(512);
  });

  it('refuses bytes that are not JSON by their length only', () => {
    expect(() => parseAnswerJson(encoder.encode('{"token":"abc"'), 'room r1')).toThrow(
      new HappyTalkUnavailableError('HappyTalk answered room r1 with a body that is not JSON (14 bytes)'),
    );
  });
});

describe('quoteUnsafeIntegers', () => {
  it.each([
    ['[9007199254740992]', '["9007199254740992"]'],
    ['[9007199254740991]', '[9007199254740991]'],
    ['{"n": 123456789012345678 }', '{"n": "123456789012345678" }'],
    ['12345678901234567890', '"12345678901234567890"'],
  ])('turns %s into %s', (text, expected) => {
    expect(quoteUnsafeIntegers(text)).toBe(expected);
  });

  it('leaves an invalid text invalid: a number used as a key is not made a string', () => {
    const text = '{12345678901234567890: 1}';
    expect(quoteUnsafeIntegers(text)).toBe(text);
  });
});

describe('big numbers in HappyTalk answers', () => {
  it('keeps two message ids that differ only beyond 2^53 apart, as exact digits', () => {
    // Prepare: as doubles, both are 9007199254740992
    const text =
      '{"result":"success","data":[{"chat":{"id":"room1"},"message":[' +
      '{"id":9007199254740993,"contents":"a"},{"id":9007199254740992,"contents":"b"}]}]}';

    // Act
    const { room } = parseChatData(encoder.encode(text), 'room1');

    // Assess
    expect(room.message?.map((message) => message.id)).toEqual(['9007199254740993', '9007199254740992']);
  });

  it('matches a room id sent as a number beyond 2^53 against its exact digits', () => {
    // Prepare
    const text = '{"result":"success","data":[{"chat":{"id":123456789012345678901},"message":[]}]}';

    // Act
    const { room } = parseChatData(encoder.encode(text), '123456789012345678901');

    // Assess
    expect(room.chat.id).toBe('123456789012345678901');
  });

  it('lists room ids beyond 2^53 with their exact digits', () => {
    // Prepare
    const text =
      '{"result":"success","data":{"page":1,"limit":50,"total_count":2,"chat_list":' +
      '[{"id":90071992547409931},{"id":90071992547409932}]}}';

    // Act
    const page = parseRoomList(encoder.encode(text));

    // Assess
    expect(page.rooms.map((room) => room.roomId)).toEqual(['90071992547409931', '90071992547409932']);
  });
});

describe('describeFailAnswer', () => {
  it.each([
    [-501, 'token', 'fail -501 (the token is missing or invalid)'],
    ['-502', 'unAuthorized', 'fail -502 (not authorized)'],
    [-503, 'sorry, 홍길동', 'fail -503, an undocumented message of 10 characters'],
    [-599, undefined, 'fail -599, no message'],
    ['<script>', 'x', 'fail with a code that is not a number, an undocumented message of 1 character'],
  ])('describes fail %j %j as %s', (code, message, expected) => {
    expect(describeFailAnswer(code, message)).toBe(expected);
  });
});
