import { generateRoom, makeRoomId } from '../dev/simulator/index.js';
import { ROOT, runJsonChild, TSX_IMPORT } from './processes.js';
import { resultsTable } from './report.js';
import { benchResult, percentile } from './results.js';
import { BENCH_TOKEN, startBenchStack } from './stack.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';

/**
 * Per-room overhead: archiving a 1,000-message room through the real
 * `http-api` bundle (warm), against a floor that makes the same POST and the
 * same PutObject calls with plain `JSON.parse`/`JSON.stringify`: with the
 * redacted copy off (three PUTs), and as deployed, with the copy (its PUT in
 * the floor too). All run in one Node.js process, in turn, against the same
 * simulator and local S3.
 */
export async function measurePerRoom(context: SuiteContext): Promise<SuiteOutcome> {
  const messageCount = context.smoke ? 10 : 1_000;
  const warmup = context.smoke ? 1 : 15;
  const runs = context.smoke ? 1 : 80;
  const rooms = Array.from({ length: 2 * (warmup + runs) }, (_, index) =>
    generateRoom({ roomId: makeRoomId(`per-room-${index}`), messageCount, seed: index + 1 }),
  );
  const roomIds = rooms.map((room) => String(room.chat.id));
  const pairs = Array.from({ length: warmup + runs }, (_, index) => [
    roomIds[2 * index] as string,
    roomIds[2 * index + 1] as string,
  ]);
  const bundle = context.bundles.find((candidate) => candidate.name === 'http-api');
  if (!bundle) throw new Error('the http-api bundle was not built');

  const stack = await startBenchStack({ workDir: context.workDir, rooms });
  let measured: { copyOff: Timings; copyOn: Timings };
  try {
    await stack.prime(roomIds);
    measured = await runJsonChild(
      context.runtime.binary,
      [...TSX_IMPORT, `${ROOT}bench/runners/per-room.ts`],
      {
        env: {
          ...stack.env,
          BENCH_CONFIG: JSON.stringify({
            bundle: bundle.outfile,
            chatDataUrl: stack.chatDataUrl,
            token: BENCH_TOKEN,
            roomIds: pairs,
            warmup,
            maxMs: context.smoke ? 30_000 : 240_000,
          }),
        },
        timeoutMs: context.smoke ? 60_000 : 300_000,
      },
    );
  } finally {
    await stack.close();
  }

  const figures = (prefix: string, timings: Timings) => [
    benchResult({
      name: `${prefix}.p50`,
      value: percentile(timings.handlerMs, 50),
      unit: 'ms',
      floor: percentile(timings.floorMs, 50),
      budget: { limit: 1.15 },
    }),
    benchResult({
      name: `${prefix}.p90`,
      value: percentile(timings.handlerMs, 90),
      unit: 'ms',
      floor: percentile(timings.floorMs, 90),
    }),
    benchResult({
      name: `${prefix}.cpu.p50`,
      value: percentile(timings.handlerCpuMs, 50),
      unit: 'ms',
      floor: percentile(timings.floorCpuMs, 50),
    }),
  ];
  const results = [...figures('per_room', measured.copyOff), ...figures('per_room.copy_on', measured.copyOn)];
  const section = [
    '## 2. Per-room overhead',
    '',
    `A ${messageCount.toLocaleString('en-US')}-message room (a generated Korean room, PHP-style JSON as HappyTalk sends it)`,
    `is archived through the real \`http-api\` bundle (\`POST /rooms/{room_id}/archive\`, the handler called as the`,
    'Lambda runtime calls it), against the simulator, the local S3 and the loopback Secrets Manager, on',
    `${context.runtime.label}. The floor (\`bench/floors/per-room.ts\`) makes the same HTTP POST and the same three`,
    'PutObject calls (raw and transcript at once, then the index) with the same S3 client settings, and does only',
    '`JSON.parse` and `JSON.stringify` in between. `per_room.*` is the bundle with the redacted copy off',
    '(`REDACTED_COPY=off`), the like-for-like figure of the budget, which was set before the copy existed;',
    "`per_room.copy_on.*` is the bundle as deployed, with the copy, against the floor with the copy's PUT in the same",
    'group (the same line written a second time): what is left above that floor is the redaction itself (the',
    'detectors, the pseudonyms and the second encoding, budgeted on its own in section 7). Each configuration runs',
    'with its floor in one process, in turn (alternating which goes first), each room fresh so that every run writes',
    `(\`archived\`). ${warmup} warm-up rooms each are discarded (JIT, secret cache, connection pools); the figures are over`,
    `the next ${measured.copyOff.handlerMs.length}. The simulator's answer for each room is encoded before timing starts.`,
    "`….cpu.p50` is the median of the measuring process's CPU time per room (every thread), which other processes on",
    'the machine do not stretch.',
    '',
    resultsTable(results),
  ].join('\n');
  return { results, section };
}

/** What one configuration measured, per room. */
interface Timings {
  handlerMs: number[];
  floorMs: number[];
  handlerCpuMs: number[];
  floorCpuMs: number[];
}
