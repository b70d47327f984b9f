import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';

import { ROUTE, routeParts, routePath } from '../../functions/routes.js';

export { lambdaContext } from '../../dev/aws/lambda-context.js';

/**
 * An API Gateway HTTP API (payload 2.0) event for one of the archive routes
 * (functions/routes.ts): by default the route of `method` on
 * `/rooms/{room_id}/archive`, or `options.routeKey`; the path is the route's
 * for `roomId`.
 */
export function httpApiEvent(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  roomId: string | undefined,
  options: {
    body?: string;
    headers?: Record<string, string>;
    isBase64Encoded?: boolean;
    routeKey?: string;
    query?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2 {
  const routeKey = options.routeKey ?? `${method} ${routeParts(ROUTE.archive).path}`;
  const rawPath = routePath(routeKey, roomId ?? '');
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { host: 'api.example.com', ...options.headers },
    ...(roomId !== undefined ? { pathParameters: { room_id: roomId } } : {}),
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** An EventBridge event as the archive rule delivers it. */
export function chatCompletedEvent(detail: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Chat Completed',
    source: 'happytalk',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'ap-northeast-2',
    resources: [],
    detail,
  };
}

/** One SQS record as the event source delivers it: `receiveCount` is its `ApproximateReceiveCount`. */
export function sqsRecord(
  body: string,
  options: { messageId?: string; receiveCount?: number } = {},
): SQSRecord {
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:000000000000:archive-events',
    awsRegion: 'ap-northeast-2',
  };
}

/** An SQS batch whose records carry the given bodies. */
export function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => sqsRecord(body, { messageId: `message-${index}-${randomUUID()}` })),
  };
}

/** Captures what the process writes to stdout and stderr (where Powertools logs and EMF metrics go). */
export function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const originalOut = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = originalOut;
      process.stderr.write = originalErr;
    },
  };
}
