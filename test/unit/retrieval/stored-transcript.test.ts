import { describe, expect, it } from 'vitest';
import { readStoredTranscript } from '../../../lib/retrieval/stored-transcript.js';

const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const envelope = {
  schema_version: 1,
  room_id: 'r1',
  chat: {},
  messages: [{}],
  stats: {},
  warnings: [],
  source: {},
};

describe('readStoredTranscript', () => {
  it('reads a line with the envelope of a transcript v1', () => {
    const read = readStoredTranscript(encode(envelope));
    expect(read).toEqual({ ok: true, transcript: envelope });
  });

  it.each([
    ['another schema version', { ...envelope, schema_version: 2 }],
    ['no room id', { ...envelope, room_id: 7 }],
    ['messages not an array', { ...envelope, messages: {} }],
    ['a message that is not an object', { ...envelope, messages: ['x'] }],
    ['no source', { ...envelope, source: null }],
    ['an array', [envelope]],
  ])('refuses %s', (_name, value) => {
    expect(readStoredTranscript(encode(value))).toEqual({ ok: false, reason: 'not a transcript v1' });
  });

  it('refuses invalid UTF-8 or JSON without quoting the content', () => {
    expect(readStoredTranscript(new Uint8Array([0x7b, 0xff]))).toEqual({
      ok: false,
      reason: 'not UTF-8 JSON (2 bytes)',
    });
    expect(readStoredTranscript(encode('{"name":"김하늘"'))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not UTF-8 JSON/),
    });
  });
});
