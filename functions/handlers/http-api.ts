import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Environment } from '../../lib/config.js';
import { HTTP_API_ENVIRONMENT, readEnvironment } from '../../lib/contract/environment.js';
import { validateRoomId } from '../../lib/room-id.js';
import { loggableError, toPublicError } from '../commons/errors.js';
import { errorResponse, jsonResponse } from '../commons/http.js';
import { createFunctionRuntime, type FunctionRuntime, recordOutcome } from '../commons/runtime.js';
import { ROUTE } from '../routes.js';

/** Bodies above this size are refused: the archive route takes no input beyond the path. */
const MAX_BODY_BYTES = 4096;

type Result = APIGatewayProxyStructuredResultV2;

/** What `http-api` runs with, from its environment (read and checked once, at the cold start). */
export function httpApiRuntime(env: Environment): FunctionRuntime {
  return createFunctionRuntime(readEnvironment(HTTP_API_ENVIRONMENT, env), env);
}

/**
 * API Gateway HTTP API (payload 2.0), the archive route: `POST
 * /rooms/{room_id}/archive` archives the room now and answers the summary.
 * Reads (`GET`) are served by the read-only `retrieval-api` function. Errors
 * are `{"error": {"code", "message", "request_id"}}`; every response has
 * `x-request-id`.
 */
export function createHttpApiHandler(runtime: FunctionRuntime) {
  const { logger, metrics, archive } = runtime;

  async function routeRequest(event: APIGatewayProxyEventV2, context: Context): Promise<Result> {
    const requestId = context.awsRequestId;
    const rawRoomId = event.pathParameters?.room_id;
    if (typeof rawRoomId === 'string') logger.appendKeys({ room_id: rawRoomId.slice(0, 128) });
    try {
      if (event.routeKey === ROUTE.archive) return await postArchive(event, rawRoomId, requestId);
      return errorResponse(404, 'ROUTE_NOT_FOUND', `no route ${event.routeKey}`, requestId);
    } catch (error) {
      const answer = toPublicError(
        error,
        typeof rawRoomId === 'string' ? rawRoomId.slice(0, 128) : undefined,
      );
      const log = answer.status >= 500 ? logger.error.bind(logger) : logger.warn.bind(logger);
      log('request failed', { status: answer.status, error: loggableError(error) });
      if (event.routeKey.startsWith('POST')) recordOutcome(metrics, 'failed');
      return errorResponse(answer.status, answer.code, answer.message, requestId);
    }
  }

  async function postArchive(
    event: APIGatewayProxyEventV2,
    rawRoomId: unknown,
    requestId: string,
  ): Promise<Result> {
    const roomId = validateRoomId(rawRoomId);
    const refusal = checkEmptyBody(event);
    if (refusal) return errorResponse(refusal.status, refusal.code, refusal.message, requestId);
    const summary = await archive.archive(roomId);
    recordOutcome(metrics, summary.status, summary.message_count);
    return jsonResponse(200, JSON.stringify(summary), requestId);
  }

  return middy<APIGatewayProxyEventV2, Result>(routeRequest)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** The archive route takes no body; an empty one, or `{}` as JSON, is tolerated. */
function checkEmptyBody(
  event: APIGatewayProxyEventV2,
): { status: number; code: string; message: string } | undefined {
  const body = event.body;
  if (body === undefined || body === null || body === '') return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) {
    return {
      status: 413,
      code: 'BODY_TOO_LARGE',
      message: `the request body exceeds ${MAX_BODY_BYTES} bytes`,
    };
  }
  const contentType = headerValue(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send no body, or application/json' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { status: 400, code: 'INVALID_REQUEST', message: 'the request body is not valid JSON' };
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.keys(parsed).length > 0
  ) {
    return { status: 400, code: 'INVALID_REQUEST', message: 'the request body must be empty or {}' };
  }
  return undefined;
}

function headerValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
