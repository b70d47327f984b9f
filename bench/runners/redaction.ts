// Runs on the Lambda's Node.js with --expose-gc: the redacted copy of a transcript (redactTranscript and
// its JSON line) against the archive's own normalization of the same room (the raw bytes to the transcript
// line), on the simulator's generated rooms of several sizes; and the copy of the redaction evaluation set's
// rooms, dense with personal data, against a plain serialization of the same transcripts.
import { DEVELOPMENT_SEED, generateEvalSet } from '../../dev/redaction-eval/generator.js';
import { encodePhpJson, generateRoom, makeRoomId } from '../../dev/simulator/index.js';
import { parseChatData } from '../../lib/happytalk/client.js';
import { Pseudonymizer } from '../../lib/redaction/pseudonym.js';
import { redactTranscript } from '../../lib/redaction/redact.js';
import { sha256Hex } from '../../lib/shared/hash.js';
import { encodeTranscriptLine } from '../../lib/transcript/line-encoder.js';
import { transcriptOf } from '../../lib/transcript/normalize.js';
import type { Transcript } from '../../lib/transcript/schema.js';

interface Config {
  sizes: number[];
  /** Rooms of the evaluation set (0: none). */
  denseRooms: number;
  samples: number;
  warmup: number;
  warmupMs: number;
  minSampleMs: number;
  maxMsPerSize: number;
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
const pseudonymizer = new Pseudonymizer('bench-redaction-key-0123456789abcdef');
let sink = 0;

/** What archiving does to HappyTalk's bytes up to the transcript line: the floor of the copy's cost. */
function normalize(bytes: Uint8Array, roomId: string): { transcript: Transcript; line: Uint8Array } {
  const parsed = parseChatData(bytes, roomId);
  const transcript = transcriptOf(
    { ...parsed, endpoint: ENDPOINT, fetchedAt: new Date(), sha256: sha256Hex(bytes) },
    { roomId, timeZone: 'Asia/Seoul' },
  );
  return { transcript, line: encodeTranscriptLine(transcript) };
}

/** What the archive adds for the copy: the redacted transcript, its line and its SHA-256 (RedactedCopies.make). */
function redactedCopy(transcript: Transcript): Uint8Array {
  const line = encodeTranscriptLine(redactTranscript(transcript, pseudonymizer));
  sink += sha256Hex(line).length;
  return line;
}

function timeSample(work: () => { length: number }, iterations: number): number {
  collect();
  const start = performance.now();
  for (let index = 0; index < iterations; index++) sink += work().length;
  return (performance.now() - start) / iterations;
}

/** Alternating samples of both, after a warm-up, with the same number of runs per sample. */
function measure(subject: () => { length: number }, floor: () => { length: number }) {
  const warmupStarted = performance.now();
  for (let index = 0; index < 5_000; index++) {
    if (index >= config.warmup && performance.now() - warmupStarted > config.warmupMs) break;
    sink += floor().length + subject().length;
  }
  const once = timeSample(subject, 1);
  const iterations = Math.max(1, Math.ceil(config.minSampleMs / Math.max(once, 0.001)));
  const subjectMs: number[] = [];
  const floorMs: number[] = [];
  const started = performance.now();
  for (let index = 0; index < config.samples; index++) {
    if (index % 2 === 0) {
      floorMs.push(timeSample(floor, iterations));
      subjectMs.push(timeSample(subject, iterations));
    } else {
      subjectMs.push(timeSample(subject, iterations));
      floorMs.push(timeSample(floor, iterations));
    }
    if (performance.now() - started > config.maxMsPerSize) break;
  }
  return { iterations, subjectMs, floorMs };
}

const sizes = [];
for (const messages of config.sizes) {
  const roomId = makeRoomId(`redaction-${messages}`);
  const room = generateRoom({ roomId, messageCount: messages, seed: 7 });
  const bytes = new Uint8Array(Buffer.from(encodePhpJson({ result: 'success', data: [room] }), 'utf8'));
  const { transcript } = normalize(bytes, roomId);
  const timings = measure(
    () => redactedCopy(transcript),
    () => normalize(bytes, roomId).line,
  );
  sizes.push({ messages, bytes: bytes.byteLength, ...timings });
}

let dense:
  | { rooms: number; messages: number; iterations: number; subjectMs: number[]; floorMs: number[] }
  | undefined;
if (config.denseRooms > 0) {
  const transcripts = generateEvalSet('bench', DEVELOPMENT_SEED, config.denseRooms).cases.map(
    (evalCase) => evalCase.transcript,
  );
  const messages = transcripts.reduce((sum, transcript) => sum + transcript.messages.length, 0);
  const all = (each: (transcript: Transcript) => { length: number }) => ({
    length: transcripts.reduce((sum, transcript) => sum + each(transcript).length, 0),
  });
  dense = {
    rooms: transcripts.length,
    messages,
    ...measure(
      () => all(redactedCopy),
      () => all(encodeTranscriptLine),
    ),
  };
}
process.stdout.write(`\nBENCH ${JSON.stringify({ sizes, dense, sink: sink > 0 })}\n`);
