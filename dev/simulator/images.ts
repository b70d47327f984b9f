import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { z } from 'zod';
import type { SimRoom } from './room-records.js';

/** Where HappyTalk serves the files of image messages, and where the simulator does too. */
export const IMAGE_PATH_PREFIX = '/data/chat_data/';

/** The origin of the sample rooms' image URLs (`https://static.happytalk.io/data/chat_data/…`). */
export const SAMPLE_IMAGE_ORIGIN = 'https://static.happytalk.io';

const Times = z.number().int().positive().optional();
const MAX_HUGE_BYTES = 1024 * 1024 * 1024;

/**
 * The faults the simulator can inject into an image answer, per path (or `'*'`
 * for every image path). Each takes an optional `times`, as chat_data faults do.
 *
 * - `status`: answer with this HTTP status and a short text body.
 * - `delay`: answer normally after `ms` milliseconds.
 * - `trickle`: send the headers at once, then one byte of the image every `intervalMs`, never ending.
 * - `huge`: a PNG signature followed by zeros, `bytes` long in all, announced by
 *   `Content-Length` unless `contentLength` is false (then chunked).
 * - `content-type`: the normal bytes (or `body`) with this `Content-Type`.
 * - `redirect`: `status` (default 302) to `location`, as given (e.g. `http://169.254.169.254/latest/meta-data/`).
 * - `redirect-loop`: 302 to the same path, forever.
 * - `reset`: destroy the connection without answering.
 */
export const ImageFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('status'), status: z.number().int().min(200).max(599), times: Times }),
  z.strictObject({ kind: z.literal('delay'), ms: z.number().int().nonnegative().max(600_000), times: Times }),
  z.strictObject({
    kind: z.literal('trickle'),
    intervalMs: z.number().int().positive().max(60_000),
    times: Times,
  }),
  z.strictObject({
    kind: z.literal('huge'),
    bytes: z.number().int().min(8).max(MAX_HUGE_BYTES),
    contentLength: z.boolean().optional(),
    times: Times,
  }),
  z.strictObject({
    kind: z.literal('content-type'),
    contentType: z.string().min(1),
    body: z.string().optional(),
    times: Times,
  }),
  z.strictObject({
    kind: z.literal('redirect'),
    location: z.string().min(1),
    status: z
      .union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)])
      .optional(),
    times: Times,
  }),
  z.strictObject({ kind: z.literal('redirect-loop'), times: Times }),
  z.strictObject({ kind: z.literal('reset'), times: Times }),
]);

/** One image fault; see {@link ImageFaultSchema}. */
export type ImageFault = z.infer<typeof ImageFaultSchema>;

/** Bytes registered for an image path. */
export interface SimulatorImage {
  readonly body: Uint8Array | string;
  /** Default `image/png`. */
  readonly contentType?: string;
}

/** One request the simulator received on an image path; secret-bearing headers redacted. */
export interface RecordedImageRequest {
  readonly path: string;
  readonly at: Date;
  readonly method: string;
  /** Request headers, lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The image the simulator serves at `path` when none is registered: a valid
 * 8×8 PNG of one colour derived from the path, the same bytes every time.
 */
export function simulatorImage(path: string): Buffer {
  const [red = 0, green = 0, blue = 0] = createHash('sha256').update(path).digest();
  const side = 8;
  const row = Buffer.alloc(1 + side * 3);
  for (let x = 0; x < side; x++) row.set([red, green, blue], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: side }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, standard filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([length, typeAndData, checksum]);
}

/**
 * A copy of `room` whose image URLs on `from` (default the sample origin,
 * `https://static.happytalk.io`) point at `to` instead (e.g. the simulator's
 * own URL): the contents of image messages, and the `image_url` inside button
 * and template contents, escaped (`https:\/\/`) or not.
 */
export function rehostImages(room: SimRoom, to: string, from: string = SAMPLE_IMAGE_ORIGIN): SimRoom {
  const escaped = (origin: string) => origin.replaceAll('/', '\\/');
  return {
    chat: { ...room.chat },
    message: room.message.map((message) => {
      const { contents } = message;
      if (typeof contents !== 'string') return { ...message };
      return {
        ...message,
        contents: contents
          .replaceAll(`${from}${IMAGE_PATH_PREFIX}`, `${to}${IMAGE_PATH_PREFIX}`)
          .replaceAll(
            `${escaped(from)}${escaped(IMAGE_PATH_PREFIX)}`,
            `${escaped(to)}${escaped(IMAGE_PATH_PREFIX)}`,
          ),
      };
    }),
  };
}

/** Image faults by path (or `'*'`); a path's own fault wins over `'*'`, and taking one counts its `times`. */
export class ImageFaultTable {
  readonly #faults = new Map<string, { fault: ImageFault; remaining: number | undefined }>();

  set(path: string, fault: ImageFault | undefined): void {
    if (fault === undefined) this.#faults.delete(path);
    else this.#faults.set(path, { fault: { ...fault }, remaining: fault.times });
  }

  clear(): void {
    this.#faults.clear();
  }

  take(path: string): ImageFault | undefined {
    const key = this.#faults.has(path) ? path : '*';
    const armed = this.#faults.get(key);
    if (armed === undefined) return undefined;
    if (armed.remaining !== undefined) {
      armed.remaining -= 1;
      if (armed.remaining <= 0) this.#faults.delete(key);
    }
    return armed.fault;
  }
}
