import { ROOT, runJsonChild, TSX_IMPORT } from './processes.js';
import { resultsTable } from './report.js';
import { type BenchResult, benchResult, median } from './results.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';

interface SizeTimings {
  messages: number;
  /** Every message is a button or template message (template V2 and V1 contents). */
  templates: boolean;
  bytes: number;
  /** The transcript line's UTF-8 bytes. */
  transcriptBytes: number;
  iterations: number;
  subjectMs: number[];
  encodedMs: number[];
  floorMs: number[];
  rawFloorMs: number[];
}

/** The most the transformation may take per message, in floors. */
const NORMALIZATION_BUDGET = 1.5;
/** The most its time per message may grow from 1,000 to 100,000 messages, in the floor's own growths. */
const LINEARITY_BUDGET = 1.1;

/**
 * Normalization: the archive's whole transformation of a raw response
 * (strict UTF-8 decode, JSON.parse, the structural check, SHA-256 of the
 * bytes, normalizeRoom, JSON.stringify of the transcript) against the work
 * any correct normalizer must do: JSON.parse of the same bytes (after a plain
 * UTF-8 decode) and JSON.stringify of a transcript of the same size and shape,
 * computed before the timing. The old floor, JSON.parse + JSON.stringify of
 * the bytes alone, stays beside it without a budget (`.raw_floor`).
 */
export async function measureNormalization(context: SuiteContext): Promise<SuiteOutcome> {
  const sizes = context.smoke ? [10, 100, 1_000] : [10, 1_000, 100_000];
  const templateSizes = context.smoke ? [100] : [1_000];
  const { sizes: timings } = await runJsonChild<{ sizes: SizeTimings[] }>(
    context.runtime.binary,
    ['--expose-gc', ...TSX_IMPORT, `${ROOT}bench/runners/normalization.ts`],
    {
      env: {
        BENCH_CONFIG: JSON.stringify({
          sizes,
          templateSizes,
          samples: context.smoke ? 1 : 15,
          warmup: context.smoke ? 0 : 2,
          warmupMs: context.smoke ? 0 : 500,
          minSampleMs: context.smoke ? 1 : 20,
          maxMsPerSize: context.smoke ? 10_000 : 40_000,
        }),
      },
      timeoutMs: context.smoke ? 60_000 : 240_000,
    },
  );

  const perSize = (size: SizeTimings) => ({
    size,
    subjectUs: (median(size.subjectMs) * 1000) / size.messages,
    encodedUs: (median(size.encodedMs) * 1000) / size.messages,
    floorUs: (median(size.floorMs) * 1000) / size.messages,
    rawFloorUs: (median(size.rawFloorMs) * 1000) / size.messages,
  });
  const perMessage = timings.filter((size) => !size.templates).map(perSize);
  const templated = timings.filter((size) => size.templates).map(perSize);
  const results: BenchResult[] = [];
  for (const { size, subjectUs, encodedUs, floorUs, rawFloorUs } of perMessage) {
    results.push(
      benchResult({
        name: `normalization.${size.messages}.time_per_message`,
        value: subjectUs,
        unit: 'µs',
        floor: floorUs,
        budget: { limit: NORMALIZATION_BUDGET },
      }),
      benchResult({
        name: `normalization.${size.messages}.time_per_message.raw_floor`,
        value: subjectUs,
        unit: 'µs',
        floor: rawFloorUs,
      }),
      benchResult({
        name: `normalization.${size.messages}.time_per_message.encoded`,
        value: encodedUs,
        unit: 'µs',
        floor: floorUs,
      }),
      benchResult({
        name: `normalization.${size.messages}.messages_per_second`,
        value: 1e6 / subjectUs,
        unit: 'messages/s',
        floor: 1e6 / floorUs,
      }),
    );
  }
  for (const { size, subjectUs, floorUs } of templated) {
    const plain = perMessage.find((candidate) => candidate.size.messages === size.messages);
    results.push(
      benchResult({
        name: `normalization.templates.${size.messages}.time_per_message`,
        value: subjectUs,
        unit: 'µs',
        floor: floorUs,
      }),
      ...(plain
        ? [
            benchResult({
              name: `normalization.templates.${size.messages}.vs_text_room`,
              value: subjectUs,
              unit: 'µs',
              floor: plain.subjectUs,
            }),
          ]
        : []),
    );
  }
  const middle = perMessage[1];
  const largest = perMessage[perMessage.length - 1];
  if (middle && largest) {
    results.push(
      benchResult({
        name: 'normalization.linearity',
        value: largest.subjectUs / middle.subjectUs,
        unit: '×',
        floor: largest.floorUs / middle.floorUs,
        budget: { limit: LINEARITY_BUDGET },
      }),
      benchResult({
        name: 'normalization.linearity.subject',
        value: largest.subjectUs,
        unit: 'µs',
        floor: middle.subjectUs,
      }),
      benchResult({
        name: 'normalization.linearity.encoded',
        value: largest.encodedUs,
        unit: 'µs',
        floor: middle.encodedUs,
      }),
      benchResult({
        name: 'normalization.linearity.floor',
        value: largest.floorUs,
        unit: 'µs',
        floor: middle.floorUs,
      }),
    );
  }

  const rows = [...perMessage, ...templated].map(
    ({ size }) =>
      `${size.messages.toLocaleString('en-US')} messages${size.templates ? ', every one a template' : ''}: ${(size.bytes / 1024).toFixed(0)} KiB answered, a ${(size.transcriptBytes / 1024).toFixed(0)} KiB transcript (${(size.transcriptBytes / size.bytes).toFixed(2)}×), ${size.subjectMs.length} samples of ${size.iterations} run(s)`,
  );
  const section = [
    '## 3. Normalization',
    '',
    `On ${context.runtime.label}, for generated rooms of each size as HappyTalk sends them (PHP-style JSON, Korean`,
    'text as `\\uXXXX` escapes), the time per message of everything archiving does between the response bytes and',
    'the transcript line it writes: `parseChatData` (strict UTF-8 decode, `JSON.parse`, the structural check, picking',
    'the room), SHA-256 of the bytes (the transcript records it), `transcriptOf` (normalizeRoom) and `JSON.stringify`',
    'of the transcript. The floor is the work any correct normalizer must do: `JSON.parse(new TextDecoder().decode(bytes))`',
    'of the same bytes (a decode is needed to parse bytes at all, so the floor has one, the cheapest, not validating),',
    'and `JSON.stringify` of a transcript of the same size and shape (the transcript of the same room, computed before',
    `any timing). Budget: at most ${NORMALIZATION_BUDGET}× the floor at each size. The old floor, \`JSON.stringify(JSON.parse(…))\` of the`,
    "bytes alone, cannot be met by a correct normalizer (the transcript is larger than HappyTalk's answer), and stays",
    'beside it without a budget as `*.time_per_message.raw_floor`. Samples of the floors and the transformations',
    'alternate, in a rotating order, after a warm-up (1 s on a 200-message room, then at least 2 runs and 0.5 s on each',
    'size); each sample starts after a minor garbage collection (the garbage of the sample before is not counted, and',
    'the heap keeps the size a warm function has) and repeats the work until it lasts about 20 ms (the',
    "same count for all), and is the process's CPU time (`process.cpuUsage`), not the time on the clock: the machine",
    'is shared, and the clock would count what other processes run meanwhile. `messages_per_second` is the same',
    'figure as a rate (its ratio is then below 1).',
    '`normalization.linearity` is how much the time per message grows from 1,000 to 100,000 messages (value) against',
    `how much the floor's grows (floor): at most ${LINEARITY_BUDGET}× it; \`.subject\`, \`.encoded\` and \`.floor\` show each growth as`,
    'the time per message at 100,000 (value) against the time per message at 1,000 (floor).',
    '`*.encoded` (no budget) is the transformation with the transcript serialized by `encodeTranscriptLine`',
    '(UTF-8 bytes, a slice of messages at a time) instead of `JSON.stringify`: it includes the UTF-8 encoding, which',
    'the string path leaves to the S3 client (which then does it more than once), so it is the cost of the line as',
    'written; `encodeTranscriptLine` is checked to give the same bytes on every size.',
    '`normalization.templates.N.*` is the same room with every message a button or template message (the template',
    'V2 and V1 contents of the sample rooms, in turn: keyword menus, link buttons, images, a template with nothing',
    'readable, a broken V1 button): `time_per_message` against its own floor, and `vs_text_room` against the time per',
    'message of the text room of the same size: the cost of reading template contents.',
    '',
    ...rows.map((row) => `- ${row}`),
    '',
    resultsTable(results),
  ].join('\n');
  return { results, section };
}
