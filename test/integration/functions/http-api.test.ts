import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_ROOM_IDS } from '../../../dev/simulator/index.js';
import { createHttpApiHandler, httpApiRuntime } from '../../../functions/handlers/http-api.js';
import { captureOutput, httpApiEvent, lambdaContext } from '../../support/lambda.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

let stack: TestStack;
let handler: Handler;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  stack = await startTestStack();
  handler = createHttpApiHandler(httpApiRuntime({ ...stack.env, HAPPYTALK_SECRET_MAX_AGE_MS: '1' }));
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.clearFaults();
  stack.simulator.resetRequests();
  stack.secrets.setFault(undefined);
  stack.secrets.setSecret('happytalk/archive-token', JSON.stringify({ token: TEST_TOKEN }));
  output = captureOutput();
  return () => output.restore();
});

async function invoke(event: APIGatewayProxyEventV2) {
  const context = lambdaContext();
  const response = await handler(event, context);
  const body = JSON.parse(response.body ?? 'null');
  return { response, body, requestId: context.awsRequestId };
}

describe('POST /rooms/{room_id}/archive', () => {
  it('archives the room and answers the summary with the request id', async () => {
    const roomId = SAMPLE_ROOM_IDS.completed;

    const { response, body, requestId } = await invoke(httpApiEvent('POST', roomId));

    expect(response.statusCode).toBe(200);
    expect(response.headers?.['x-request-id']).toBe(requestId);
    expect(response.headers).toMatchObject({
      'content-security-policy': expect.stringMatching(/^default-src 'none'/),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(body).toMatchObject({ room_id: roomId, status: 'archived', message_count: expect.any(Number) });
    expect(await stack.listKeys('index/')).toContain(`index/rooms/${roomId}.json`);
    const again = await invoke(httpApiEvent('POST', roomId));
    expect(again.body.status).toBe('unchanged');
  });

  it('logs JSON lines with the room id and the request id, and EMF metrics', async () => {
    const roomId = SAMPLE_ROOM_IDS.oddCodes;

    const { requestId } = await invoke(httpApiEvent('POST', roomId));

    const lines = output
      .text()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const logs = lines.filter((line) => 'level' in line);
    expect(logs.length).toBeGreaterThan(0);
    for (const log of logs) expect(log).toMatchObject({ room_id: roomId, function_request_id: requestId });
    const emf = lines.find((line) => '_aws' in line);
    expect(emf).toMatchObject({
      Archived: 1,
      MessageCount: expect.any(Number),
      UpstreamLatency: expect.any(Number),
    });
  });

  it.each([
    ['a path traversal', '../x', 400, 'INVALID_ROOM_ID'],
    ['an encoded slash', 'a%2Fb', 400, 'INVALID_ROOM_ID'],
    ['a null byte', 'a\u0000b', 400, 'INVALID_ROOM_ID'],
    ['a 10 KB id', 'x'.repeat(10_240), 400, 'INVALID_ROOM_ID'],
  ])('answers 400 for %s without calling HappyTalk', async (_name, roomId, status, code) => {
    const { response, body, requestId } = await invoke(httpApiEvent('POST', roomId));

    expect(response.statusCode).toBe(status);
    expect(body.error).toMatchObject({ code, request_id: requestId });
    expect(body.error.message).toMatch(/^invalid room id/);
    expect(stack.simulator.requests).toHaveLength(0);
  });

  it.each([
    ['a non-JSON body', '{nope', { 'content-type': 'application/json' }, 400, 'INVALID_REQUEST'],
    ['a body with fields', '{"room_id":"x"}', { 'content-type': 'application/json' }, 400, 'INVALID_REQUEST'],
    [
      'a form body',
      'a=b',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an oversize body',
      `{"x":"${'a'.repeat(5000)}"}`,
      { 'content-type': 'application/json' },
      413,
      'BODY_TOO_LARGE',
    ],
  ])('refuses %s', async (_name, bodyText, headers, status, code) => {
    const { response, body } = await invoke(
      httpApiEvent('POST', SAMPLE_ROOM_IDS.completed, { body: bodyText, headers }),
    );

    expect(response.statusCode).toBe(status);
    expect(body.error.code).toBe(code);
    expect(stack.simulator.requests).toHaveLength(0);
  });

  it('accepts an empty JSON object as the body', async () => {
    const { response } = await invoke(
      httpApiEvent('POST', SAMPLE_ROOM_IDS.specExample, {
        body: '{}',
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    expect(response.statusCode).toBe(200);
  });

  it.each([
    [{ kind: 'fail', code: -503, message: 'room' } as const, 404, 'ROOM_NOT_FOUND'],
    [{ kind: 'empty-data' } as const, 404, 'ROOM_NOT_FOUND'],
    [{ kind: 'fail', code: -504, message: 'overDate' } as const, 422, 'OUT_OF_QUERY_WINDOW'],
    [{ kind: 'fail', code: -501, message: 'token' } as const, 502, 'UPSTREAM_CONFIGURATION'],
    [{ kind: 'fail', code: -502, message: 'unAuthorized' } as const, 502, 'UPSTREAM_CONFIGURATION'],
    [{ kind: 'status', status: 503 } as const, 503, 'UPSTREAM_UNAVAILABLE'],
    [{ kind: 'status', status: 429 } as const, 503, 'UPSTREAM_UNAVAILABLE'],
    [{ kind: 'not-json' } as const, 503, 'UPSTREAM_UNAVAILABLE'],
    [{ kind: 'reset' } as const, 503, 'UPSTREAM_UNAVAILABLE'],
  ])('maps HappyTalk %j to %i %s, writing nothing', async (fault, status, code) => {
    const roomId = SAMPLE_ROOM_IDS.buttons;
    stack.simulator.setFault(roomId, fault);

    const { response, body } = await invoke(httpApiEvent('POST', roomId));

    expect(response.statusCode).toBe(status);
    expect(body.error.code).toBe(code);
    expect(body.error.message).not.toMatch(/HappyTalk answered|ECONN|at .*\.ts/);
    expect((await stack.listKeys()).filter((key) => key.includes(roomId))).toEqual([]);
  });

  it.each([
    ['ThrottlingException', 503, 'UPSTREAM_UNAVAILABLE'],
    ['AccessDeniedException', 502, 'UPSTREAM_CONFIGURATION'],
    ['ResourceNotFoundException', 502, 'UPSTREAM_CONFIGURATION'],
  ] as const)('maps Secrets Manager %s to %i', async (fault, status, code) => {
    stack.secrets.setFault(fault);
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the 1 ms secret cache expire

    const { response, body } = await invoke(httpApiEvent('POST', SAMPLE_ROOM_IDS.images));

    expect(response.statusCode).toBe(status);
    expect(body.error.code).toBe(code);
    expect(stack.simulator.requests).toHaveLength(0);
  });

  it('maps an empty secret to 502', async () => {
    stack.secrets.setSecret('happytalk/archive-token', '');
    await new Promise((resolve) => setTimeout(resolve, 5));

    const { response } = await invoke(httpApiEvent('POST', SAMPLE_ROOM_IDS.images));

    expect(response.statusCode).toBe(502);
  });

  it('never writes the token to logs or responses', async () => {
    stack.simulator.setFault(SAMPLE_ROOM_IDS.buttons, { kind: 'fail', code: -501, message: 'token' });

    const responses = [
      await invoke(httpApiEvent('POST', SAMPLE_ROOM_IDS.buttons)),
      await invoke(httpApiEvent('POST', SAMPLE_ROOM_IDS.open)),
    ];

    expect(output.text()).not.toContain(TEST_TOKEN);
    for (const { response } of responses) expect(response.body).not.toContain(TEST_TOKEN);
  });
});

describe('other routes', () => {
  it('answers 404 for a route it does not serve (reads are the retrieval API)', async () => {
    for (const method of ['DELETE', 'GET'] as const) {
      const { response, body } = await invoke(httpApiEvent(method, 'abc'));
      expect(response.statusCode).toBe(404);
      expect(body.error.code).toBe('ROUTE_NOT_FOUND');
    }
  });
});
