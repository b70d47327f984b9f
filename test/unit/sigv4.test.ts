import { describe, expect, it } from 'vitest';
import { signExecuteApiRequest, verifyExecuteApiSignature } from '../../lib/sigv4.js';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const region = 'ap-northeast-2';
const url = new URL('http://127.0.0.1:3400/rooms/room%20one/archive?format=json&version=v1');

/** A signed request as it arrives: the headers the signer set, and the host the client sent. */
async function signedRequest(
  method: string,
  body: string,
  signWith: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = credentials,
) {
  const headers = await signExecuteApiRequest(
    { method, url, body, headers: { 'content-type': 'application/json' } },
    { region, credentials: signWith },
  );
  const received: Record<string, string> = {
    ...headers,
    host: url.host,
    'content-type': 'application/json',
    'user-agent': 'curl/8',
  };
  return { method, url, headers: received, body: new TextEncoder().encode(body) };
}

describe('signExecuteApiRequest and verifyExecuteApiSignature', () => {
  it('accept a request signed with the right credentials, query and body included', async () => {
    // Prepare
    const request = await signedRequest('POST', '{}');

    // Act
    const verdict = await verifyExecuteApiSignature(request, { region, credentials });

    // Assess
    expect(verdict).toEqual({ ok: true, accessKeyId: 'AKIDLOCAL' });
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/ap-northeast-2\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('accept temporary credentials, their session token signed', async () => {
    // Prepare
    const request = await signedRequest('GET', '', { ...credentials, sessionToken: 'session-token' });

    // Act
    const verdict = await verifyExecuteApiSignature(request, { region, credentials });

    // Assess
    expect(request.headers['x-amz-security-token']).toBe('session-token');
    expect(verdict.ok).toBe(true);
  });

  it.each<[string, (request: Awaited<ReturnType<typeof signedRequest>>) => void, RegExp]>([
    ['signed with another secret', () => {}, /signature does not match/],
    [
      'with a body changed after signing',
      (request) => {
        request.body = new TextEncoder().encode('{"x":1}');
      },
      /not the hash of the body/,
    ],
    [
      'with a query changed after signing',
      (request) => {
        request.url = new URL(`${url.origin}${url.pathname}?format=raw`);
      },
      /signature does not match/,
    ],
    [
      'without its authorization header',
      (request) => {
        delete request.headers.authorization;
      },
      /no AWS4-HMAC-SHA256 authorization header/,
    ],
  ])('refuse a request %s', async (name, tamper, reason) => {
    // Prepare
    const request = await signedRequest(
      'POST',
      '{}',
      name === 'signed with another secret' ? { ...credentials, secretAccessKey: 'wrong' } : credentials,
    );
    tamper(request);

    // Act
    const verdict = await verifyExecuteApiSignature(request, { region, credentials });

    // Assess
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuse another access key, another region and a signature older than 5 minutes', async () => {
    // Prepare
    const request = await signedRequest('GET', '');

    // Act
    const otherKey = await verifyExecuteApiSignature(request, {
      region,
      credentials: { ...credentials, accessKeyId: 'AKIDOTHER' },
    });
    const otherRegion = await verifyExecuteApiSignature(request, { region: 'us-west-2', credentials });
    const late = await verifyExecuteApiSignature(request, {
      region,
      credentials,
      now: new Date(Date.now() + 6 * 60_000),
    });

    // Assess
    expect(otherKey).toEqual({ ok: false, reason: 'unknown access key' });
    expect(otherRegion).toEqual({ ok: false, reason: expect.stringMatching(/credential scope/) });
    expect(late).toEqual({ ok: false, reason: 'signature expired or dated in the future' });
  });
});
