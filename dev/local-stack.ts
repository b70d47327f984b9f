import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveEventsRuntime, createArchiveEventsHandler } from '../functions/handlers/archive-events.js';
import {
  completionWatcherRuntime,
  createCompletionWatcherHandler,
} from '../functions/handlers/completion-watcher.js';
import { createHttpApiHandler, httpApiRuntime } from '../functions/handlers/http-api.js';
import { createRetrievalApiHandler, retrievalRuntime } from '../functions/handlers/retrieval-api.js';
import { type LocalApiAuth, startLocalHttpApi } from './aws/http-api.js';
import { lambdaContext } from './aws/lambda-context.js';
import type { LocalS3 } from './aws/s3/index.js';
import type { LocalSecretsManager } from './aws/secrets-manager.js';
import type { LocalSqs } from './aws/sqs.js';
import {
  generateLiveRooms,
  type LiveRoomPlan,
  makeRoomId,
  type Simulator,
  type SimulatorOptions,
} from './simulator/index.js';
import { LOCAL_REDACTION_KEY, STAND_IN_AWS, startStandIns } from './stand-ins.js';

export type { LocalApiAuth } from './aws/http-api.js';

export const LOCAL_BUCKET = 'happytalk-archive-local';
export const LOCAL_SECRET_ID = 'happytalk-archive/token';
/** The archive queue of the local stack: the watcher sends to it, `archive-events` consumes it. */
export const LOCAL_ARCHIVE_QUEUE = 'happytalk-archive-queue';
const LOCAL_DEAD_LETTER_QUEUE = 'happytalk-archive-dlq';
/**
 * A room registered when the local stack starts that stays open until it is
 * completed through the simulator's control API (the README's demo).
 */
export const LOCAL_DEMO_ROOM_ID = makeRoomId('local-demo');
/** How often `npm start` runs the completion watcher. */
export const LOCAL_WATCH_INTERVAL_MS = 30_000;
const LOCAL_TOKEN = 'local-dev-token';

export interface LocalStackOptions {
  /** Where the local S3 keeps the bucket and the env file is written (default `.local`). */
  readonly directory: string;
  /** Ports; 0 picks a free one. */
  readonly ports?: { api?: number; simulator?: number; s3?: number; secretsManager?: number; sqs?: number };
  readonly simulator?: SimulatorOptions;
  /**
   * How the HTTP API authenticates callers, as API Gateway's IAM authorization
   * does, against the stack's own AWS credentials (`AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY` of the CLI environment, region `ap-northeast-2`):
   * a SigV4 signature that does not verify is always refused (403); `iam`
   * refuses unsigned requests too, `optional` (the default, `LOCAL_API_AUTH`
   * unset) lets them through, so plain curl works.
   */
  readonly apiAuth?: LocalApiAuth;
  /**
   * Runs the completion watcher this often (default 30 s; 0: never), against
   * the simulator, sending to the local archive queue that `archive-events`
   * consumes: a room finished in the simulator is archived without a command.
   */
  readonly watchIntervalMs?: number;
  /**
   * Adds rooms that open at start and finish over the next minutes (and
   * {@link LOCAL_DEMO_ROOM_ID}, which stays open); default true.
   */
  readonly liveRooms?: boolean;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly simulator: Simulator;
  readonly s3: LocalS3;
  readonly secretsManager: LocalSecretsManager;
  readonly sqs: LocalSqs;
  /** The environment of the CLI against this stack, also written to `envFile`. */
  readonly cliEnv: Record<string, string>;
  readonly envFile: string;
  /** Runs one pass of the completion watcher now (after the one running, if any); resolves with its report. */
  watchNow(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The whole archive on loopback, without an AWS account or a HappyTalk token:
 * the stand-ins ({@link startStandIns}: the HappyTalk simulator, the local S3,
 * a Secrets Manager holding the simulator's token, an SQS endpoint), the
 * handlers of the functions built for their environment, a local HTTP API
 * (`POST|GET /rooms/{room_id}/archive`, `GET /rooms/{room_id}/archive/versions`
 * as HTTP API v2 events, `POST /events` into `archive-events`), the archive
 * queue feeding `archive-events` as the event source mapping does, and the
 * `completion-watcher` handler run every `watchIntervalMs`.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const ports = options.ports ?? {};
  const watchIntervalMs = options.watchIntervalMs ?? LOCAL_WATCH_INTERVAL_MS;
  const liveRooms = options.liveRooms === false ? [] : localLiveRooms(new Date());
  const token = options.simulator?.token ?? LOCAL_TOKEN;
  const standIns = await startStandIns({
    token,
    secretId: LOCAL_SECRET_ID,
    bucket: LOCAL_BUCKET,
    s3: { directory: join(options.directory, 's3'), ...(ports.s3 === undefined ? {} : { port: ports.s3 }) },
    simulator: {
      ...options.simulator,
      liveRooms: [...liveRooms, ...(options.simulator?.liveRooms ?? [])],
      port: ports.simulator ?? 0,
    },
    ...(ports.secretsManager === undefined ? {} : { secretsManagerPort: ports.secretsManager }),
    sqs: {
      ...(ports.sqs === undefined ? {} : { port: ports.sqs }),
      archiveQueue: LOCAL_ARCHIVE_QUEUE,
      deadLetterQueue: LOCAL_DEAD_LETTER_QUEUE,
    },
    env: { WATCH_INTERVAL_SECONDS: String(Math.max(1, Math.round(watchIntervalMs / 1000))) },
  });
  const { simulator, s3, secretsManager, sqs, env } = standIns;
  if (s3 === undefined || sqs === undefined) throw new Error('the local stack runs its own S3 and SQS');

  const archiveEvents = createArchiveEventsHandler(archiveEventsRuntime(env));
  const completionWatcher = createCompletionWatcherHandler(completionWatcherRuntime(env));
  // The deployed event source mapping: the archive queue feeds archive-events, failures come back.
  sqs.subscribe(LOCAL_ARCHIVE_QUEUE, (event) => archiveEvents(event, lambdaContext('archive-events')), {
    visibilityTimeoutMs: 30_000,
    deadLetterQueue: LOCAL_DEAD_LETTER_QUEUE,
  });
  const watch = watchLoop(() => completionWatcher({}, lambdaContext('completion-watcher')), watchIntervalMs);
  const api = await startLocalHttpApi({
    functions: {
      'http-api': createHttpApiHandler(httpApiRuntime(env)),
      'retrieval-api': createRetrievalApiHandler(retrievalRuntime(env)),
    },
    events: archiveEvents,
    auth: options.apiAuth ?? 'optional',
    region: STAND_IN_AWS.AWS_REGION,
    credentials: {
      accessKeyId: STAND_IN_AWS.AWS_ACCESS_KEY_ID,
      secretAccessKey: STAND_IN_AWS.AWS_SECRET_ACCESS_KEY,
    },
    ...(ports.api === undefined ? {} : { port: ports.api }),
  });

  // The CLI takes the simulator's token and the local redaction key directly (the same key as the
  // functions', so its copies have the same pseudonyms); it reaches the local S3, not the other endpoints.
  const cliEnv: Record<string, string> = {
    HAPPYTALK_BASE_URL: simulator.url,
    HAPPYTALK_TOKEN: token,
    REDACTION_KEY: LOCAL_REDACTION_KEY,
    ARCHIVE_BUCKET: LOCAL_BUCKET,
    HAPPYTALK_TIMEZONE: env.HAPPYTALK_TIMEZONE ?? 'Asia/Seoul',
    ATTACHMENT_ARCHIVING: 'off',
    ...STAND_IN_AWS,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  };
  const envFile = join(options.directory, 'stack.env');
  await writeFile(
    envFile,
    `# Written by npm start: the CLI's environment against the local stack.\n${Object.entries(cliEnv)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')}\n`,
  );

  return {
    apiUrl: api.url,
    simulator,
    s3,
    secretsManager,
    sqs,
    cliEnv,
    envFile,
    watchNow: watch.now,
    async close() {
      await watch.stop();
      await api.close();
      await standIns.close();
    },
  };
}

/** The rooms `npm start` adds: the demo room, open until completed, and a few that finish over ~15 minutes. */
function localLiveRooms(start: Date): LiveRoomPlan[] {
  return [
    {
      roomId: LOCAL_DEMO_ROOM_ID,
      registeredAt: new Date(start.getTime() - 60_000),
      openStatus: '1',
      messageCount: 5,
    },
    ...generateLiveRooms({
      start,
      spanMs: 60_000,
      rooms: 6,
      seed: 7,
      openForMs: [60_000, 15 * 60_000],
      unfinishedShare: 0,
    }),
  ];
}

/**
 * Runs `pass` every `intervalMs` (0: only when asked), one at a time, as the
 * schedule would; a pass that throws is logged by the handler and the next
 * one runs on time.
 */
function watchLoop(
  pass: () => Promise<unknown>,
  intervalMs: number,
): { now: () => Promise<unknown>; stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    const next = running.catch(() => undefined).then(() => (stopped ? undefined : pass()));
    running = next.catch(() => undefined);
    return next;
  };
  const timer = intervalMs > 0 ? setInterval(() => void run().catch(() => undefined), intervalMs) : undefined;
  if (intervalMs > 0) void run().catch(() => undefined);
  return {
    now: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
