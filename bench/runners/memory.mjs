// Runs in a fresh Node.js process (plain JavaScript: no loader in the measured process): imports the
// http-api bundle, archives a small room to warm up, records the idle RSS, archives the large room,
// and prints the peak RSS of the whole process's life (getrusage), which the large room set.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');
const { handler } = await import(pathToFileURL(config.bundle).href);

function context() {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'happytalk-archive-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:happytalk-archive-bench',
    memoryLimitInMB: String(config.memoryMb ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/happytalk-archive-bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 29_000,
  };
}

async function archive(roomId) {
  const rawPath = `/rooms/${roomId}/archive`;
  const event = {
    version: '2.0',
    routeKey: 'POST /rooms/{room_id}/archive',
    rawPath,
    rawQueryString: '',
    headers: { host: 'api.example.com' },
    pathParameters: { room_id: roomId },
    requestContext: {
      http: {
        method: 'POST',
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: randomUUID(),
      routeKey: 'POST /rooms/{room_id}/archive',
      stage: '$default',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
  const result = await handler(event, context());
  const status = result.statusCode === 200 ? JSON.parse(result.body).status : undefined;
  if (status !== 'archived') throw new Error(`room ${roomId}: ${result.statusCode} ${result.body}`);
}

await archive(config.warmRoomId);
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));
const idleRss = process.memoryUsage.rss();
const started = performance.now();
await archive(config.roomId);
const durationMs = performance.now() - started;
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`\nBENCH ${JSON.stringify({ idleRss, peakRss, durationMs })}\n`);
// Idle keep-alive sockets must not hold the process open.
process.exit(0);
