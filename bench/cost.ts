import { generateRoom, makeRoomId } from '../dev/simulator/index.js';
import { DEFAULT_MEMORY_SIZE_MB } from '../infra/settings/table.js';
import { ROOT, runJsonChild, TSX_IMPORT } from './processes.js';
import { resultsTable, table } from './report.js';
import { type BenchResult, benchResult, median } from './results.js';
import type { Measured } from './runners/cost.js';
import { startBenchStack } from './stack.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';

/**
 * The outcomes, in the order the report lists them, and the most S3 requests each may make. The issue's
 * "archived ≤ 4" was set before the redacted copy existed: it holds with the copy off; the copy (on by
 * default) is one more PUT, budgeted at 5.
 */
const OUTCOMES: readonly { readonly name: string; readonly s3Budget?: number; readonly what: string }[] = [
  { name: 'archived', s3Budget: 5, what: "a room's first archive, with its redacted copy (the default)" },
  {
    name: 'updated',
    what: 'the room changed at HappyTalk (here: it finished) and is archived again, with its redacted copy',
  },
  { name: 'unchanged', s3Budget: 1, what: 'the same answer archived again' },
  { name: 'archived.copy_off', s3Budget: 4, what: "a room's first archive without the redacted copy" },
  { name: 'updated.copy_off', what: 'the same update without the redacted copy' },
  { name: 'unchanged.copy_off', s3Budget: 1, what: 'the same answer again, without the redacted copy' },
  { name: 'watcher.first_pass', what: 'the first watcher pass of a deployment (it writes the watermark)' },
  {
    name: 'watcher.nothing_new',
    s3Budget: 1,
    what: 'a watcher pass that finds no room finished since its watermark, in a warm execution environment',
  },
  {
    name: 'watcher.nothing_new.cold',
    s3Budget: 1,
    what: 'the same pass in a new execution environment (a cold start)',
  },
];

/** S3 operations that encrypt or decrypt an object with the archive's KMS key (SSE-KMS). */
const KMS_OPERATIONS: ReadonlySet<string> = new Set([
  'PutObject',
  'GetObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CopyObject',
]);

/**
 * What each outcome costs: the S3 requests by operation (counted by the
 * local S3), the KMS requests they would make without S3 Bucket Keys, the
 * HappyTalk calls, the Lambda GB-seconds at the default memory (from the
 * handler's time here) and the bytes logged, through the real bundles.
 */
export async function measureCost(context: SuiteContext): Promise<SuiteOutcome> {
  const bundle = (name: string) => {
    const found = context.bundles.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`the ${name} bundle was not built`);
    return found.outfile;
  };
  const roomCount = context.smoke ? 1 : 9;
  // Open (in progress) rooms of the simulator's typical size, registered today: with the copy, then without.
  const openRoom = (prefix: string) => (_: unknown, index: number) =>
    generateRoom({
      roomId: makeRoomId(`${prefix}-${index}`),
      messageCount: 8,
      seed: index + 31,
      status: '1',
    });
  const withCopy = Array.from({ length: roomCount }, openRoom('cost'));
  const withoutCopy = Array.from({ length: roomCount }, openRoom('cost-off'));
  const rooms = [...withCopy, ...withoutCopy];
  const stack = await startBenchStack({ workDir: context.workDir, rooms });
  let measured: Measured[];
  try {
    ({ measured } = await runJsonChild<{ measured: Measured[] }>(
      context.runtime.binary,
      [...TSX_IMPORT, `${ROOT}bench/runners/cost.ts`],
      {
        env: {
          ...stack.env,
          BENCH_CONFIG: JSON.stringify({
            httpApi: bundle('http-api'),
            watcher: bundle('completion-watcher'),
            s3Endpoint: stack.env.AWS_ENDPOINT_URL_S3,
            simulatorUrl: stack.env.HAPPYTALK_BASE_URL,
            roomIds: withCopy.map((room) => String(room.chat.id)),
            roomIdsWithoutCopy: withoutCopy.map((room) => String(room.chat.id)),
            watcherPasses: context.smoke ? 1 : 5,
          }),
        },
        timeoutMs: context.smoke ? 60_000 : 180_000,
      },
    ));
  } finally {
    await stack.close();
  }

  const memoryGb = DEFAULT_MEMORY_SIZE_MB / 1024;
  const results: BenchResult[] = [];
  const rows: string[][] = [];
  for (const { name, s3Budget, what } of OUTCOMES) {
    const runs = measured.filter((run) => run.outcome === name);
    if (runs.length === 0) throw new Error(`no run of outcome ${name}`);
    const first = runs[0] as Measured;
    const total = (run: Measured) => Object.values(run.s3).reduce((sum, count) => sum + count, 0);
    // Counts do not depend on the machine: every run of an outcome must make the same requests.
    for (const run of runs) {
      if (
        JSON.stringify(run.s3) !== JSON.stringify(first.s3) ||
        run.happyTalkCalls !== first.happyTalkCalls
      ) {
        throw new Error(`outcome ${name} made different requests: ${JSON.stringify(runs)}`);
      }
    }
    const kms = Object.entries(first.s3)
      .filter(([operation]) => KMS_OPERATIONS.has(operation))
      .reduce((sum, [, count]) => sum + count, 0);
    const handlerMs = median(runs.map((run) => run.handlerMs));
    results.push(
      benchResult({
        name: `cost.${name}.s3_requests`,
        value: total(first),
        unit: 'requests',
        floor: 1,
        ...(s3Budget === undefined ? {} : { budget: { limit: s3Budget } }),
      }),
      ...Object.entries(first.s3).map(([operation, count]) =>
        benchResult({ name: `cost.${name}.s3.${operation}`, value: count, unit: 'requests', floor: 1 }),
      ),
      benchResult({
        name: `cost.${name}.kms_requests_without_bucket_key`,
        value: kms,
        unit: 'requests',
        floor: 1,
      }),
      benchResult({
        name: `cost.${name}.happytalk_calls`,
        value: first.happyTalkCalls,
        unit: 'calls',
        floor: 1,
      }),
      benchResult({
        name: `cost.${name}.lambda_gb_seconds`,
        value: (Math.ceil(handlerMs) / 1000) * memoryGb,
        unit: 'GB-s',
        floor: (Math.ceil(handlerMs) / 1000) * (128 / 1024),
      }),
      benchResult({
        name: `cost.${name}.log_bytes`,
        value: median(runs.map((run) => run.logBytes)),
        unit: 'bytes',
        floor: 1,
      }),
    );
    rows.push([
      `\`${name}\``,
      what,
      `${total(first)}${s3Budget === undefined ? '' : ` (≤ ${s3Budget})`}`,
      Object.entries(first.s3)
        .map(([operation, count]) => `${operation} ${count}`)
        .join(', ') || 'none',
      String(kms),
      String(first.happyTalkCalls),
      `${handlerMs.toFixed(1)} ms`,
      ((Math.ceil(handlerMs) / 1000) * memoryGb).toFixed(4),
      String(Math.round(median(runs.map((run) => run.logBytes)))),
    ]);
  }

  const section = [
    '## 6. What each outcome costs',
    '',
    `The real \`http-api\` and \`completion-watcher\` bundles on ${context.runtime.label}, against the simulator and the`,
    "local S3, which counts every request it receives by S3 operation; HappyTalk's calls are counted at `fetch` in the",
    `same process, and what the function logs by its bytes. ${roomCount} open room(s) of 8 messages are each archived`,
    "(`archived`), finished at HappyTalk (the simulator's control API) and archived again (`updated`), then once more",
    '(`unchanged`), by the bundle as deployed (the redacted copy on) and, on as many other rooms, by the same bundle',
    'with `REDACTED_COPY=off` (`….copy_off`); before that, the completion watcher runs its first pass on the empty',
    'bucket, then passes that find nothing finished since the watermark, in the same module instance (a warm',
    'execution environment) and each in a fresh one (a cold start). Every run of an outcome must make the same',
    'requests (the suite fails otherwise). The S3 budgets are on the count of requests (the floor is one request); the',
    'issue\'s "archived ≤ 4" was set before the redacted copy existed: it is the budget of `archived.copy_off`, and the',
    'copy, one more PUT in the same concurrent group, is budgeted at 5 for `archived`. KMS: the bucket uses S3 Bucket Keys, so S3',
    'asks KMS for a data key once per bucket key period, not per object; the column counts the requests that encrypt',
    'or decrypt an object (PUT, GET, multipart parts, copies), which would each be one KMS request without Bucket Keys.',
    `GB-seconds: the handler's time here (warm, with HappyTalk answering at once), rounded up to the millisecond as`,
    `Lambda bills it, times the default memory (${DEFAULT_MEMORY_SIZE_MB} MB); in AWS, HappyTalk's own answer time adds to it`,
    '(docs/PERFORMANCE.md, "What a million rooms cost").',
    '',
    table(
      [
        'outcome',
        'what',
        'S3 requests',
        'by operation',
        'KMS without Bucket Keys',
        'HappyTalk calls',
        'handler time',
        'GB-s',
        'log bytes',
      ],
      rows,
    ),
    '',
    resultsTable(results.filter((result) => result.name.endsWith('.s3_requests'))),
  ].join('\n');
  return { results, section };
}
