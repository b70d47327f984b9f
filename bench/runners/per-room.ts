// Runs on the Lambda's Node.js: the real http-api bundle and the floor, in turn, on fresh rooms.
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { floorArchiver } from '../floors/per-room.js';
import { archiveThroughHandler, type Handler } from './lambda.js';

interface Config {
  bundle: string;
  chatDataUrl: string;
  token: string;
  roomIds: string[];
  warmup: number;
  maxMs: number;
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
const { handler } = (await import(pathToFileURL(config.bundle).href)) as { handler: Handler };
const s3 = new S3Client({
  region: process.env.AWS_REGION ?? 'ap-northeast-2',
  endpoint: process.env.AWS_ENDPOINT_URL_S3 ?? '',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const floor = floorArchiver({
  endpoint: config.chatDataUrl,
  token: config.token,
  s3,
  bucket: process.env.ARCHIVE_BUCKET ?? '',
});

const handlerMs: number[] = [];
const floorMs: number[] = [];
const handlerCpuMs: number[] = [];
const floorCpuMs: number[] = [];
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
const started = performance.now();
for (const [index, roomId] of config.roomIds.entries()) {
  const timeFloor = () => timed(() => floor(roomId));
  const timeHandler = () => timed(() => archiveThroughHandler(handler, roomId));
  // Alternate which goes first, so that neither always finds the servers warmer.
  const [floorTime, handlerTime] =
    index % 2 === 0
      ? [await timeFloor(), await timeHandler()]
      : await (async () => {
          const handlerFirst = await timeHandler();
          return [await timeFloor(), handlerFirst];
        })();
  if (index >= config.warmup) {
    floorMs.push(floorTime.ms);
    handlerMs.push(handlerTime.ms);
    floorCpuMs.push(floorTime.cpu);
    handlerCpuMs.push(handlerTime.cpu);
  }
  if (floorMs.length > 0 && performance.now() - started > config.maxMs) break;
}
s3.destroy();
process.stdout.write(`\nBENCH ${JSON.stringify({ handlerMs, floorMs, handlerCpuMs, floorCpuMs })}\n`);
// Idle keep-alive sockets must not hold the process open.
process.exit(0);
