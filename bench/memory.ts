import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { encodePhpJson, generateRoom, makeRoomId } from '../dev/simulator/index.js';
import { ROOT, runJsonChild } from './processes.js';
import { mib, resultsTable, table } from './report.js';
import { benchResult, median } from './results.js';
import { BENCH_BUCKET, startBenchStack } from './stack.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';

interface MemorySample {
  idleRss: number;
  peakRss: number;
  durationMs: number;
}

const MIB = 1024 * 1024;
/** Lambda memory settings go up in 1 MB steps; the search uses 64 MB ones. */
const SETTING_STEP_MB = 64;
/** The peak RSS may use at most this share of the setting: the rest is headroom for variance. */
const HEADROOM = 0.9;

/**
 * The V8 flags the Lambda Node.js runtime's bootstrap derives from the
 * function's memory M (MB): a semi-space of M/20 and an old space of 0.9·M.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

/**
 * Memory: the peak RSS of a fresh Node.js process while the real http-api
 * bundle archives one room whose raw response is ~50 MB, minus the RSS of the
 * same process idle (bundle loaded, a small room archived). Then the smallest
 * Lambda memory setting whose V8 flags still archive it with the peak within
 * {@link HEADROOM} of the setting.
 */
export async function measureMemory(context: SuiteContext): Promise<SuiteOutcome> {
  const targetBytes = context.smoke ? 256 * 1024 : 50 * MIB;
  const roomId = makeRoomId('memory-large');
  const warmRoomId = makeRoomId('memory-warm');
  const messageCount = estimateMessageCount(roomId, targetBytes);
  const room = generateRoom({ roomId, messageCount, seed: 11 });
  const payloadBytes = Buffer.byteLength(encodePhpJson({ result: 'success', data: [room] }), 'utf8');
  const bundle = context.bundles.find((candidate) => candidate.name === 'http-api');
  if (!bundle) throw new Error('the http-api bundle was not built');

  const stack = await startBenchStack({
    workDir: context.workDir,
    rooms: [room, generateRoom({ roomId: warmRoomId, messageCount: 20, seed: 12 })],
  });
  const s3 = new S3Client({
    region: stack.env.AWS_REGION ?? 'ap-northeast-2',
    endpoint: stack.env.AWS_ENDPOINT_URL_S3 ?? '',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const attempts: { memoryMb: number | undefined; sample?: MemorySample; failure?: string }[] = [];
  try {
    await stack.prime([roomId, warmRoomId]);
    const run = async (memoryMb: number | undefined): Promise<MemorySample | undefined> => {
      // Forget both rooms, so that every run archives (writes) them again.
      for (const id of [roomId, warmRoomId]) {
        await s3.send(new DeleteObjectCommand({ Bucket: BENCH_BUCKET, Key: `index/rooms/${id}.json` }));
      }
      try {
        const sample = await runJsonChild<MemorySample>(
          context.runtime.binary,
          [
            '--expose-gc',
            '--enable-source-maps',
            ...(memoryMb ? lambdaHeapFlags(memoryMb) : []),
            `${ROOT}bench/runners/memory.mjs`,
          ],
          {
            env: {
              ...stack.env,
              AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb ?? 512),
              BENCH_CONFIG: JSON.stringify({ bundle: bundle.outfile, roomId, warmRoomId, memoryMb }),
            },
            timeoutMs: context.smoke ? 60_000 : 180_000,
          },
        );
        const fits = memoryMb === undefined || sample.peakRss <= HEADROOM * memoryMb * MIB;
        attempts.push({
          memoryMb,
          sample,
          ...(fits ? {} : { failure: `peak ${mib(sample.peakRss)} over ${HEADROOM * 100}%` }),
        });
        return fits ? sample : undefined;
      } catch (error) {
        attempts.push({
          memoryMb,
          failure: (error as Error).message.split('\n')[0]?.slice(0, 160) ?? 'failed',
        });
        return undefined;
      }
    };

    // A setting is kept only if every one of its runs fits. Unconstrained first, for a starting
    // point; then up until a setting fits, then down while the one below still does.
    const repeats = context.smoke ? 1 : 3;
    const runsAt = async (memoryMb: number): Promise<MemorySample[] | undefined> => {
      const samples: MemorySample[] = [];
      for (let index = 0; index < repeats; index++) {
        const sample = await run(memoryMb);
        if (!sample) return undefined;
        samples.push(sample);
      }
      return samples;
    };
    const unconstrained = await run(undefined);
    if (!unconstrained) throw new Error(`archiving the large room failed: ${attempts[0]?.failure}`);
    let setting = roundUpToStep(unconstrained.peakRss / MIB / HEADROOM);
    let samples = await runsAt(setting);
    for (let step = 0; step < 6 && !samples; step++) {
      setting += SETTING_STEP_MB;
      samples = await runsAt(setting);
    }
    if (!samples) throw new Error(`no memory setting up to ${setting} MB archives the room`);
    for (let step = 0; step < (context.smoke ? 1 : 4) && setting - SETTING_STEP_MB >= 128; step++) {
      const smaller = await runsAt(setting - SETTING_STEP_MB);
      if (!smaller) break;
      setting -= SETTING_STEP_MB;
      samples = smaller;
    }

    const delta = median(samples.map((sample) => sample.peakRss - sample.idleRss));
    const peak = median(samples.map((sample) => sample.peakRss));
    const results = [
      benchResult({
        name: 'memory.peak_rss_over_idle',
        value: delta / MIB,
        unit: 'MiB',
        floor: payloadBytes / MIB,
        budget: { limit: 4 },
      }),
      benchResult({
        name: 'memory.lambda_memory_setting',
        value: setting,
        unit: 'MB',
        floor: peak / MIB,
      }),
    ];
    const section = [
      '## 4. Memory',
      '',
      `A room of ${messageCount.toLocaleString('en-US')} messages whose raw response is ${mib(payloadBytes)} is archived`,
      'through the real `http-api` bundle in a fresh process, after a 20-message room (to load and warm everything).',
      "`memory.peak_rss_over_idle` is the process's peak RSS (`getrusage`, so no peak is missed) minus its RSS idle",
      'after the warm-up room and a full GC; its floor is the payload size, so the ratio is in payloads. The runs use',
      "the V8 flags the Lambda Node.js runtime's bootstrap derives from the memory setting M",
      '(`--max-semi-space-size` = M/20, `--max-old-space-size` = 0.9·M) and the deployed `--enable-source-maps`.',
      `\`memory.lambda_memory_setting\` is the smallest setting (in ${SETTING_STEP_MB} MB steps) whose flags archive the room`,
      `with the peak RSS within ${HEADROOM * 100}% of the setting in each of ${repeats} runs (its floor is the median peak RSS`,
      'in MiB); `memory.peak_rss_over_idle` is the median of those runs. Against real S3 the SDK',
      "also computes a CRC32 of each body (checksums are off for s3rver), which briefly copies the transcript's",
      'UTF-8 bytes once more: the setting leaves room for that in its headroom only if the transcript is small.',
      '',
      resultsTable(results),
      '',
      'The search, in order:',
      '',
      table(
        ['memory setting', 'idle RSS', 'peak RSS', 'time', 'outcome'],
        attempts.map((attempt) => [
          attempt.memoryMb === undefined ? 'unconstrained' : `${attempt.memoryMb} MB`,
          attempt.sample ? mib(attempt.sample.idleRss) : '–',
          attempt.sample ? mib(attempt.sample.peakRss) : '–',
          attempt.sample ? `${(attempt.sample.durationMs / 1000).toFixed(1)} s` : '–',
          attempt.failure ?? 'fits',
        ]),
      ),
    ].join('\n');
    return { results, section };
  } finally {
    s3.destroy();
    await stack.close();
  }
}

function roundUpToStep(megabytes: number): number {
  return Math.max(128, Math.ceil(megabytes / SETTING_STEP_MB) * SETTING_STEP_MB);
}

/** How many generated messages make a raw response of about `targetBytes`. */
function estimateMessageCount(roomId: string, targetBytes: number): number {
  const sampleCount = 2_000;
  const size = (count: number) =>
    Buffer.byteLength(
      encodePhpJson({ result: 'success', data: [generateRoom({ roomId, messageCount: count, seed: 11 })] }),
      'utf8',
    );
  const base = size(0);
  const perMessage = (size(sampleCount) - base) / sampleCount;
  return Math.max(1, Math.round((targetBytes - base) / perMessage));
}
