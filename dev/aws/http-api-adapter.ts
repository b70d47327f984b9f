import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const ROOM_ROUTE = /^\/rooms\/([^/]*)\/archive(\/versions)?\/?$/;

/** The local account every local caller belongs to. */
const LOCAL_ACCOUNT_ID = '000000000000';

/** A caller whose SigV4 signature the local API verified. */
export interface LocalCaller {
  readonly accessKeyId: string;
}

/**
 * Translates a local HTTP request into the API Gateway HTTP API (payload 2.0)
 * event the functions receive, matching the deployed routes (`POST|GET
 * /rooms/{room_id}/archive`, `GET /rooms/{room_id}/archive/versions`).
 * Returns undefined for other paths. A verified `caller` is the event's
 * `requestContext.authorizer.iam`, as API Gateway's IAM authorization sets it.
 */
export function toHttpApiEvent(
  request: IncomingMessage,
  body: Buffer,
  caller?: LocalCaller,
): APIGatewayProxyEventV2 | undefined {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = ROOM_ROUTE.exec(url.pathname);
  const method = (request.method ?? 'GET').toUpperCase();
  const versions = match?.[2] !== undefined;
  if (!match || (method !== 'GET' && method !== 'POST') || (versions && method !== 'GET')) return undefined;
  const routeKey = `${method} /rooms/{room_id}/archive${versions ? '/versions' : ''}`;
  const query = Object.fromEntries(url.searchParams.entries());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    pathParameters: { room_id: decodePathParameter(match[1] ?? '') },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      ...(caller ? { authorizer: { iam: iamIdentity(caller) } } : {}),
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.byteLength > 0 ? { body: isText ? text : body.toString('base64') } : {}),
    isBase64Encoded: body.byteLength > 0 && !isText,
  };
}

/** What API Gateway puts in `requestContext.authorizer.iam` for a signed caller (an IAM user here). */
function iamIdentity(caller: LocalCaller) {
  return {
    accessKey: caller.accessKeyId,
    accountId: LOCAL_ACCOUNT_ID,
    callerId: caller.accessKeyId,
    cognitoIdentity: null,
    principalOrgId: null,
    userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local`,
    userId: caller.accessKeyId,
  };
}

/** API Gateway decodes path parameters; a malformed escape is passed on as received. */
function decodePathParameter(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
