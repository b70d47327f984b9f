// Runs in a fresh Node.js process: imports a built function bundle, invokes its handler
// with the event given as JSON in argv[3], and prints the result as JSON on the last line.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [bundlePath, eventJson] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundlePath).href);
const context = {
  functionName: 'smoke',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:smoke',
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/smoke',
  logStreamName: 'smoke',
  getRemainingTimeInMillis: () => 30_000,
};
const result = await handler(JSON.parse(eventJson), context);
process.stdout.write(
  `\nRESULT ${JSON.stringify({ node: process.version, typeofHandler: typeof handler, result })}\n`,
);
