/**
 * The transcript as it is archived: one line of JSON, as UTF-8 bytes, byte
 * for byte what `JSON.stringify` gives and a newline, written a slice of
 * messages at a time (see {@link encodeTranscriptLine}).
 */
import type { Transcript } from './schema.js';

/** Messages serialized per `JSON.stringify` call by {@link encodeTranscriptLine}. */
const MESSAGES_PER_SLICE = 512;
/** Messages serialized per `JSON.stringify` call by {@link transcriptLineParts}: a part holds many slices. */
const MESSAGES_PER_PART_SLICE = 256;
// Room for the first slice; the buffer is then sized for the whole room from what that slice took.
const BYTES_PER_MESSAGE_GUESS = 1024;
const SIZE_MARGIN = 1.05;
// The most UTF-8 bytes one UTF-16 code unit takes (a surrogate pair, 2 units, takes 4).
const MAX_UTF8_BYTES_PER_UNIT = 3;
// A part's buffer holds this much beyond the part size, so that the slice that crosses it fits.
const PART_HEADROOM_BYTES = 1024 * 1024;

/** A piece of the line's JSON, and how many messages it holds. */
interface Piece {
  readonly text: string;
  readonly messages: number;
}

/**
 * The transcript's JSON line, piece by piece, byte for byte what
 * `JSON.stringify` and a newline give: its members in their order, the
 * messages `slice` at a time.
 */
function* linePieces(transcript: Transcript, slice: number): Generator<Piece> {
  const { messages } = transcript;
  yield { text: '{', messages: 0 };
  let separator = '';
  // The keys in their order, as JSON.stringify writes them; only the messages are written in slices.
  for (const [key, value] of Object.entries(transcript)) {
    if (key === 'messages') {
      yield { text: `${separator}"messages":[`, messages: 0 };
      for (let start = 0; start < messages.length; start += slice) {
        const part = messages.slice(start, start + slice);
        const json = JSON.stringify(part);
        yield { text: start === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`, messages: part.length };
      }
      yield { text: ']', messages: 0 };
    } else {
      const json = JSON.stringify(value);
      if (json === undefined) {
        continue;
      }
      yield { text: `${separator}${JSON.stringify(key)}:${json}`, messages: 0 };
    }
    separator = ',';
  }
  yield { text: '}\n', messages: 0 };
}

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
 * The archive itself writes a large transcript in parts ({@link transcriptLineParts}).
 */
export function encodeTranscriptLine(transcript: Transcript): Uint8Array {
  if (transcript.messages.length <= MESSAGES_PER_SLICE) {
    return Buffer.from(`${JSON.stringify(transcript)}\n`, 'utf8');
  }
  const output = new Utf8Writer(BYTES_PER_MESSAGE_GUESS * MESSAGES_PER_SLICE);
  let sized = false;
  for (const piece of linePieces(transcript, MESSAGES_PER_SLICE)) {
    const before = output.length;
    output.write(piece.text);
    if (!sized && piece.messages > 0) {
      // Sized for the whole room from what the first slice took.
      sized = true;
      const perMessage = (output.length - before) / piece.messages;
      const left = transcript.messages.length - piece.messages;
      output.reserve(output.length + Math.ceil(perMessage * left * SIZE_MARGIN));
    }
  }
  return output.bytes();
}

/**
 * The same line as {@link encodeTranscriptLine}, produced in parts of at
 * least `partBytes` each (the last excepted), as they are asked for: a part
 * is encoded when the upload wants it, and let go once uploaded, so that a
 * large transcript is never whole in memory as bytes. `parts()` produces them
 * again from the start at each call. A line shorter than `partBytes` is one part.
 */
export function transcriptLineParts(
  transcript: Transcript,
  partBytes: number,
): { parts(): Iterable<Uint8Array> } {
  return {
    *parts() {
      if (transcript.messages.length <= MESSAGES_PER_PART_SLICE) {
        yield Buffer.from(`${JSON.stringify(transcript)}\n`, 'utf8');
        return;
      }
      // Each part's buffer is sized for what is left of the line (from what the first slice took), at most
      // a part and its headroom: a room of a few hundred KB never allocates a part's 9 MiB.
      const total = transcript.messages.length;
      let perMessage: number | undefined;
      let written = 0;
      const capacity = () =>
        perMessage === undefined
          ? BYTES_PER_MESSAGE_GUESS * MESSAGES_PER_PART_SLICE
          : Math.min(
              partBytes + PART_HEADROOM_BYTES,
              Math.ceil(perMessage * (total - written) * SIZE_MARGIN) + 1024,
            );
      let part = new Utf8Writer(capacity());
      let yielded = false;
      for (const piece of linePieces(transcript, MESSAGES_PER_PART_SLICE)) {
        const before = part.length;
        part.write(piece.text);
        written += piece.messages;
        if (perMessage === undefined && piece.messages > 0) {
          perMessage = (part.length - before) / piece.messages;
          part.reserve(part.length + capacity());
        }
        if (part.length >= partBytes) {
          yield part.bytes();
          yielded = true;
          part = new Utf8Writer(capacity());
        }
      }
      if (part.length > 0 || !yielded) yield part.bytes();
    },
  };
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
