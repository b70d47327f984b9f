import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_ROOM_IDS } from '../../../dev/simulator/index.js';
import { createHttpApiHandler, httpApiRuntime } from '../../../functions/handlers/http-api.js';
import { createRetrievalApiHandler, retrievalRuntime } from '../../../functions/handlers/retrieval-api.js';
import { TRANSCRIPT_VIEW_CSP } from '../../../lib/view/transcript-html.js';
import { captureOutput, httpApiEvent, lambdaContext } from '../../support/lambda.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

let stack: TestStack;
let archive: Handler;
let retrieve: Handler;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  stack = await startTestStack();
  archive = createHttpApiHandler(httpApiRuntime(stack.env));
  retrieve = createRetrievalApiHandler(
    retrievalRuntime({ ...stack.env, RETRIEVAL_INLINE_MAX_BYTES: '6000' }),
  );
  for (const roomId of [SAMPLE_ROOM_IDS.completed, SAMPLE_ROOM_IDS.specExample]) {
    await archive(httpApiEvent('POST', roomId), lambdaContext());
  }
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.resetRequests();
  output = captureOutput();
  return () => output.restore();
});

async function get(roomId: string, query?: Record<string, string>, routeKey?: string) {
  const context = lambdaContext();
  const response = await retrieve(
    httpApiEvent('GET', roomId, { ...(query ? { query } : {}), ...(routeKey ? { routeKey } : {}) }),
    context,
  );
  const bytes = response.isBase64Encoded
    ? Buffer.from(response.body ?? '', 'base64')
    : Buffer.from(response.body ?? '', 'utf8');
  return { response, bytes, text: bytes.toString('utf8'), requestId: context.awsRequestId };
}

function auditLines(): Array<Record<string, unknown>> {
  return output
    .text()
    .split('\n')
    .filter((line) => line.includes('"audit"'))
    .map((line) => (JSON.parse(line) as { audit: Record<string, unknown> }).audit);
}

describe('GET /rooms/{room_id}/archive', () => {
  it('answers the transcript exactly as stored, by default', async () => {
    const roomId = SAMPLE_ROOM_IDS.specExample;
    const index = JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));
    const stored = (await stack.getObject(index.transcript_key)).body;

    const { response, bytes, requestId } = await get(roomId);

    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers?.['x-request-id']).toBe(requestId);
    expect(bytes.equals(stored)).toBe(true);
  });

  it('answers the raw HappyTalk response byte for byte with format=raw', async () => {
    const roomId = SAMPLE_ROOM_IDS.specExample;
    const index = JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));

    const { response, bytes } = await get(roomId, { format: 'raw' });

    expect(response.statusCode).toBe(200);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(index.sha256);
  });

  it('answers the printable page with format=html', async () => {
    const { response, text } = await get(SAMPLE_ROOM_IDS.specExample, { format: 'html' });

    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(text).toContain('<!doctype html>'.toLowerCase().slice(0, 9));
    expect(text).toContain('uvR3XrI8jtybTq6ZfploAOxJcKNLCG');
    expect(text).not.toMatch(/<script/i);
  });

  it.each([
    ['the page', { format: 'html' }, SAMPLE_ROOM_IDS.specExample, 200],
    ['the transcript', { format: 'json' }, SAMPLE_ROOM_IDS.specExample, 200],
    ['the raw answer', { format: 'raw' }, SAMPLE_ROOM_IDS.specExample, 200],
    ['a presigned URL', { format: 'json' }, SAMPLE_ROOM_IDS.completed, 200],
    ['an error', { format: 'json' }, 'neverArchived', 404],
  ])(
    'answers %s with the view policy, nosniff, no referrer and no caching',
    async (_name, query, roomId, status) => {
      const { response } = await get(roomId, query);

      expect(response.statusCode).toBe(status);
      expect(response.headers).toMatchObject({
        'content-security-policy': TRANSCRIPT_VIEW_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
    },
  );

  it('answers a presigned URL instead of a body above the size threshold', async () => {
    const roomId = SAMPLE_ROOM_IDS.completed;

    const { response, text } = await get(roomId);

    expect(response.statusCode).toBe(200);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ room_id: roomId, format: 'json', expires_in_seconds: 60 });
    expect(body.bytes).toBeGreaterThan(6000);
    const url = new URL(body.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(JSON.parse(await fetched.text()).room_id).toBe(roomId);
  });

  it('keeps the limits of its own environment beside a handler built for another in the same process', async () => {
    // Prepare: the handler of this file presigns above 6000 bytes; this one, the default 4 MiB
    const roomId = SAMPLE_ROOM_IDS.completed;
    const other = createRetrievalApiHandler(retrievalRuntime(stack.env));

    // Act
    const inline = await other(httpApiEvent('GET', roomId), lambdaContext());
    const { text } = await get(roomId);

    // Assess
    expect(inline.statusCode).toBe(200);
    const transcript = JSON.parse(Buffer.from(inline.body ?? '', 'base64').toString('utf8'));
    expect(transcript).toMatchObject({ room_id: roomId, schema_version: 1 });
    expect(JSON.parse(text)).toMatchObject({ room_id: roomId, format: 'json', url: expect.any(String) });
  });

  it.each([
    [{ format: 'pdf' }, 400, 'INVALID_REQUEST'],
    [{ version: 'no-such-version' }, 404, 'NOT_ARCHIVED'],
  ])('refuses %j', async (query, status, code) => {
    const roomId = 'version' in query ? 'neverArchived' : SAMPLE_ROOM_IDS.specExample;
    const { response, text } = await get(roomId, query);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(text).error.code).toBe(code);
  });

  it('answers 404 for a room that is not archived, and 400 for an invalid id, without calling HappyTalk', async () => {
    const missing = await get('neverArchived');
    const invalid = await get('../x');

    expect(missing.response.statusCode).toBe(404);
    expect(JSON.parse(missing.text).error.code).toBe('NOT_ARCHIVED');
    expect(invalid.response.statusCode).toBe(400);
    expect(stack.simulator.requests).toHaveLength(0);
  });

  it('writes one audit line per retrieval with the caller, room, format and time', async () => {
    const event = httpApiEvent('GET', SAMPLE_ROOM_IDS.specExample, { query: { format: 'raw' } });
    Object.assign(event.requestContext, {
      authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:user/auditor', accountId: '111122223333' } },
    });

    await retrieve(event, lambdaContext());

    expect(auditLines()).toEqual([
      expect.objectContaining({
        action: 'retrieve',
        caller: 'arn:aws:iam::111122223333:user/auditor',
        caller_account: '111122223333',
        room_id: SAMPLE_ROOM_IDS.specExample,
        format: 'raw',
        version_id: null,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });
});

describe('GET /rooms/{room_id}/archive/versions', () => {
  it('lists the archived versions with their sha256, newest first, and reads each by its id', async () => {
    const roomId = SAMPLE_ROOM_IDS.specExample;
    const index = JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));

    const { response, text } = await get(roomId, undefined, 'GET /rooms/{room_id}/archive/versions');

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(text)).toEqual({
      room_id: roomId,
      key: index.transcript_key,
      versions: [
        {
          version_id: index.transcript_version_id,
          archived_at: expect.stringMatching(/Z$/),
          sha256: index.sha256,
          fetched_at: index.fetched_at,
          bytes: expect.any(Number),
          latest: true,
        },
      ],
    });
    expect(index.transcript_version_id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(auditLines()).toEqual([expect.objectContaining({ format: 'versions', room_id: roomId })]);
    const pinned = await get(roomId, { version: index.transcript_version_id });
    expect(pinned.response.statusCode).toBe(200);
    expect(pinned.bytes.equals((await stack.getObject(index.transcript_key)).body)).toBe(true);
    const garbage = await get(roomId, { version: 'garbage-version' });
    expect(garbage.response.statusCode).toBe(404);
    expect(JSON.parse(garbage.text).error.code).toBe('UNKNOWN_VERSION');
  });
});
