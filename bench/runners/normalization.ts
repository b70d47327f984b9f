// Runs on the Lambda's Node.js with --expose-gc: the archive's transformation of a raw chat_data
// response against JSON.parse of the same bytes + JSON.stringify of a transcript of the same size and
// shape (and against JSON.parse + JSON.stringify of the bytes alone), for rooms of several sizes.
import {
  encodePhpJson,
  generateRoom,
  makeRoomId,
  SAMPLE_ROOM_IDS,
  type SimRoom,
  sampleRooms,
} from '../../dev/simulator/index.js';
import { parseChatData } from '../../lib/happytalk/client.js';
import { sha256Hex } from '../../lib/shared/hash.js';
import { encodeTranscriptLine } from '../../lib/transcript/line-encoder.js';
import { transcriptOf } from '../../lib/transcript/normalize.js';

interface Config {
  sizes: number[];
  /** Sizes of rooms whose every message is a button or template message (V2 and V1). */
  templateSizes?: number[];
  samples: number;
  /** Warm-up runs of each, at least. */
  warmup: number;
  /** Warm-up time, at least. */
  warmupMs: number;
  /** Each timed sample repeats the work until it lasts about this long. */
  minSampleMs: number;
  maxMsPerSize: number;
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
// A minor GC (the young generation) before each sample: the garbage the sample before left is not
// counted here, and the heap keeps its warm size. A full GC shrank the young generation to its minimum
// before every sample, so each one measured the scavenges of a cold heap, which weighs on the side that
// allocates more (the transformation builds the transcript; the floor's is computed beforehand).
const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
const collect = () => gc?.({ type: 'minor' });
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
let sink = 0;

/** What archiving does to the bytes HappyTalk returned, up to the transcript line it writes. */
function archiveTransformation(bytes: Uint8Array, roomId: string): string {
  const parsed = parseChatData(bytes, roomId);
  const sha256 = sha256Hex(bytes);
  const transcript = transcriptOf(
    { ...parsed, endpoint: ENDPOINT, fetchedAt: new Date(), sha256 },
    { roomId, timeZone: 'Asia/Seoul' },
  );
  return `${JSON.stringify(transcript)}\n`;
}

/** The same, with the transcript serialized by encodeTranscriptLine (UTF-8 bytes, a slice of messages at a time). */
function archiveTransformationEncoded(bytes: Uint8Array, roomId: string): Uint8Array {
  const parsed = parseChatData(bytes, roomId);
  const sha256 = sha256Hex(bytes);
  const transcript = transcriptOf(
    { ...parsed, endpoint: ENDPOINT, fetchedAt: new Date(), sha256 },
    { roomId, timeZone: 'Asia/Seoul' },
  );
  return encodeTranscriptLine(transcript);
}

/** The old floor: the same bytes decoded, parsed and serialized again, and nothing else. */
function parseAndStringify(bytes: Uint8Array): string {
  return `${JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)))}\n`;
}

/**
 * The floor: the unavoidable work of any correct normalizer, parsing the bytes
 * HappyTalk sent and serializing a transcript of the size and shape this
 * normalizer writes (`transcript`, computed before any timing).
 */
function parseAndStringifyTranscript(bytes: Uint8Array, transcript: unknown): string {
  sink += (JSON.parse(new TextDecoder().decode(bytes)) as { data?: unknown[] }).data?.length ?? 0;
  return `${JSON.stringify(transcript)}\n`;
}

/** The transcript of the room, as the floor serializes it (the fetch time fixed, as any run's would be). */
function transcriptOfRoom(bytes: Uint8Array, roomId: string): unknown {
  const parsed = parseChatData(bytes, roomId);
  return transcriptOf(
    { ...parsed, endpoint: ENDPOINT, fetchedAt: new Date(), sha256: sha256Hex(bytes) },
    { roomId, timeZone: 'Asia/Seoul' },
  );
}

/** encodeTranscriptLine must write exactly the line archiving writes today (checked on every size). */
function assertSameLine(bytes: Uint8Array, roomId: string): void {
  const parsed = parseChatData(bytes, roomId);
  const transcript = transcriptOf(
    { ...parsed, endpoint: ENDPOINT, fetchedAt: new Date(0), sha256: '0' },
    { roomId },
  );
  const expected = Buffer.from(`${JSON.stringify(transcript)}\n`, 'utf8');
  const encoded = encodeTranscriptLine(transcript);
  if (Buffer.compare(expected, encoded) !== 0) {
    throw new Error(`encodeTranscriptLine differs from JSON.stringify for room ${roomId}`);
  }
}

/**
 * The process's CPU time in ms (`process.cpuUsage`, to the microsecond; the main thread's alone moves
 * in steps of milliseconds): the machine is shared, and the time on the clock would count whatever else
 * it runs meanwhile.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function timeSample(work: () => { length: number }, iterations: number): number {
  collect();
  const start = cpuMs();
  for (let index = 0; index < iterations; index++) sink += work().length;
  return (cpuMs() - start) / iterations;
}

// One warm-up on a mid-size room first, so that the JIT has settled before the smallest size is timed.
{
  const roomId = makeRoomId('normalize-warmup');
  const bytes = new Uint8Array(
    Buffer.from(
      encodePhpJson({ result: 'success', data: [generateRoom({ roomId, messageCount: 200, seed: 5 })] }),
      'utf8',
    ),
  );
  const warmupStarted = performance.now();
  for (let index = 0; index < 2_000 && performance.now() - warmupStarted < config.warmupMs * 2; index++) {
    sink +=
      parseAndStringify(bytes).length +
      archiveTransformation(bytes, roomId).length +
      archiveTransformationEncoded(bytes, roomId).length;
  }
}

/**
 * The generated room of `messages` messages, or (`templates`) the same room with every message
 * a template: the template V2 and V1 contents of the sample rooms, in turn.
 */
function benchRoom(roomId: string, messages: number, templates: boolean): SimRoom {
  const room = generateRoom({ roomId, messageCount: messages, seed: 7 });
  if (!templates) return room;
  const samples: readonly string[] = [SAMPLE_ROOM_IDS.templatesV2, SAMPLE_ROOM_IDS.buttons];
  const contents = sampleRooms()
    .filter((sample) => samples.includes(String(sample.chat.id)))
    .flatMap((sample) => sample.message)
    .filter((message) => ['template', 'nomal', 'normal'].includes(String(message.contents_type)));
  room.message = room.message.map((message, index) => {
    const template = contents[index % contents.length];
    return {
      ...message,
      user_type: 'B',
      contents_type: template?.contents_type,
      contents: template?.contents,
    };
  });
  return room;
}

const sizes = [];
for (const [messages, templates] of [
  ...config.sizes.map((size) => [size, false] as const),
  ...(config.templateSizes ?? []).map((size) => [size, true] as const),
]) {
  const roomId = makeRoomId(`normalize-${messages}${templates ? '-templates' : ''}`);
  const room = benchRoom(roomId, messages, templates);
  const bytes = new Uint8Array(Buffer.from(encodePhpJson({ result: 'success', data: [room] }), 'utf8'));
  assertSameLine(bytes, roomId);
  const subject = () => archiveTransformation(bytes, roomId);
  const encoded = () => archiveTransformationEncoded(bytes, roomId);
  const transcript = transcriptOfRoom(bytes, roomId);
  const floor = () => parseAndStringifyTranscript(bytes, transcript);
  const rawFloor = () => parseAndStringify(bytes);
  // Warm up (JIT) for at least `warmup` runs of each and `warmupMs`, at most 5,000 runs.
  const warmupStarted = performance.now();
  for (let index = 0; index < 5_000; index++) {
    if (index >= config.warmup && performance.now() - warmupStarted > config.warmupMs) break;
    sink += floor().length + rawFloor().length + subject().length + encoded().length;
  }
  // Then enough iterations per sample to be measurable, the same count for both.
  const once = timeSample(subject, 1);
  const iterations = Math.max(1, Math.ceil(config.minSampleMs / Math.max(once, 0.001)));
  const subjectMs: number[] = [];
  const encodedMs: number[] = [];
  const floorMs: number[] = [];
  const rawFloorMs: number[] = [];
  const started = performance.now();
  const order = [
    () => floorMs.push(timeSample(floor, iterations)),
    () => rawFloorMs.push(timeSample(rawFloor, iterations)),
    () => subjectMs.push(timeSample(subject, iterations)),
    () => encodedMs.push(timeSample(encoded, iterations)),
  ];
  for (let index = 0; index < config.samples; index++) {
    // Rotated, so that none always runs right after the same one.
    for (let step = 0; step < order.length; step++) order[(index + step) % order.length]?.();
    if (performance.now() - started > config.maxMsPerSize) break;
  }
  sizes.push({
    messages,
    templates,
    bytes: bytes.byteLength,
    transcriptBytes: Buffer.byteLength(JSON.stringify(transcript)),
    iterations,
    subjectMs,
    encodedMs,
    floorMs,
    rawFloorMs,
  });
}
process.stdout.write(`\nBENCH ${JSON.stringify({ sizes, sink: sink > 0 })}\n`);
