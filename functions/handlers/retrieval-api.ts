import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { S3ArchiveStore } from '../../lib/archive/store.js';
import { createS3Client } from '../../lib/aws.js';
import type { Environment } from '../../lib/config.js';
import { RETRIEVAL_API_ENVIRONMENT, readEnvironment } from '../../lib/contract/environment.js';
import { ArchiveError } from '../../lib/errors.js';
import { getRoom, pointedObject, ROOM_FORMATS, type RoomFormat } from '../../lib/retrieval/get.js';
import { listTranscriptVersions } from '../../lib/retrieval/versions.js';
import { validateRoomId } from '../../lib/room-id.js';
import { loggableError, toPublicError } from '../commons/errors.js';
import { errorResponse, jsonResponse } from '../commons/http.js';
import { createObservability } from '../commons/runtime.js';
import { ROUTE } from '../routes.js';

/** What `retrieval-api` runs with: read-only access to the archive, and its limits. */
export interface RetrievalRuntime {
  readonly logger: Logger;
  readonly s3: S3Client;
  readonly store: S3ArchiveStore;
  /** Bodies above this size are answered with a presigned URL (Lambda answers at most 6 MB). */
  readonly inlineMaxBytes: number;
  readonly urlTtlSeconds: number;
}

/**
 * What `retrieval-api` runs with, from its environment: `ARCHIVE_BUCKET`,
 * `RETRIEVAL_INLINE_MAX_BYTES` (default 4 MiB), `RETRIEVAL_URL_TTL_SECONDS`
 * (default 60).
 */
export function retrievalRuntime(env: Environment): RetrievalRuntime {
  const variables = readEnvironment(RETRIEVAL_API_ENVIRONMENT, env);
  const { logger } = createObservability(variables);
  const s3 = createS3Client(env);
  return {
    logger,
    s3,
    store: new S3ArchiveStore({ client: s3, bucket: variables.ARCHIVE_BUCKET }),
    inlineMaxBytes: variables.RETRIEVAL_INLINE_MAX_BYTES,
    urlTtlSeconds: variables.RETRIEVAL_URL_TTL_SECONDS,
  };
}

/** A rendered page cannot be presigned: the most a response can carry once base64-encoded (6 MB). */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

type Result = APIGatewayProxyStructuredResultV2;

const CONTENT_TYPES: Record<RoomFormat, string> = {
  json: 'application/json; charset=utf-8',
  raw: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  redacted: 'application/json; charset=utf-8',
};

/**
 * The read-only retrieval API (its role can read the archive, never write it):
 * - `GET /rooms/{room_id}/archive?format=json|html|raw|redacted` answers the
 *   archived transcript, its printable page, HappyTalk's raw answer byte for
 *   byte, or the transcript's redacted copy;
 *   above `RETRIEVAL_INLINE_MAX_BYTES`, a short-lived presigned URL instead;
 * - `GET /rooms/{room_id}/archive/versions` lists every archived version.
 * Every retrieval writes one audit line: who, which room, what, when.
 */
export function createRetrievalApiHandler(runtime: RetrievalRuntime) {
  const { logger } = runtime;
  async function routeRetrieval(event: APIGatewayProxyEventV2, context: Context): Promise<Result> {
    const requestId = context.awsRequestId;
    const rawRoomId = event.pathParameters?.room_id;
    if (typeof rawRoomId === 'string') logger.appendKeys({ room_id: rawRoomId.slice(0, 128) });
    try {
      const roomId = validateRoomId(rawRoomId);
      switch (event.routeKey) {
        case ROUTE.read:
          return await getArchive(runtime, event, roomId, requestId);
        case ROUTE.versions: {
          audit(runtime, event, roomId, 'versions');
          const versions = await listTranscriptVersions(runtime.s3, runtime.store, roomId);
          return jsonResponse(200, JSON.stringify(versions), requestId);
        }
        default:
          return errorResponse(404, 'ROUTE_NOT_FOUND', `no route ${event.routeKey}`, requestId);
      }
    } catch (error) {
      const answer = retrievalError(error, rawRoomId);
      const log = answer.status >= 500 ? logger.error.bind(logger) : logger.warn.bind(logger);
      log('retrieval failed', { status: answer.status, error: loggableError(error) });
      return errorResponse(answer.status, answer.code, answer.message, requestId);
    }
  }
  return middy<APIGatewayProxyEventV2, Result>(routeRetrieval).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
}

async function getArchive(
  runtime: RetrievalRuntime,
  event: APIGatewayProxyEventV2,
  roomId: string,
  requestId: string,
): Promise<Result> {
  const { store, inlineMaxBytes } = runtime;
  const format = event.queryStringParameters?.format ?? 'json';
  if (!ROOM_FORMATS.includes(format as RoomFormat)) {
    return errorResponse(
      400,
      'INVALID_REQUEST',
      `format must be one of ${ROOM_FORMATS.join(', ')}`,
      requestId,
    );
  }
  const versionId = event.queryStringParameters?.version;
  audit(runtime, event, roomId, format, versionId);
  const presigned = await presignedIfLarge(runtime, roomId, format as RoomFormat, versionId, requestId);
  if (presigned) return presigned;
  const room = await getRoom(store, roomId, {
    format: format as RoomFormat,
    ...(versionId ? { versionId } : {}),
  });
  const bytes = typeof room.body === 'string' ? Buffer.from(room.body, 'utf8') : Buffer.from(room.body);
  if (bytes.byteLength > Math.max(inlineMaxBytes, room.format === 'html' ? MAX_PAGE_BYTES : 0)) {
    return errorResponse(
      413,
      'TOO_LARGE',
      'the page is too large to answer: use format=json or the CLI',
      requestId,
    );
  }
  return {
    statusCode: 200,
    headers: { ...jsonResponse(200, '', requestId).headers, 'content-type': CONTENT_TYPES[room.format] },
    // Base64 keeps the bytes exact (the raw answer must come back byte for byte).
    body: bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

/** A stored object above the inline limit is answered as a presigned GET of that exact version. */
async function presignedIfLarge(
  { s3, store, inlineMaxBytes, urlTtlSeconds }: RetrievalRuntime,
  roomId: string,
  format: RoomFormat,
  versionId: string | undefined,
  requestId: string,
): Promise<Result | undefined> {
  if (format === 'html') return undefined;
  const index = await store.readIndex(roomId);
  if (!index) return undefined;
  let pointed: { key: string; versionId?: string };
  try {
    pointed = pointedObject(index, format, versionId);
  } catch {
    // Nothing to presign: getRoom says why.
    return undefined;
  }
  const { key, versionId: version } = pointed;
  const head = await store.headObject(key, version);
  if (!head?.size || head.size <= inlineMaxBytes) return undefined;
  const url = await getSignedUrl(
    s3,
    new GetObjectCommand({ Bucket: store.bucket, Key: key, ...(version ? { VersionId: version } : {}) }),
    { expiresIn: urlTtlSeconds },
  );
  const body = { room_id: roomId, format, bytes: head.size, url, expires_in_seconds: urlTtlSeconds };
  return jsonResponse(200, JSON.stringify(body), requestId);
}

/** One audit line per retrieval: the caller's identity, the room, what was read, and when. */
function audit(
  { logger }: RetrievalRuntime,
  event: APIGatewayProxyEventV2,
  roomId: string,
  format: string,
  versionId?: string,
): void {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { iam?: { userArn?: string; accountId?: string; callerId?: string } };
  };
  const iam = context.authorizer?.iam;
  logger.info('audit: archive read', {
    audit: {
      action: 'retrieve',
      caller: iam?.userArn ?? iam?.callerId ?? 'anonymous',
      caller_account: iam?.accountId ?? null,
      source_ip: context.http.sourceIp,
      room_id: roomId,
      format,
      version_id: versionId ?? null,
      at: new Date().toISOString(),
    },
  });
}

function retrievalError(
  error: unknown,
  rawRoomId: unknown,
): { status: number; code: string; message: string } {
  if (error instanceof ArchiveError) {
    if (error.code === 'NOT_ARCHIVED') {
      return { status: 404, code: 'NOT_ARCHIVED', message: `room ${String(rawRoomId)} is not archived` };
    }
    if (error.code === 'UNKNOWN_VERSION')
      return { status: 404, code: error.code, message: 'no such version' };
    if (error.code === 'NO_REDACTED_COPY') {
      return {
        status: 404,
        code: error.code,
        message: `room ${String(rawRoomId)} has no redacted copy yet`,
      };
    }
  }
  return toPublicError(error, typeof rawRoomId === 'string' ? rawRoomId.slice(0, 128) : undefined);
}
