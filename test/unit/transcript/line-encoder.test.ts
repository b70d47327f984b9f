import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateRoom, makeRoomId, sampleRooms } from '../../../dev/simulator/index.js';
import { parseChatData } from '../../../lib/happytalk/client.js';
import type { RawRoom } from '../../../lib/happytalk/schema.js';
import { encodeTranscriptLine, transcriptLineParts } from '../../../lib/transcript/line-encoder.js';
import { transcriptOf } from '../../../lib/transcript/normalize.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { normalize, rawMessage, rawRoom, SOURCE } from './builders.js';

/** What archiving wrote before the encoder: `JSON.stringify` and a newline, as UTF-8. */
function stringified(transcript: Transcript): Buffer {
  return Buffer.from(`${JSON.stringify(transcript)}\n`, 'utf8');
}

/** A small part size, so that the rooms of these tests take several parts. */
const PART_BYTES = 64 * 1024;

/** Every line encoder writes what JSON.stringify gives: whole, and in parts of at least PART_BYTES. */
function expectByteEqual(transcript: Transcript): void {
  const expected = stringified(transcript);
  const parts = [...transcriptLineParts(transcript, PART_BYTES).parts()];
  for (const encoded of [encodeTranscriptLine(transcript), Buffer.concat(parts)]) {
    // Compared as buffers first: a difference is then shown where it is, not as two long strings.
    expect(Buffer.compare(Buffer.from(encoded), expected), `${transcript.room_id}`).toBe(0);
    expect(Buffer.from(encoded).toString('utf8')).toBe(expected.toString('utf8'));
  }
  for (const part of parts.slice(0, -1)) expect(part.byteLength).toBeGreaterThanOrEqual(PART_BYTES);
}

/** A transcript of `count` messages whose texts are `texts`, in turn. */
function transcriptWithTexts(count: number, texts: readonly string[]): Transcript {
  const messages = Array.from({ length: count }, (_, index) =>
    rawMessage({ id: String(1_000 + index), contents: texts[index % texts.length] }),
  );
  return normalize(rawRoom({ message: messages }));
}

const FIXTURE_CORPUS = JSON.parse(
  readFileSync(new URL('../../fixtures/normalizer-corpus.json', import.meta.url), 'utf8'),
) as string[];

describe('encodeTranscriptLine', () => {
  it('writes the spec example and every response of the normalizer corpus byte for byte as JSON.stringify', () => {
    // Prepare
    const example = readFileSync(new URL('../../fixtures/chat-data-example.json', import.meta.url));
    const bodies = [new Uint8Array(example), ...FIXTURE_CORPUS.map((body) => new TextEncoder().encode(body))];

    // Act and Assess
    expect(bodies.length).toBeGreaterThan(20);
    for (const bytes of bodies) {
      const parsed = parseChatData(bytes);
      expectByteEqual(
        transcriptOf({
          ...parsed,
          endpoint: SOURCE.endpoint,
          fetchedAt: SOURCE.fetchedAt,
          sha256: SOURCE.sha256,
        }),
      );
    }
  });

  it('writes every sample room byte for byte as JSON.stringify', () => {
    for (const room of sampleRooms()) {
      expectByteEqual(normalize(room as unknown as RawRoom));
    }
  });

  it.each([1, 511, 512, 513, 1024, 1025, 5_003])(
    'writes a generated room of %d messages byte for byte, across its slices',
    (messageCount) => {
      // Prepare
      const room = generateRoom({
        roomId: makeRoomId(`encoder-${messageCount}`),
        messageCount,
        templates: 'v2',
      });

      // Act and Assess
      expectByteEqual(normalize(room as unknown as RawRoom));
    },
  );

  it('writes lone surrogates as JSON.stringify escapes them, at the start, the end and inside a slice', () => {
    // Prepare: high and low surrogates alone, a pair split across two messages, a pair reversed
    const texts = ['\ud800', '\udfff', 'a\ud83d', '\ude00b', '\ude00\ud83d', 'x\ud83d\ude00y'];
    const transcript = transcriptWithTexts(1_030, texts);

    // Act
    const line = Buffer.from(encodeTranscriptLine(transcript)).toString('utf8');

    // Assess
    expectByteEqual(transcript);
    expect(line).toContain('"text":"\\ud800"');
    expect(line).toContain('"text":"a\\ud83d"');
    expect(line).toContain('"text":"x😀y"');
    expect(line).not.toContain('\ufffd');
  });

  it('writes emoji, Korean and other characters of four UTF-8 bytes byte for byte', () => {
    // Prepare
    const texts = ['😊🙇‍♀️❤️', '안녕하세요 고객님 🚚', '𝄞 𠜎 🏳️‍🌈', 'é\u0301 ﬁ'];
    const transcript = transcriptWithTexts(777, texts);

    // Act and Assess
    expectByteEqual(transcript);
    expect(Buffer.from(encodeTranscriptLine(transcript)).toString('utf8')).toContain('🙇‍♀️');
  });

  it('writes every character JSON escapes, and the ones it does not, byte for byte', () => {
    // Prepare: every control character, quote, backslash, DEL, the line and paragraph separators, slash
    const controls = Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)).join('');
    const texts = [controls, '"quoted" \\ back\\slash', '\u007f\u2028\u2029</script>', `${controls}\u2028끝`];
    const transcript = transcriptWithTexts(600, texts);

    // Act
    const line = Buffer.from(encodeTranscriptLine(transcript)).toString('utf8');

    // Assess
    expectByteEqual(transcript);
    expect(line).toContain('\\u0000\\u0001');
    expect(line).toContain('\\b\\t\\n\\u000b\\f\\r');
    expect(line).toContain('\\"quoted\\" \\\\ back\\\\slash');
    expect(line).toContain('\u2028');
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });

  it('grows its buffer when the messages after the first slice are far larger than the first ones', () => {
    // Prepare: 512 one-character messages, then long ones, so the size guessed from the first slice is too small
    const texts = Array.from({ length: 1_500 }, (_, index) =>
      index < 512 ? 'a' : '가'.repeat(2_000 + index),
    );
    const messages = texts.map((text, index) => rawMessage({ id: String(10_000 + index), contents: text }));
    const transcript = normalize(rawRoom({ message: messages }));

    // Act
    const encoded = encodeTranscriptLine(transcript);

    // Assess
    expect(encoded.byteLength).toBeGreaterThan(988 * 6_000);
    expectByteEqual(transcript);
  });

  it('leaves out a field whose value JSON has no text for, as JSON.stringify does', () => {
    // Prepare
    const transcript = { ...transcriptWithTexts(700, ['x']), extra_note: undefined } as unknown as Transcript;

    // Act
    const line = Buffer.from(encodeTranscriptLine(transcript)).toString('utf8');

    // Assess
    expectByteEqual(transcript);
    expect(line).not.toContain('extra_note');
  });
});

describe('transcriptLineParts', () => {
  it('produces a large line in parts of at least the part size but the last, the same parts each time', () => {
    // Prepare
    const transcript = normalize(
      generateRoom({
        roomId: makeRoomId('parts'),
        messageCount: 3_000,
        templates: 'v2',
      }) as unknown as RawRoom,
    );
    const line = transcriptLineParts(transcript, PART_BYTES);

    // Act
    const first = [...line.parts()];
    const again = [...line.parts()];

    // Assess
    expect(first.length).toBeGreaterThan(3);
    expect(first.slice(0, -1).every((part) => part.byteLength >= PART_BYTES)).toBe(true);
    expect(first.at(-1)?.byteLength).toBeGreaterThan(0);
    expect(Buffer.concat(again).equals(Buffer.concat(first))).toBe(true);
    expect(Buffer.concat(first).equals(stringified(transcript))).toBe(true);
  });

  it('produces a line shorter than the part size as one part', () => {
    // Prepare
    const transcript = transcriptWithTexts(300, ['짧은 메시지']);

    // Act
    const parts = [...transcriptLineParts(transcript, 8 * 1024 * 1024).parts()];

    // Assess
    expect(parts).toHaveLength(1);
    expect(Buffer.from(parts[0] as Uint8Array).equals(stringified(transcript))).toBe(true);
    // Sized for the line, not for a whole part: a short line holds no 9 MiB buffer.
    expect(parts[0]?.buffer.byteLength).toBeLessThan(2 * (parts[0]?.byteLength ?? 0) + 64 * 1024);
  });

  it('produces a part only when asked for the next one', () => {
    // Prepare
    const transcript = transcriptWithTexts(4_000, ['가'.repeat(200)]);
    const partBytes = 1024 * 1024;
    const iterator = transcriptLineParts(transcript, partBytes).parts()[Symbol.iterator]();

    // Act
    const first = iterator.next();

    // Assess: the first part is all that was encoded, not the whole line
    expect(stringified(transcript).byteLength).toBeGreaterThan(4 * partBytes);
    expect(first.done).toBe(false);
    expect(first.value?.byteLength).toBeGreaterThanOrEqual(partBytes);
    expect(first.value?.byteLength).toBeLessThan(partBytes * 2);
  });
});
