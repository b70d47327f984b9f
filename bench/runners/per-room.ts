// Runs on the Lambda's Node.js: the real http-api bundle and the floor, in turn, on fresh rooms; the
// bundle with the redacted copy off against the floor of three PUTs, and as deployed (the copy on)
// against the floor with the copy's PUT too.
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { floorArchiver } from '../floors/per-room.js';
import { archiveThroughHandler, type Handler } from './lambda.js';

interface Config {
  bundle: string;
  chatDataUrl: string;
  token: string;
  /** Pairs of fresh rooms: the first archived without the copy, the second with it. */
  roomIds: [string, string][];
  warmup: number;
  maxMs: number;
}

/** What one configuration measured, per room: on the clock and in CPU time, the handler's and the floor's. */
interface Timings {
  handlerMs: number[];
  floorMs: number[];
  handlerCpuMs: number[];
  floorCpuMs: number[];
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
// The bundle reads its environment when it is imported: one module instance without the copy, one with it.
process.env.REDACTED_COPY = 'off';
const { handler: withoutCopy } = (await import(`${pathToFileURL(config.bundle).href}?copy=off`)) as {
  handler: Handler;
};
delete process.env.REDACTED_COPY;
const { handler: withCopy } = (await import(pathToFileURL(config.bundle).href)) as { handler: Handler };
const s3 = new S3Client({
  region: process.env.AWS_REGION ?? 'ap-northeast-2',
  endpoint: process.env.AWS_ENDPOINT_URL_S3 ?? '',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const floorOptions = {
  endpoint: config.chatDataUrl,
  token: config.token,
  s3,
  bucket: process.env.ARCHIVE_BUCKET ?? '',
};
const floor = floorArchiver(floorOptions);
const floorWithCopy = floorArchiver({ ...floorOptions, copy: true });

const empty = (): Timings => ({ handlerMs: [], floorMs: [], handlerCpuMs: [], floorCpuMs: [] });
const copyOff = empty();
const copyOn = empty();
/** The process's CPU time in ms, every thread. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** Runs `work`, and how long it took: on the clock, and in this process's CPU time. */
async function timed(work: () => Promise<void>): Promise<{ ms: number; cpu: number }> {
  const start = performance.now();
  const cpuStart = cpuMs();
  await work();
  return { ms: performance.now() - start, cpu: cpuMs() - cpuStart };
}
/** The handler and its floor on one room, alternating which goes first, so that neither always finds the servers warmer. */
async function pair(
  handler: Handler,
  floorOf: (roomId: string) => Promise<void>,
  roomId: string,
  handlerFirst: boolean,
): Promise<{ handler: { ms: number; cpu: number }; floor: { ms: number; cpu: number } }> {
  const timeFloor = () => timed(() => floorOf(roomId));
  const timeHandler = () => timed(() => archiveThroughHandler(handler, roomId));
  if (handlerFirst) {
    const handlerTime = await timeHandler();
    return { handler: handlerTime, floor: await timeFloor() };
  }
  const floorTime = await timeFloor();
  return { floor: floorTime, handler: await timeHandler() };
}
function keep(into: Timings, measured: Awaited<ReturnType<typeof pair>>): void {
  into.floorMs.push(measured.floor.ms);
  into.handlerMs.push(measured.handler.ms);
  into.floorCpuMs.push(measured.floor.cpu);
  into.handlerCpuMs.push(measured.handler.cpu);
}
const started = performance.now();
for (const [index, [offRoom, onRoom]] of config.roomIds.entries()) {
  const handlerFirst = index % 2 === 1;
  const off = await pair(withoutCopy, floor, offRoom, handlerFirst);
  const on = await pair(withCopy, floorWithCopy, onRoom, !handlerFirst);
  if (index >= config.warmup) {
    keep(copyOff, off);
    keep(copyOn, on);
  }
  if (copyOff.floorMs.length > 0 && performance.now() - started > config.maxMs) break;
}
s3.destroy();
process.stdout.write(`\nBENCH ${JSON.stringify({ copyOff, copyOn })}\n`);
// Idle keep-alive sockets must not hold the process open.
process.exit(0);
