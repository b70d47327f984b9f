import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { verifyExecuteApiSignature } from '../lib/sigv4.js';
import { SECURITY_HEADERS } from '../lib/view/security-headers.js';
import { type LocalCaller, toHttpApiEvent } from './aws/http-api-adapter.js';
import { lambdaContext } from './aws/lambda-context.js';
import { type LocalS3, startLocalS3 } from './aws/s3/index.js';
import { type LocalSecretsManager, startLocalSecretsManager } from './aws/secrets-manager.js';
import { type LocalSqs, startLocalSqs } from './aws/sqs.js';
import {
  generateLiveRooms,
  type LiveRoomPlan,
  makeRoomId,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from './simulator/index.js';

export const LOCAL_BUCKET = 'happytalk-archive-local';
export const LOCAL_SECRET_ID = 'happytalk-archive/token';
/** The archive queue of the local stack: the watcher sends to it, `archive-events` consumes it. */
export const LOCAL_ARCHIVE_QUEUE = 'happytalk-archive-queue';
/**
 * A room registered when the local stack starts that stays open until it is
 * completed through the simulator's control API (the README's demo).
 */
export const LOCAL_DEMO_ROOM_ID = makeRoomId('local-demo');
/** How often `npm start` runs the completion watcher. */
export const LOCAL_WATCH_INTERVAL_MS = 30_000;
const LOCAL_TOKEN = 'local-dev-token';
const MAX_BODY_BYTES = 1024 * 1024;

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

/** See {@link LocalStackOptions.apiAuth}. */
export type LocalApiAuth = 'optional' | 'iam';

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

type Handler<E, R> = (event: E, context: Context) => Promise<R>;
type HttpHandler = Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/**
 * The whole archive on loopback, without an AWS account or a HappyTalk token:
 * the HappyTalk simulator, the local S3 (versioned, conditional writes) with the
 * archive bucket, a Secrets Manager holding the simulator's token, an SQS
 * endpoint (the archive queue, feeding `archive-events`, and dead letters), an
 * HTTP server that feeds the real Lambda handlers: `POST|GET /rooms/{room_id}/archive`
 * as HTTP API v2 events, and `POST /events` (an EventBridge event as the body)
 * into `archive-events`; and the `completion-watcher` handler run every
 * `watchIntervalMs`.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const ports = options.ports ?? {};
  const watchIntervalMs = options.watchIntervalMs ?? LOCAL_WATCH_INTERVAL_MS;
  await mkdir(join(options.directory, 's3'), { recursive: true });
  const startedAt = new Date();
  const liveRooms = options.liveRooms === false ? [] : localLiveRooms(startedAt);
  const [simulator, s3, secretsManager, sqs] = await Promise.all([
    startSimulator({
      token: LOCAL_TOKEN,
      ...options.simulator,
      liveRooms: [...liveRooms, ...(options.simulator?.liveRooms ?? [])],
      port: ports.simulator ?? 0,
    }),
    startLocalS3({ directory: join(options.directory, 's3'), bucket: LOCAL_BUCKET, port: ports.s3 ?? 0 }),
    startLocalSecretsManager({ port: ports.secretsManager ?? 0 }),
    startLocalSqs({ port: ports.sqs ?? 0 }),
  ]);
  secretsManager.setSecret(
    LOCAL_SECRET_ID,
    JSON.stringify({ token: options.simulator?.token ?? LOCAL_TOKEN }),
  );

  const awsEnv = {
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  };
  const cliEnv = {
    HAPPYTALK_BASE_URL: simulator.url,
    HAPPYTALK_TOKEN: options.simulator?.token ?? LOCAL_TOKEN,
    ARCHIVE_BUCKET: LOCAL_BUCKET,
    HAPPYTALK_TIMEZONE: 'Asia/Seoul',
    ATTACHMENT_ARCHIVING: 'off',
    ...awsEnv,
  };
  // The functions read their configuration from process.env at import, as in Lambda.
  Object.assign(process.env, {
    ...awsEnv,
    ARCHIVE_BUCKET: LOCAL_BUCKET,
    HAPPYTALK_SECRET_ID: LOCAL_SECRET_ID,
    HAPPYTALK_BASE_URL: simulator.url,
    HAPPYTALK_TIMEZONE: 'Asia/Seoul',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    ARCHIVE_DLQ_URL: sqs.queueUrl('happytalk-archive-dlq'),
    ARCHIVE_QUEUE_URL: sqs.queueUrl(LOCAL_ARCHIVE_QUEUE),
    WATCH_INTERVAL_SECONDS: String(Math.max(1, Math.round(watchIntervalMs / 1000))),
    POWERTOOLS_METRICS_DISABLED: 'true',
    // The sample rooms' images are on static.happytalk.io, which the local stack does not reach.
    ATTACHMENT_ARCHIVING: 'off',
  });
  const [
    { handler: httpApi },
    { handler: retrievalApi },
    { handler: archiveEvents },
    { handler: completionWatcher },
  ] = (await Promise.all([
    import('../functions/http-api.js'),
    import('../functions/retrieval-api.js'),
    import('../functions/archive-events.js'),
    import('../functions/completion-watcher.js'),
  ])) as unknown as [
    { handler: HttpHandler },
    { handler: HttpHandler },
    { handler: Handler<unknown, unknown> },
    { handler: Handler<unknown, unknown> },
  ];
  // The deployed event source mapping: the archive queue feeds archive-events, failures come back.
  sqs.subscribe(LOCAL_ARCHIVE_QUEUE, (event) => archiveEvents(event, lambdaContext('archive-events')), {
    visibilityTimeoutMs: 30_000,
    deadLetterQueue: 'happytalk-archive-dlq',
  });
  const watch = watchLoop(() => completionWatcher({}, lambdaContext('completion-watcher')), watchIntervalMs);

  const authorize = (request: IncomingMessage, body: Buffer) =>
    authorizeCaller(request, body, {
      mode: options.apiAuth ?? 'optional',
      region: awsEnv.AWS_REGION,
      credentials: { accessKeyId: awsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: awsEnv.AWS_SECRET_ACCESS_KEY },
    });
  const server = createServer((request, response) => {
    serve(request, response, { archive: httpApi, retrieval: retrievalApi }, archiveEvents, authorize).catch(
      (error: unknown) => {
        sendJson(response, 500, { error: { code: 'LOCAL_STACK', message: String(error) } });
      },
    );
  });
  const apiUrl = await listen(server, ports.api ?? 0);

  const envFile = join(options.directory, 'stack.env');
  await writeFile(
    envFile,
    `# Written by npm start: the CLI's environment against the local stack.\n${Object.entries(cliEnv)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')}\n`,
  );

  return {
    apiUrl,
    simulator,
    s3,
    secretsManager,
    sqs,
    cliEnv,
    envFile,
    watchNow: watch.now,
    async close() {
      await watch.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([simulator.close(), s3.close(), secretsManager.close(), sqs.close()]);
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

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  api: { archive: HttpHandler; retrieval: HttpHandler },
  archiveEvents: Handler<unknown, unknown>,
  authorize: (request: IncomingMessage, body: Buffer) => Promise<LocalCaller | 'anonymous' | 'refused'>,
): Promise<void> {
  const body = await readBody(request);
  if (body === undefined)
    return sendJson(response, 413, { error: { code: 'BODY_TOO_LARGE', message: '1 MiB max' } });
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/events' && request.method === 'POST') {
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(response, 400, {
        error: { code: 'INVALID_REQUEST', message: 'the event is not JSON' },
      });
    }
    try {
      return sendJson(response, 200, await archiveEvents(event, lambdaContext('archive-events')));
    } catch (error) {
      // Lambda would retry this asynchronous invocation; locally the caller sees why.
      return sendJson(response, 503, { error: { code: 'RETRYABLE', message: (error as Error).message } });
    }
  }
  const caller = await authorize(request, body);
  // API Gateway answers a refused IAM authorization itself, before any route or function.
  if (caller === 'refused') return sendJson(response, 403, { message: 'Forbidden' });
  const event = toHttpApiEvent(request, body, caller === 'anonymous' ? undefined : caller);
  if (!event) {
    return sendJson(response, 404, {
      error: {
        code: 'ROUTE_NOT_FOUND',
        message:
          'try POST|GET /rooms/{room_id}/archive, GET /rooms/{room_id}/archive/versions or POST /events',
      },
    });
  }
  const result =
    event.requestContext.http.method === 'POST'
      ? await api.archive(event, lambdaContext('http-api'))
      : await api.retrieval(event, lambdaContext('retrieval-api'));
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

/** The caller of an API request, as the IAM authorization of {@link LocalStackOptions.apiAuth} decides. */
async function authorizeCaller(
  request: IncomingMessage,
  body: Buffer,
  options: {
    mode: LocalApiAuth;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  },
): Promise<LocalCaller | 'anonymous' | 'refused'> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  if (headers.authorization === undefined) return options.mode === 'iam' ? 'refused' : 'anonymous';
  const verdict = await verifyExecuteApiSignature(
    {
      method: request.method ?? 'GET',
      url: new URL(request.url ?? '/', `http://${headers.host ?? 'localhost'}`),
      headers,
      body,
    },
    { region: options.region, credentials: options.credentials },
  );
  return verdict.ok ? { accessKeyId: verdict.accessKeyId } : 'refused';
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The local stack's own answers carry the headers the deployed API sends. */
function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${actual}`);
    });
  });
}
