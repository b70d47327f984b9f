import { ROOT, runJsonChild, TSX_IMPORT } from './processes.js';
import { resultsTable } from './report.js';
import { type BenchResult, benchResult, median } from './results.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';

interface Timings {
  iterations: number;
  subjectMs: number[];
  floorMs: number[];
}

/** The most a message's redacted copy may cost, as a multiple of its normalization (1,000 messages and up). */
export const REDACTION_BUDGET = 2;

/** Below this many messages a room's copy costs tens of microseconds, mostly per transcript: not budgeted. */
const BUDGETED_FROM_MESSAGES = 1_000;

/**
 * The redacted copy: what the archive adds to each room (the redacted
 * transcript, its JSON line, its SHA-256) against the archive's normalization
 * of the same room (the raw bytes to the transcript line), on generated rooms;
 * and on the redaction evaluation set's rooms, dense with personal data,
 * against a plain serialization of the same transcripts.
 */
export async function measureRedaction(context: SuiteContext): Promise<SuiteOutcome> {
  const sizes = context.smoke ? [10, 1_000] : [10, 1_000, 100_000];
  const { sizes: timings, dense } = await runJsonChild<{
    sizes: (Timings & { messages: number; bytes: number })[];
    dense?: Timings & { rooms: number; messages: number };
  }>(context.runtime.binary, ['--expose-gc', ...TSX_IMPORT, `${ROOT}bench/runners/redaction.ts`], {
    env: {
      BENCH_CONFIG: JSON.stringify({
        sizes,
        denseRooms: context.smoke ? 5 : 400,
        samples: context.smoke ? 1 : 11,
        warmup: context.smoke ? 0 : 2,
        warmupMs: context.smoke ? 0 : 500,
        minSampleMs: context.smoke ? 1 : 100,
        maxMsPerSize: context.smoke ? 10_000 : 40_000,
      }),
    },
    timeoutMs: context.smoke ? 60_000 : 300_000,
  });
  const perMessage = (timing: Timings, messages: number) => ({
    subjectUs: (median(timing.subjectMs) * 1000) / messages,
    floorUs: (median(timing.floorMs) * 1000) / messages,
  });
  const results: BenchResult[] = timings.map((size) => {
    const { subjectUs, floorUs } = perMessage(size, size.messages);
    return benchResult({
      name: `redaction.${size.messages}.time_per_message`,
      value: subjectUs,
      unit: 'µs',
      floor: floorUs,
      ...(size.messages >= BUDGETED_FROM_MESSAGES ? { budget: { limit: REDACTION_BUDGET } } : {}),
    });
  });
  if (dense) {
    const { subjectUs, floorUs } = perMessage(dense, dense.messages);
    results.push(
      benchResult({ name: 'redaction.dense.time_per_message', value: subjectUs, unit: 'µs', floor: floorUs }),
    );
  }
  const rows = [
    ...timings.map(
      (size) =>
        `${size.messages.toLocaleString('en-US')} messages: ${(size.bytes / 1024).toFixed(0)} KiB, ${size.subjectMs.length} samples of ${size.iterations} run(s)`,
    ),
    ...(dense
      ? [
          `evaluation set: ${dense.rooms} rooms, ${dense.messages.toLocaleString('en-US')} messages, ${dense.subjectMs.length} samples of ${dense.iterations} run(s)`,
        ]
      : []),
  ];
  const section = [
    '## 7. Redaction',
    '',
    `On ${context.runtime.label}, what the redacted copy adds to the archive of a room, per message: the`,
    'transcript through `redactTranscript` (every free-text string scanned by the detectors, the customer ids',
    'keyed), its line (`encodeTranscriptLine`) and its SHA-256, as `RedactedCopies.make` does it. The floor is the',
    "archive's normalization of the same generated room (`parseChatData`, SHA-256 of the bytes, `transcriptOf`,",
    '`encodeTranscriptLine`): from 1,000 messages on, the copy is budgeted at most twice that, so that a room',
    'costs at most three times its normalization in CPU; a 10-message room (no budget) shows the fixed cost of a',
    'transcript (tens of microseconds: each distinct string is scanned once per room, so a larger room repeats',
    'itself more cheaply). Samples of both alternate after a warm-up, each after a full garbage collection,',
    'repeated until a sample lasts about 100 ms. `redaction.dense` (no budget) is the copy of the redaction',
    "evaluation set's rooms, written to be dense with personal data (every string distinct, many findings),",
    'against `encodeTranscriptLine` of the same transcripts: the worst case the detectors meet. The copy is one',
    'more PUT, written with the raw bytes and the transcript, before the index.',
    '',
    ...rows.map((row) => `- ${row}`),
    '',
    resultsTable(results),
  ].join('\n');
  return { results, section };
}
