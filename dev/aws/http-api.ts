/**
 * A local API Gateway HTTP API: the deployed routes (functions/routes.ts) as
 * payload 2.0 events to the functions' handlers, IAM authorization by SigV4
 * against one set of keys, and `POST /events` into `archive-events`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { API_ROUTES, matchRoute } from '../../functions/routes.js';
import { verifyExecuteApiSignature } from '../../lib/sigv4.js';
import { SECURITY_HEADERS } from '../../lib/view/security-headers.js';
import { lambdaContext } from './lambda-context.js';

/** The local account every local caller belongs to. */
const LOCAL_ACCOUNT_ID = '000000000000';
const MAX_BODY_BYTES = 1024 * 1024;

/** A caller whose SigV4 signature the local API verified. */
export interface LocalCaller {
  readonly accessKeyId: string;
}

/**
 * How the HTTP API authenticates callers, as API Gateway's IAM authorization
 * does: a SigV4 signature that does not verify is always refused (403); `iam`
 * refuses unsigned requests too, `optional` lets them through, so plain curl works.
 */
export type LocalApiAuth = 'optional' | 'iam';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;
/** A handler of HTTP API events. */
export type HttpHandler = Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export interface LocalHttpApiOptions {
  /** The handler of each function behind a route. */
  readonly functions: Readonly<Record<(typeof API_ROUTES)[keyof typeof API_ROUTES], HttpHandler>>;
  /** `POST /events`: an EventBridge event as the body, into `archive-events`. */
  readonly events: Handler<unknown, unknown>;
  readonly auth: LocalApiAuth;
  /** The region and keys signatures are checked against. */
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly port?: number;
}

/** Starts the local HTTP API on 127.0.0.1; resolves with its URL and a way to stop it. */
export async function startLocalHttpApi(
  options: LocalHttpApiOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    serve(request, response, options).catch((error: unknown) => {
      sendJson(response, 500, { error: { code: 'LOCAL_STACK', message: String(error) } });
    });
  });
  const url = await listen(server, options.port ?? 0);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  options: LocalHttpApiOptions,
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
      return sendJson(response, 200, await options.events(event, lambdaContext('archive-events')));
    } catch (error) {
      // Lambda would retry this asynchronous invocation; locally the caller sees why.
      return sendJson(response, 503, { error: { code: 'RETRYABLE', message: (error as Error).message } });
    }
  }
  const caller = await authorizeCaller(request, body, options);
  // API Gateway answers a refused IAM authorization itself, before any route or function.
  if (caller === 'refused') return sendJson(response, 403, { message: 'Forbidden' });
  const event = toHttpApiEvent(request, body, caller === 'anonymous' ? undefined : caller);
  if (!event) {
    return sendJson(response, 404, {
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: `try ${Object.keys(API_ROUTES).join(', ')} or POST /events`,
      },
    });
  }
  const name = API_ROUTES[event.routeKey as keyof typeof API_ROUTES];
  const result = await options.functions[name](event, lambdaContext(name));
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

/**
 * Translates a local HTTP request into the API Gateway HTTP API (payload 2.0)
 * event the functions receive, for the routes of functions/routes.ts; undefined
 * for other paths. A verified `caller` is the event's
 * `requestContext.authorizer.iam`, as API Gateway's IAM authorization sets it.
 */
export function toHttpApiEvent(
  request: IncomingMessage,
  body: Buffer,
  caller?: LocalCaller,
): APIGatewayProxyEventV2 | undefined {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = (request.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, url.pathname);
  if (!match) return undefined;
  const routeKey = match.route;
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
    pathParameters: { room_id: decodePathParameter(match.encodedRoomId) },
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

/** The caller of an API request, as the IAM authorization of {@link LocalApiAuth} decides. */
async function authorizeCaller(
  request: IncomingMessage,
  body: Buffer,
  options: Pick<LocalHttpApiOptions, 'auth' | 'region' | 'credentials'>,
): Promise<LocalCaller | 'anonymous' | 'refused'> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  if (headers.authorization === undefined) return options.auth === 'iam' ? 'refused' : 'anonymous';
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

/** The local API's own answers carry the headers the deployed API sends. */
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
