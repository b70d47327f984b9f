import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startLocalSecretsManager } from '../dev/aws/secrets-manager.js';
import { type SimRoom, type SimulatorOptions, startSimulator } from '../dev/simulator/index.js';
import { CHAT_DATA_PATH } from '../lib/happytalk/schema.js';
import { LAMBDA_RUNTIME_ENVIRONMENT, ROOT, TSX_IMPORT } from './processes.js';

export const BENCH_TOKEN = 'bench-token-7Qm2';
export const BENCH_SECRET_ID = 'happytalk/bench-token';
export const BENCH_BUCKET = 'archive-bench';
const PRIME_CONCURRENCY = 16;

/** The loopback stand-ins the measured code calls, all on 127.0.0.1 (the local S3 in a process of its own). */
export interface BenchStack {
  /** The environment a function bundle or the archive service runs with against this stack. */
  readonly env: Record<string, string>;
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
  const [simulator, s3, secrets] = await Promise.all([
    startSimulator({ ...options.simulator, token: BENCH_TOKEN, rooms: options.rooms, host: '127.0.0.1' }),
    startSeparateS3(directory),
    startLocalSecretsManager({
      host: '127.0.0.1',
      secrets: { [BENCH_SECRET_ID]: JSON.stringify({ token: BENCH_TOKEN }) },
    }),
  ]);
  const chatDataUrl = `${simulator.url}${CHAT_DATA_PATH}`;
  return {
    chatDataUrl,
    env: {
      ...LAMBDA_RUNTIME_ENVIRONMENT,
      ARCHIVE_BUCKET: BENCH_BUCKET,
      // The generated rooms' images are on static.happytalk.io: the benchmark stays on loopback.
      ATTACHMENT_ARCHIVING: 'off',
      HAPPYTALK_SECRET_ID: BENCH_SECRET_ID,
      HAPPYTALK_BASE_URL: simulator.url,
      HAPPYTALK_TIMEZONE: 'Asia/Seoul',
      HAPPYTALK_TIMEOUT_MS: '120000',
      HAPPYTALK_MAX_ATTEMPTS: '1',
      ARCHIVE_DLQ_URL: 'http://127.0.0.1:9/000000000000/archive-dlq',
      ARCHIVE_QUEUE_URL: 'http://127.0.0.1:9/000000000000/archive-queue',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_EC2_METADATA_DISABLED: 'true',
      POWERTOOLS_SERVICE_NAME: 'happytalk-archive',
      POWERTOOLS_METRICS_NAMESPACE: 'HappyTalkArchiveBench',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
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
      await Promise.all([simulator.close(), s3.close(), secrets.close()]);
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
