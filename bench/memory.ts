import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  encodePhpJson,
  generateHistory,
  generateRoom,
  makeRoomId,
  type SimRoom,
} from '../dev/simulator/index.js';
import { FUNCTION_NODE_OPTIONS } from '../lib/contract/functions.js';
import { indexKey } from '../lib/contract/keys.js';
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
/** Lambda's smallest memory setting. */
const MIN_SETTING_MB = 128;
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

/** One run of the search: a setting (or none), and what it measured or why it failed. */
interface Attempt {
  readonly memoryMb: number | undefined;
  readonly sample?: MemorySample;
  readonly failure?: string;
}

/** The smallest setting that archives a room, and the runs that found it. */
interface SettingSearch {
  readonly setting: number;
  readonly samples: MemorySample[];
  readonly attempts: Attempt[];
}

/**
 * Memory: the peak RSS of a fresh Node.js process while the real http-api
 * bundle archives one room whose raw response is ~50 MB, minus the RSS of the
 * same process idle (bundle loaded, a small room archived). Then the smallest
 * Lambda memory setting whose V8 flags still archive it with the peak within
 * {@link HEADROOM} of the setting; and the same search for a p99 room of the
 * simulator's size distribution.
 */
export async function measureMemory(context: SuiteContext): Promise<SuiteOutcome> {
  const targetBytes = context.smoke ? 256 * 1024 : 50 * MIB;
  const roomId = makeRoomId('memory-large');
  const warmRoomId = makeRoomId('memory-warm');
  const messageCount = estimateMessageCount(roomId, targetBytes);
  const room = generateRoom({ roomId, messageCount, seed: 11 });
  const payloadBytes = answerBytes(room);
  const typical = p99Room();
  const bundle = context.bundles.find((candidate) => candidate.name === 'http-api');
  if (!bundle) throw new Error('the http-api bundle was not built');

  const stack = await startBenchStack({
    workDir: context.workDir,
    rooms: [room, typical.room, generateRoom({ roomId: warmRoomId, messageCount: 20, seed: 12 })],
  });
  const s3 = new S3Client({
    region: stack.env.AWS_REGION ?? 'ap-northeast-2',
    endpoint: stack.env.AWS_ENDPOINT_URL_S3 ?? '',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    await stack.prime([roomId, String(typical.room.chat.id), warmRoomId]);
    const search = (id: string, env: Readonly<Record<string, string>> = stack.env) =>
      searchSetting(context, { bundle: bundle.outfile, roomId: id, warmRoomId, env, s3 });
    const large = await search(roomId);
    const small = await search(String(typical.room.chat.id));
    // The budget was set before the redacted copy existed: the same room without it, like for like.
    const largeWithoutCopy = await search(roomId, { ...stack.env, REDACTED_COPY: 'off' });

    const delta = median(large.samples.map((sample) => sample.peakRss - sample.idleRss));
    const peak = median(large.samples.map((sample) => sample.peakRss));
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
        value: large.setting,
        unit: 'MB',
        floor: peak / MIB,
      }),
      benchResult({
        name: 'memory.copy_off.peak_rss_over_idle',
        value: median(largeWithoutCopy.samples.map((sample) => sample.peakRss - sample.idleRss)) / MIB,
        unit: 'MiB',
        floor: payloadBytes / MIB,
        budget: { limit: 4 },
      }),
      benchResult({
        name: 'memory.copy_off.lambda_memory_setting',
        value: largeWithoutCopy.setting,
        unit: 'MB',
        floor: median(largeWithoutCopy.samples.map((sample) => sample.peakRss)) / MIB,
      }),
      benchResult({
        name: 'memory.p99_room.peak_rss',
        value: median(small.samples.map((sample) => sample.peakRss)) / MIB,
        unit: 'MiB',
        floor: median(small.samples.map((sample) => sample.idleRss)) / MIB,
      }),
      benchResult({
        name: 'memory.p99_room.lambda_memory_setting',
        value: small.setting,
        unit: 'MB',
        floor: median(small.samples.map((sample) => sample.peakRss)) / MIB,
      }),
    ];
    const repeats = context.smoke ? 1 : 3;
    const section = [
      '## 4. Memory',
      '',
      `A room of ${messageCount.toLocaleString('en-US')} messages whose raw response is ${mib(payloadBytes)} is archived`,
      'through the real `http-api` bundle in a fresh process, after a 20-message room (to load and warm everything).',
      "`memory.peak_rss_over_idle` is the process's peak RSS (`getrusage`, so no peak is missed) minus its RSS idle",
      'after the warm-up room and a full GC; its floor is the payload size, so the ratio is in payloads. The runs use',
      "the V8 flags the Lambda Node.js runtime's bootstrap derives from the memory setting M",
      `(\`--max-semi-space-size\` = M/20, \`--max-old-space-size\` = 0.9·M) and the function's deployed \`NODE_OPTIONS\` (${FUNCTION_NODE_OPTIONS['http-api'] || 'none'}).`,
      `\`memory.lambda_memory_setting\` is the smallest setting (in ${SETTING_STEP_MB} MB steps, from 128 MB) whose flags archive the room`,
      `with the peak RSS within ${HEADROOM * 100}% of the setting in each of ${repeats} runs (its floor is the median peak RSS`,
      'in MiB); `memory.peak_rss_over_idle` is the median of those runs. Against real S3 the SDK also computes a CRC32',
      'of each body (checksums are off for the local S3); it reads the body in place, without a copy.',
      '',
      `\`memory.p99_room.*\` is the same search for the 99th percentile room of the simulator's size distribution (`,
      `\`generateHistory\`'s defaults, ${typical.population.toLocaleString('en-US')} rooms): ${typical.room.message.length} messages, ${(typical.bytes / 1024).toFixed(1)} KiB answered;`,
      "`memory.p99_room.peak_rss` is the process's peak RSS (`getrusage`: its whole life, the warm-up included) against",
      'the same process idle (floor).',
      '',
      'These runs archive as deployed, with the redacted copy (the default): its redacted tree and its line are held',
      'beside the transcript while the writes run. `memory.copy_off.*` is the large room again with `REDACTED_COPY=off`:',
      'the figure the budget was set for, before the copy existed.',
      '',
      resultsTable(results),
      '',
      'The search for the large room, in order:',
      '',
      attemptsTable(large.attempts),
      '',
      'The search for the large room without the redacted copy, in order:',
      '',
      attemptsTable(largeWithoutCopy.attempts),
      '',
      'The search for the p99 room, in order:',
      '',
      attemptsTable(small.attempts),
    ].join('\n');
    return { results, section };
  } finally {
    s3.destroy();
    await stack.close();
  }
}

/** Searches the smallest setting that archives `roomId`: unconstrained first, then up until one fits, then down. */
async function searchSetting(
  context: SuiteContext,
  subject: {
    bundle: string;
    roomId: string;
    warmRoomId: string;
    env: Readonly<Record<string, string>>;
    s3: S3Client;
  },
): Promise<SettingSearch> {
  const attempts: Attempt[] = [];
  const run = async (memoryMb: number | undefined): Promise<MemorySample | undefined> => {
    // Forget both rooms, so that every run archives (writes) them again.
    for (const id of [subject.roomId, subject.warmRoomId]) {
      await subject.s3.send(new DeleteObjectCommand({ Bucket: BENCH_BUCKET, Key: indexKey(id) }));
    }
    try {
      const sample = await runJsonChild<MemorySample>(
        context.runtime.binary,
        [
          '--expose-gc',
          ...FUNCTION_NODE_OPTIONS['http-api'].split(' ').filter(Boolean),
          ...(memoryMb ? lambdaHeapFlags(memoryMb) : []),
          `${ROOT}bench/runners/memory.mjs`,
        ],
        {
          env: {
            ...subject.env,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb ?? 512),
            BENCH_CONFIG: JSON.stringify({
              bundle: subject.bundle,
              roomId: subject.roomId,
              warmRoomId: subject.warmRoomId,
              memoryMb,
            }),
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

  // A setting is kept only if every one of its runs fits.
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
  if (!unconstrained) throw new Error(`archiving room ${subject.roomId} failed: ${attempts[0]?.failure}`);
  let setting = roundUpToStep(unconstrained.peakRss / MIB / HEADROOM);
  let samples = await runsAt(setting);
  for (let step = 0; step < 6 && !samples; step++) {
    setting += SETTING_STEP_MB;
    samples = await runsAt(setting);
  }
  if (!samples) throw new Error(`no memory setting up to ${setting} MB archives room ${subject.roomId}`);
  for (let step = 0; step < (context.smoke ? 1 : 6) && setting - SETTING_STEP_MB >= MIN_SETTING_MB; step++) {
    const smaller = await runsAt(setting - SETTING_STEP_MB);
    if (!smaller) break;
    setting -= SETTING_STEP_MB;
    samples = smaller;
  }
  return { setting, samples, attempts };
}

function attemptsTable(attempts: readonly Attempt[]): string {
  return table(
    ['memory setting', 'idle RSS', 'peak RSS', 'time', 'outcome'],
    attempts.map((attempt) => [
      attempt.memoryMb === undefined ? 'unconstrained' : `${attempt.memoryMb} MB`,
      attempt.sample ? mib(attempt.sample.idleRss) : '–',
      attempt.sample ? mib(attempt.sample.peakRss) : '–',
      attempt.sample ? `${(attempt.sample.durationMs / 1000).toFixed(1)} s` : '–',
      attempt.failure ?? 'fits',
    ]),
  );
}

/** The bytes of HappyTalk's answer for one room. */
function answerBytes(room: SimRoom): number {
  return Buffer.byteLength(encodePhpJson({ result: 'success', data: [room] }), 'utf8');
}

/**
 * The 99th-percentile room by answer size of the simulator's own distribution
 * (`generateHistory` with its defaults, a month of rooms).
 */
function p99Room(): { room: SimRoom; bytes: number; population: number } {
  const rooms = generateHistory({ from: '2026-07-01', days: 30, roomsPerDay: 40, seed: 99 })
    .map((room) => ({ room, bytes: answerBytes(room) }))
    .sort((a, b) => a.bytes - b.bytes);
  const chosen = rooms[Math.min(rooms.length - 1, Math.ceil(0.99 * rooms.length) - 1)];
  if (!chosen) throw new Error('the simulator generated no rooms');
  return { ...chosen, population: rooms.length };
}

function roundUpToStep(megabytes: number): number {
  return Math.max(MIN_SETTING_MB, Math.ceil(megabytes / SETTING_STEP_MB) * SETTING_STEP_MB);
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
