import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SimRoom, SimulatorOptions } from '../dev/simulator/index.js';
import { startStandIns } from '../dev/stand-ins.js';
import { POWERTOOLS } from '../lib/contract/observability.js';
import { CHAT_DATA_PATH } from '../lib/happytalk/schema.js';
import { LAMBDA_RUNTIME_ENVIRONMENT, ROOT, TSX_IMPORT } from './processes.js';

export const BENCH_TOKEN = 'bench-token-7Qm2';
export const BENCH_SECRET_ID = 'happytalk/bench-token';
export const BENCH_BUCKET = 'archive-bench';
const PRIME_CONCURRENCY = 16;

/** The loopback stand-ins the measured code calls, all on 127.0.0.1 (the local S3 in a process of its own). */
export interface BenchStack {
  /** The environment a function bundle or the archive service runs with against this stack. */
  readonly env: Readonly<Record<string, string>>;
  readonly chatDataUrl: string;
  /** Asks the simulator for each room once, so that its encoding is cached before anything is timed. */
  prime(roomIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchStack(options: {
  workDir: string;
  rooms: readonly SimRoom[];
  simulator?: Omit<SimulatorOptions, 'rooms' | 'token'>;
}): Promise<BenchStack> {
  const directory = await mkdtemp(join(options.workDir, 's3-'));
  const s3 = await startSeparateS3(directory);
  const standIns = await startStandIns({
    token: BENCH_TOKEN,
    secretId: BENCH_SECRET_ID,
    bucket: BENCH_BUCKET,
    s3: { endpoint: s3.endpoint },
    simulator: { ...options.simulator, rooms: options.rooms, host: '127.0.0.1' },
    env: {
      ...LAMBDA_RUNTIME_ENVIRONMENT,
      HAPPYTALK_TIMEOUT_MS: '120000',
      HAPPYTALK_MAX_ATTEMPTS: '1',
      ARCHIVE_DLQ_URL: 'http://127.0.0.1:9/000000000000/archive-dlq',
      ARCHIVE_QUEUE_URL: 'http://127.0.0.1:9/000000000000/archive-queue',
      AWS_EC2_METADATA_DISABLED: 'true',
      POWERTOOLS_SERVICE_NAME: POWERTOOLS.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: `${POWERTOOLS.metricsNamespace}Bench`,
      POWERTOOLS_LOG_LEVEL: POWERTOOLS.logLevel,
    },
  });
  const chatDataUrl = `${standIns.simulator.url}${CHAT_DATA_PATH}`;
  return {
    chatDataUrl,
    env: standIns.env,
    async prime(roomIds) {
      // A few at a time: the simulator's latency applies to these requests too.
      for (let start = 0; start < roomIds.length; start += PRIME_CONCURRENCY) {
        await Promise.all(
          roomIds.slice(start, start + PRIME_CONCURRENCY).map(async (roomId) => {
            const response = await fetch(chatDataUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ token: BENCH_TOKEN, room_id: roomId }),
            });
            await response.arrayBuffer();
          }),
        );
      }
    },
    async close() {
      await Promise.all([standIns.close(), s3.close()]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The local S3 in a child process (`bench/runners/local-s3.ts`), on the bench's Node.js. */
async function startSeparateS3(directory: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [...TSX_IMPORT, `${ROOT}bench/runners/local-s3.ts`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', BENCH_CONFIG: JSON.stringify({ directory, bucket: BENCH_BUCKET }) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the local S3 did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the local S3 exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('BENCH ')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line.slice('BENCH '.length)) as { endpoint: string }).endpoint);
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    endpoint,
    async close() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
