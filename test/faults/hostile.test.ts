import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../support/stack.js';
import { checkHygiene, type FaultHarness, recordRow, startFaultHarness } from './harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startFaultHarness();
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(() => {
  harness.reset();
});

const SUITE = 'hostile input';

/** Room ids that must never reach HappyTalk or S3. */
const hostileRoomIds: Array<[string, string]> = [
  ['parent directory', '../etc/passwd'],
  ['dot dot', '..'],
  ['dot', '.'],
  ['slash', 'a/b'],
  ['leading slash', '/room'],
  ['trailing slash', 'room/'],
  ['encoded slash', 'a%2Fb'],
  ['encoded traversal', '%2e%2e%2f'],
  ['backslash', 'a\\b'],
  ['hangul', '상담방'],
  ['emoji', 'room😀'],
  ['fullwidth letters', 'ＡＢＣ'],
  ['inner space', 'a b'],
  ['leading space', ' room'],
  ['tab', 'room\t'],
  ['newline', 'room\n'],
  ['CRLF injection', 'room\r\nx-injected: 1'],
  ['null byte alone', '\u0000'],
  ['inner null byte', 'ro\u0000om'],
  ['DEL character', 'room\u007f'],
  ['right-to-left override', 'room\u202e'],
  ['zero-width space', 'ro\u200bom'],
  ['129 characters', 'x'.repeat(129)],
  ['10 KB', 'x'.repeat(10_240)],
  ['empty', ''],
  ['asterisk', '*'],
  ['question mark', 'room?x=1'],
  ['hash', 'room#x'],
  ['semicolon', 'room;rm'],
  ['quote', "room'or'1'='1"],
  ['double quote', 'room"x'],
  ['script tag', '<script>alert(1)</script>'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the hostile input
  ['template injection', '${jndi:ldap://127.0.0.1/x}'],
  ['dotted id', 'room.json'],
];

const hostileBodies: Array<[string, string, Record<string, string>, number]> = [
  ['truncated JSON', '{', { 'content-type': 'application/json' }, 400],
  ['JSON null', 'null', { 'content-type': 'application/json' }, 400],
  ['JSON array', '[]', { 'content-type': 'application/json' }, 400],
  ['JSON string', '"x"', { 'content-type': 'application/json' }, 400],
  ['unexpected field', '{"room_id":"x"}', { 'content-type': 'application/json' }, 400],
  ['prototype pollution', '{"__proto__":{"admin":true}}', { 'content-type': 'application/json' }, 400],
  ['oversize body', `{"x":"${'a'.repeat(8_000)}"}`, { 'content-type': 'application/json' }, 413],
  ['text/plain', 'hello', { 'content-type': 'text/plain' }, 415],
  ['XML', '<room/>', { 'content-type': 'application/xml' }, 415],
  ['form', 'room_id=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
  ['multipart', '--b\r\n\r\nx\r\n--b--', { 'content-type': 'multipart/form-data; boundary=b' }, 415],
  ['no content type', '{}', {}, 415],
];

const hostileEvents: Array<[string, unknown, string]> = [
  ['no detail', { source: 'happytalk', 'detail-type': 'Chat Completed' }, 'MALFORMED_EVENT'],
  ['detail null', { detail: null }, 'MALFORMED_EVENT'],
  ['detail a string', { detail: 'room' }, 'MALFORMED_EVENT'],
  ['detail an array', { detail: ['room'] }, 'MALFORMED_EVENT'],
  ['detail without room_id', { detail: { id: 'x' } }, 'MALFORMED_EVENT'],
  ['room_id a number', { detail: { room_id: 12345 } }, 'INVALID_ROOM_ID'],
  ['room_id a float', { detail: { room_id: 1.5 } }, 'INVALID_ROOM_ID'],
  ['room_id a boolean', { detail: { room_id: true } }, 'INVALID_ROOM_ID'],
  ['room_id null', { detail: { room_id: null } }, 'INVALID_ROOM_ID'],
  ['room_id an array', { detail: { room_id: ['a'] } }, 'INVALID_ROOM_ID'],
  ['room_id an object', { detail: { room_id: { id: 'a' } } }, 'INVALID_ROOM_ID'],
  ['room_id empty', { detail: { room_id: '' } }, 'INVALID_ROOM_ID'],
  ['room_id a traversal', { detail: { room_id: '../../x' } }, 'INVALID_ROOM_ID'],
  ['room_id 10 KB', { detail: { room_id: 'y'.repeat(10_240) } }, 'INVALID_ROOM_ID'],
  ['event a string', 'hello', 'MALFORMED_EVENT'],
  ['event a number', 42, 'MALFORMED_EVENT'],
  ['event an array', [1, 2], 'MALFORMED_EVENT'],
];

const hostileSqsBodies: Array<[string, string, string]> = [
  ['not JSON', 'not json at all', 'MALFORMED_EVENT'],
  ['empty', '', 'MALFORMED_EVENT'],
  ['truncated JSON', '{"detail":', 'MALFORMED_EVENT'],
  ['JSON null', 'null', 'MALFORMED_EVENT'],
  ['JSON number', '123', 'MALFORMED_EVENT'],
  ['JSON string', '"room"', 'MALFORMED_EVENT'],
  ['no detail', '{"source":"happytalk"}', 'MALFORMED_EVENT'],
  ['room_id an object', '{"detail":{"room_id":{"$ne":null}}}', 'INVALID_ROOM_ID'],
  ['room_id with a slash', '{"detail":{"room_id":"a/b"}}', 'INVALID_ROOM_ID'],
];

function nothingHappened(): string {
  const calls = harness.stack.simulator.requests.length;
  const writes = harness.front.versions.length;
  return calls === 0 && writes === 0 ? 'no call, no write' : `${calls} calls, ${writes} writes`;
}

function record(scenario: string, expected: string, observed: string): void {
  recordRow({ suite: SUITE, scenario, expected, observed, pass: observed === expected, hostile: true });
  expect(observed).toBe(expected);
}

describe('hostile input at the HTTPS door', () => {
  it.each(hostileRoomIds)('refuses a room id with %s', async (name, roomId) => {
    const posted = await harness.http('POST', roomId);
    const got = await harness.http('GET', roomId);
    const observed = `${posted.status} ${posted.body.error?.code}, ${got.status} ${got.body.error?.code}; ${nothingHappened()}`;
    record(`room id: ${name}`, '400 INVALID_ROOM_ID, 400 INVALID_ROOM_ID; no call, no write', observed);
    expect(posted.body.error?.message).toMatch(/^invalid room id/);
  });

  it.each(hostileBodies)('refuses a POST with %s', async (name, body, headers, status) => {
    const response = await harness.http('POST', 'validRoom1', { body, headers });
    const observed = `${response.status}; ${nothingHappened()}`;
    record(`body: ${name}`, `${status}; no call, no write`, observed);
    expect(response.body.error?.message.length).toBeGreaterThan(10);
  });
});

describe('hostile events', () => {
  it.each(hostileEvents)('dead-letters an event with %s', async (name, event, reason) => {
    const result = (await harness.invokeDirect(event)) as { status?: string; reason?: string };
    const observed = `${result.status} ${result.reason}; ${nothingHappened()}`;
    record(`event: ${name}`, `dead-lettered ${reason}; no call, no write`, observed);
    expect(harness.deadLetters()[0]?.message.length).toBeGreaterThan(10);
  });

  it.each(hostileSqsBodies)('dead-letters an SQS body that is %s', async (name, body, reason) => {
    const failed = await harness.deliver([body]);
    const letter = harness.deadLetters()[0];
    const observed = `${failed.length ? 'retried' : 'done'} ${letter?.reason}; ${nothingHappened()}`;
    record(`SQS body: ${name}`, `done ${reason}; no call, no write`, observed);
  });
});

describe('secrets hygiene over the hostile corpus', () => {
  it('counts at least 60 hostile inputs', () => {
    const total =
      hostileRoomIds.length + hostileBodies.length + hostileEvents.length + hostileSqsBodies.length;
    expect(total).toBeGreaterThanOrEqual(60);
  });

  it('never writes the token or the secret string anywhere', () => {
    checkHygiene(harness, 'hostile input', [TEST_TOKEN, JSON.stringify({ token: TEST_TOKEN })]);
  });
});
