/**
 * The transcript as it is archived: one line of JSON, as UTF-8 bytes, byte
 * for byte what `JSON.stringify` gives and a newline, written a slice of
 * messages at a time (see {@link encodeTranscriptLine}).
 */
import type { Message, Transcript } from './schema.js';

/** Messages serialized per `JSON.stringify` call by {@link encodeTranscriptLine}. */
const MESSAGES_PER_SLICE = 512;
// Room for the first slice; the buffer is then sized for the whole room from what that slice took.
const BYTES_PER_MESSAGE_GUESS = 1024;
const SIZE_MARGIN = 1.05;
// The most UTF-8 bytes one UTF-16 code unit takes (a surrogate pair, 2 units, takes 4).
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * The transcript as it is archived, as UTF-8 bytes: its JSON and a newline,
 * byte for byte what `JSON.stringify` gives, encoded.
 *
 * The JSON of a large room is a UTF-16 string twice its length when it holds
 * Korean text (76 million characters, 145 MiB, for a 50 MB response), built in
 * one piece by `JSON.stringify`, and then encoded to UTF-8 again by each pass
 * the S3 client makes over a string body (length, payload hash or checksum,
 * socket). Here the messages are serialized a slice at a time into one UTF-8
 * buffer: that is the only copy that lives, and the time per message stays the
 * same however large the room. A room of one slice or less takes the plain way.
 */
export function encodeTranscriptLine(transcript: Transcript): Uint8Array {
  const { messages } = transcript;
  if (messages.length <= MESSAGES_PER_SLICE) {
    return Buffer.from(`${JSON.stringify(transcript)}\n`, 'utf8');
  }
  const output = new Utf8Writer(BYTES_PER_MESSAGE_GUESS * MESSAGES_PER_SLICE);
  output.write('{');
  let separator = '';
  // The keys in their order, as JSON.stringify writes them; only the messages are written in slices.
  for (const [key, value] of Object.entries(transcript)) {
    if (key === 'messages') {
      output.write(`${separator}"messages":[`);
      writeMessages(output, messages);
      output.write(']');
    } else {
      const json = JSON.stringify(value);
      if (json === undefined) {
        continue;
      }
      output.write(`${separator}${JSON.stringify(key)}:${json}`);
    }
    separator = ',';
  }
  output.write('}\n');
  return output.bytes();
}

function writeMessages(output: Utf8Writer, messages: readonly Message[]): void {
  for (let start = 0; start < messages.length; start += MESSAGES_PER_SLICE) {
    const json = JSON.stringify(messages.slice(start, start + MESSAGES_PER_SLICE));
    const before = output.length;
    output.write(start === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`);
    if (start === 0) {
      const perMessage = (output.length - before) / MESSAGES_PER_SLICE;
      output.reserve(
        output.length + Math.ceil(perMessage * (messages.length - MESSAGES_PER_SLICE) * SIZE_MARGIN),
      );
    }
  }
}

/** A UTF-8 buffer that grows (by copying) only when a write may not fit. */
class Utf8Writer {
  #buffer: Buffer;
  #length = 0;

  constructor(capacity: number) {
    this.#buffer = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.#length;
  }

  reserve(capacity: number): void {
    if (capacity <= this.#buffer.length) {
      return;
    }
    const larger = Buffer.allocUnsafe(capacity);
    this.#buffer.copy(larger, 0, 0, this.#length);
    this.#buffer = larger;
  }

  write(text: string): void {
    // Counting the exact bytes means a pass over the text: only when the worst case may not fit.
    if (text.length * MAX_UTF8_BYTES_PER_UNIT > this.#buffer.length - this.#length) {
      const needed = this.#length + Buffer.byteLength(text, 'utf8');
      if (needed > this.#buffer.length) {
        this.reserve(Math.max(needed, Math.ceil(this.#buffer.length * 1.5)));
      }
    }
    this.#length += this.#buffer.write(text, this.#length, 'utf8');
  }

  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
}
