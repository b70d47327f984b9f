import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack.js';
import { signExecuteApiRequest } from '../../../lib/sigv4.js';
import { SAMPLE_ROOM_IDS } from '../../../lib/simulator/index.js';
import { captureOutput } from '../../support/lambda.js';

let directory: string;
let stack: LocalStack;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'happytalk-archive-iam-'));
  stack = await startLocalStack({ directory, apiAuth: 'iam' });
  output = captureOutput();
});

afterAll(async () => {
  output?.restore();
  await stack?.close();
  await rm(directory, { recursive: true, force: true });
});

const signed = (
  method: 'GET' | 'POST',
  url: URL,
  secretAccessKey = stack.cliEnv.AWS_SECRET_ACCESS_KEY ?? '',
) =>
  signExecuteApiRequest(
    { method, url },
    {
      region: stack.cliEnv.AWS_REGION ?? '',
      credentials: { accessKeyId: stack.cliEnv.AWS_ACCESS_KEY_ID ?? '', secretAccessKey },
    },
  );

describe('the local HTTP API with LOCAL_API_AUTH=iam', () => {
  it('refuses unsigned requests with 403 Forbidden, as API Gateway with IAM authorization does', async () => {
    // Act
    const responses = await Promise.all([
      fetch(`${stack.apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`, { method: 'POST' }),
      fetch(`${stack.apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`),
      fetch(`${stack.apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive/versions`),
    ]);

    // Assess
    expect(responses.map((response) => response.status)).toEqual([403, 403, 403]);
    expect(await responses[0]?.json()).toEqual({ message: 'Forbidden' });
  });

  it('answers requests signed with the local credentials', async () => {
    // Prepare
    const url = new URL(`${stack.apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`);

    // Act
    const posted = await fetch(url, { method: 'POST', headers: await signed('POST', url) });
    const read = await fetch(url, { headers: await signed('GET', url) });

    // Assess
    expect(posted.status).toBe(200);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ room_id: SAMPLE_ROOM_IDS.completed });
  });

  it('refuses a request signed with the wrong secret', async () => {
    // Prepare
    const url = new URL(`${stack.apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`);

    // Act
    const response = await fetch(url, { headers: await signed('GET', url, 'wrong') });

    // Assess
    expect(response.status).toBe(403);
  });
});
