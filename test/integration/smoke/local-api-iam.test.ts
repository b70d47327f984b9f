import { describe, expect, it } from 'vitest';
import { SAMPLE_ROOM_IDS } from '../../../dev/simulator/index.js';
import { signExecuteApiRequest } from '../../../lib/sigv4.js';
import { useLocalStack } from '../../support/local-stack.js';

const local = useLocalStack({ apiAuth: 'iam' });

const signed = (
  method: 'GET' | 'POST',
  url: URL,
  secretAccessKey = local.stack().cliEnv.AWS_SECRET_ACCESS_KEY ?? '',
) =>
  signExecuteApiRequest(
    { method, url },
    {
      region: local.stack().cliEnv.AWS_REGION ?? '',
      credentials: { accessKeyId: local.stack().cliEnv.AWS_ACCESS_KEY_ID ?? '', secretAccessKey },
    },
  );

describe('the local HTTP API with LOCAL_API_AUTH=iam', () => {
  it('refuses unsigned requests with 403 Forbidden, as API Gateway with IAM authorization does', async () => {
    // Act
    const responses = await Promise.all([
      fetch(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`, { method: 'POST' }),
      fetch(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`),
      fetch(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive/versions`),
    ]);

    // Assess
    expect(responses.map((response) => response.status)).toEqual([403, 403, 403]);
    expect(await responses[0]?.json()).toEqual({ message: 'Forbidden' });
  });

  it('answers requests signed with the local credentials', async () => {
    // Prepare
    const url = new URL(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`);

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
    const url = new URL(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.completed}/archive`);

    // Act
    const response = await fetch(url, { headers: await signed('GET', url, 'wrong') });

    // Assess
    expect(response.status).toBe(403);
  });
});
