import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** A Lambda context as the runtime passes it. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'happytalk-archive-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:happytalk-archive-bench',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/happytalk-archive-bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** `POST /rooms/{room_id}/archive` as API Gateway (HTTP API, payload 2.0) sends it. */
export function archiveRequest(roomId: string): APIGatewayProxyEventV2 {
  const rawPath = `/rooms/${roomId}/archive`;
  return {
    version: '2.0',
    routeKey: 'POST /rooms/{room_id}/archive',
    rawPath,
    rawQueryString: '',
    headers: { host: 'api.example.com', 'content-length': '0' },
    pathParameters: { room_id: roomId },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
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
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Invokes the handler with an archive request and checks that the room was archived. */
export async function archiveThroughHandler(handler: Handler, roomId: string): Promise<void> {
  const result = (await handler(archiveRequest(roomId), lambdaContext())) as {
    statusCode?: number;
    body?: string;
  };
  if (result.statusCode !== 200) throw new Error(`handler answered ${result.statusCode}: ${result.body}`);
  const status = (JSON.parse(result.body ?? '{}') as { status?: string }).status;
  if (status !== 'archived')
    throw new Error(`room ${roomId} was ${status}, not archived: every timed run must write`);
}
