// Runs on the Lambda's Node.js: the real http-api and completion-watcher bundles, one outcome at a
// time (archived, updated, unchanged, with the redacted copy and without it; a watcher pass with
// nothing new, warm and cold), and what each
// cost: S3 requests by operation (counted by the local S3), HappyTalk calls (counted here, at fetch),
// the handler's time and the bytes it logged.
import { pathToFileURL } from 'node:url';
import { REQUEST_COUNTS_PATH } from '../../dev/aws/s3/front.js';
import { controlCompletePath } from '../../dev/simulator/index.js';
import { archiveRequest, type Handler, lambdaContext } from './lambda.js';

interface Config {
  httpApi: string;
  watcher: string;
  s3Endpoint: string;
  simulatorUrl: string;
  /** Open rooms: each is archived, finished at HappyTalk, archived again (updated) and once more (unchanged). */
  roomIds: string[];
  /** The same, archived by the bundle with the redacted copy off (`REDACTED_COPY=off`). */
  roomIdsWithoutCopy: string[];
  /** Passes of the warm watcher after its first. */
  watcherPasses: number;
}

/** One measured invocation. */
export interface Measured {
  outcome: string;
  s3: Record<string, number>;
  happyTalkCalls: number;
  handlerMs: number;
  logBytes: number;
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;

// HappyTalk is called through the global fetch, which the bundles take when they are imported.
const realFetch = globalThis.fetch;
let happyTalkCalls = 0;
globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.startsWith(config.simulatorUrl) && !url.includes('/__simulator/')) happyTalkCalls += 1;
  return realFetch(input, init);
}) as typeof fetch;

// What a function logs goes to CloudWatch Logs: counted, not printed.
const realWrite = process.stdout.write.bind(process.stdout);
let logBytes = 0;
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
  callback?.();
  return true;
}) as typeof process.stdout.write;

// The bundle reads its environment when it is imported: one module instance with the redacted copy
// (the default), one without it.
const { handler: httpApi } = (await import(pathToFileURL(config.httpApi).href)) as { handler: Handler };
process.env.REDACTED_COPY = 'off';
const { handler: httpApiWithoutCopy } = (await import(`${pathToFileURL(config.httpApi).href}?copy=off`)) as {
  handler: Handler;
};
delete process.env.REDACTED_COPY;

async function s3Counts(reset: boolean): Promise<Record<string, number>> {
  const response = await realFetch(`${config.s3Endpoint}${REQUEST_COUNTS_PATH}`, {
    method: reset ? 'DELETE' : 'GET',
  });
  return (await response.json()) as Record<string, number>;
}

async function measure(
  outcome: string,
  invoke: () => Promise<unknown>,
  check: (result: unknown) => void,
): Promise<Measured> {
  await s3Counts(true);
  const calls = happyTalkCalls;
  const logged = logBytes;
  const started = performance.now();
  const result = await invoke();
  const handlerMs = performance.now() - started;
  check(result);
  return {
    outcome,
    s3: await s3Counts(false),
    happyTalkCalls: happyTalkCalls - calls,
    handlerMs,
    logBytes: logBytes - logged,
  };
}

function archived(status: string): (result: unknown) => void {
  return (result) => {
    const { statusCode, body } = result as { statusCode?: number; body?: string };
    const actual = statusCode === 200 ? (JSON.parse(body ?? '{}') as { status?: string }).status : undefined;
    if (actual !== status) throw new Error(`expected ${status}, the handler answered ${statusCode} ${body}`);
  };
}

const measured: Measured[] = [];

// The watcher first, while the rooms are open: a pass then finds nothing finished since its watermark.
/** A fresh module instance of the watcher bundle: a new execution environment (a cold start). */
async function freshWatcher(instance: number): Promise<Handler> {
  const url = `${pathToFileURL(config.watcher).href}?environment=${instance}`;
  return ((await import(url)) as { handler: Handler }).handler;
}

const passDone = (result: unknown) => {
  const report = result as { aborted?: unknown; failures?: unknown[]; finished?: number };
  if (report.aborted || (report.failures?.length ?? 0) > 0) {
    throw new Error(`the watcher pass failed: ${JSON.stringify(result)}`);
  }
};
const nothingNew = (result: unknown) => {
  passDone(result);
  if ((result as { finished?: number }).finished !== 0) {
    throw new Error(`the watcher pass found finished rooms: ${JSON.stringify(result)}`);
  }
};
const warm = await freshWatcher(1);
measured.push(await measure('watcher.first_pass', () => warm({}, lambdaContext()), passDone));
for (let pass = 0; pass < config.watcherPasses; pass++) {
  measured.push(await measure('watcher.nothing_new', () => warm({}, lambdaContext()), nothingNew));
}
for (let pass = 0; pass < config.watcherPasses; pass++) {
  const cold = await freshWatcher(pass + 2);
  measured.push(await measure('watcher.nothing_new.cold', () => cold({}, lambdaContext()), nothingNew));
}

// Then each room: archived open, finished at HappyTalk, archived again (updated) and once more (unchanged).
async function roomOutcomes(handler: Handler, roomIds: readonly string[], suffix: string): Promise<void> {
  for (const roomId of roomIds) {
    const archive = () => handler(archiveRequest(roomId), lambdaContext());
    measured.push(await measure(`archived${suffix}`, archive, archived('archived')));
    const completed = await realFetch(`${config.simulatorUrl}${controlCompletePath(roomId)}`, {
      method: 'POST',
    });
    if (!completed.ok) throw new Error(`the simulator did not finish room ${roomId}: ${completed.status}`);
    measured.push(await measure(`updated${suffix}`, archive, archived('updated')));
    measured.push(await measure(`unchanged${suffix}`, archive, archived('unchanged')));
  }
}
await roomOutcomes(httpApi, config.roomIds, '');
await roomOutcomes(httpApiWithoutCopy, config.roomIdsWithoutCopy, '.copy_off');

realWrite(`\nBENCH ${JSON.stringify({ measured })}\n`);
// Idle keep-alive sockets must not hold the process open.
process.exit(0);
