/**
 * `npm run bench:redaction`: a microbenchmark of the redactor against the
 * archive's own normalization, on the same rooms (the simulator's generated
 * rooms: Korean sample lines, some with phone numbers and order numbers) and
 * on the evaluation set's rooms (dense with personal data). Prints medians;
 * asserts nothing (the benchmark proper, with floors, is `npm run bench`).
 */
import { DEVELOPMENT_SEED, generateEvalSet } from '../dev/redaction-eval/generator.js';
import { encodePhpJson, generateRoom, makeRoomId } from '../dev/simulator/index.js';
import { parseChatData } from '../lib/happytalk/client.js';
import { Pseudonymizer } from '../lib/redaction/pseudonym.js';
import { redactTranscript } from '../lib/redaction/redact.js';
import { sha256Hex } from '../lib/shared/hash.js';
import { transcriptOf } from '../lib/transcript/normalize.js';
import type { Transcript } from '../lib/transcript/schema.js';

const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
const pseudonymizer = new Pseudonymizer('bench-redaction-key-0123456789abcdef');
const SAMPLES = 7;
let sink = 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median milliseconds of `work`, repeated until a sample lasts at least `minMs`. */
function time(work: () => number, minMs = 200): number {
  for (let warm = 0; warm < 3; warm++) sink += work();
  let iterations = 1;
  for (;;) {
    const start = performance.now();
    for (let index = 0; index < iterations; index++) sink += work();
    if (performance.now() - start >= minMs / 4) break;
    iterations *= 2;
  }
  const samples: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    const start = performance.now();
    for (let index = 0; index < iterations; index++) sink += work();
    samples.push((performance.now() - start) / iterations);
  }
  return median(samples);
}

function line(label: string, messages: number, normalizeMs: number | undefined, redactMs: number): void {
  const rate = (ms: number) => `${Math.round((messages / ms) * 1000).toLocaleString('en-US')} msg/s`;
  const ratio =
    normalizeMs === undefined ? '' : `  redaction / normalization ${(redactMs / normalizeMs).toFixed(2)}`;
  process.stdout.write(
    `${label.padEnd(34)} ${String(messages).padStart(7)} messages  ` +
      `${normalizeMs === undefined ? '' : `normalize ${rate(normalizeMs).padStart(16)}  `}` +
      `redact ${rate(redactMs).padStart(16)}${ratio}\n`,
  );
}

for (const messages of [1_000, 10_000, 100_000]) {
  const roomId = makeRoomId(`redaction-${messages}`);
  const bytes = new Uint8Array(
    Buffer.from(
      encodePhpJson({ result: 'success', data: [generateRoom({ roomId, messageCount: messages, seed: 7 })] }),
    ),
  );
  let transcript: Transcript | undefined;
  const normalizeMs = time(() => {
    const parsed = parseChatData(bytes, roomId);
    const sha256 = sha256Hex(bytes);
    transcript = transcriptOf({ ...parsed, endpoint: ENDPOINT, fetchedAt: new Date(), sha256 }, { roomId });
    return JSON.stringify(transcript).length;
  });
  if (!transcript) throw new Error('no transcript');
  const normalized = transcript;
  const redactMs = time(() => JSON.stringify(redactTranscript(normalized, pseudonymizer)).length);
  line('simulator room', messages, normalizeMs, redactMs);
}

const evalSet = generateEvalSet('bench', DEVELOPMENT_SEED, 400);
const evalMessages = evalSet.cases.reduce((sum, evalCase) => sum + evalCase.transcript.messages.length, 0);
const evalMs = time(() => {
  let length = 0;
  for (const evalCase of evalSet.cases)
    length += JSON.stringify(redactTranscript(evalCase.transcript, pseudonymizer)).length;
  return length;
});
line('evaluation set (dense PII), 400 rooms', evalMessages, undefined, evalMs);
process.stdout.write(`(${process.version}; sink ${sink > 0})\n`);
