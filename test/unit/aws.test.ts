import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3ClientConfig } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Client, isLoopbackEndpoint } from '../../lib/aws.js';

type RequestHandler = NonNullable<S3ClientConfig['requestHandler']>;

/** What the SDK hands its request handler. */
interface SentRequest {
  readonly hostname: string;
  readonly headers: Record<string, string>;
}

/** A request handler that keeps what the SDK would send and answers 200 itself: nothing leaves the process. */
function capturingHandler(): { handler: RequestHandler; requests: SentRequest[] } {
  const requests: SentRequest[] = [];
  const handler = {
    handle: async (request: SentRequest) => {
      requests.push(request);
      return {
        response: {
          statusCode: 200,
          headers: { etag: '"0"', 'x-amz-version-id': 'v1' },
          body: Readable.from([]),
        },
      };
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  } as unknown as RequestHandler;
  return { handler, requests };
}

/** The headers of the PutObject an archive write sends through an S3 client built for `env`. */
async function putObjectHeaders(
  env: Record<string, string>,
): Promise<{ host: string; headers: Record<string, string> }> {
  const { handler, requests } = capturingHandler();
  const client = createS3Client(
    {
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      ...env,
    },
    { requestHandler: handler, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } },
  );
  await client.send(
    new PutObjectCommand({
      Bucket: 'archive-bucket',
      Key: 'transcripts/year=2024/month=03/day=11/room.json',
      Body: new TextEncoder().encode('{"room_id":"room"}\n'),
      ContentType: 'application/json; charset=utf-8',
    }),
  );
  const [request] = requests;
  if (!request) throw new Error('no request was sent');
  return { host: request.hostname, headers: request.headers };
}

const INTEGRITY_HEADERS = /^(content-md5|x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256))$/;

describe('createS3Client', () => {
  it('sends an integrity header with PutObject through a custom endpoint that is not loopback', async () => {
    // Act: a VPC endpoint or proxy, named in a reserved test domain; the request is captured, never sent
    const { host, headers } = await putObjectHeaders({
      AWS_ENDPOINT_URL_S3: 'https://s3-endpoint.archive.test',
    });

    // Assess
    expect(host).toBe('s3-endpoint.archive.test');
    expect(Object.keys(headers).filter((name) => INTEGRITY_HEADERS.test(name))).not.toEqual([]);
    expect(headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
  });

  it('sends an integrity header with PutObject to S3 itself', async () => {
    // Act
    const { headers } = await putObjectHeaders({});

    // Assess
    expect(headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
  });

  it('sends checksums only when required through a loopback endpoint (the local stack)', async () => {
    // Act
    const { host, headers } = await putObjectHeaders({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' });

    // Assess
    expect(host).toBe('127.0.0.1');
    expect(Object.keys(headers).filter((name) => INTEGRITY_HEADERS.test(name))).toEqual([]);
  });
});

describe('the clients of an environment', () => {
  /** The Authorization and session token headers of a GetObject signed by a client built for `env`. */
  async function signedHeaders(env: Record<string, string>): Promise<Record<string, string>> {
    const { handler, requests } = capturingHandler();
    const client = createS3Client(env, { requestHandler: handler });
    await client.send(new GetObjectCommand({ Bucket: 'archive-bucket', Key: 'index/rooms/room.json' }));
    return requests[0]?.headers ?? {};
  }

  it("sign with that environment's keys, not the process's", async () => {
    // Act
    const headers = await signedHeaders({
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'AKIDOFTHEENVIRONMENT',
      AWS_SECRET_ACCESS_KEY: 'its-secret',
      AWS_SESSION_TOKEN: 'its-session-token',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569',
    });

    // Assess
    expect(headers.authorization).toContain('Credential=AKIDOFTHEENVIRONMENT/');
    expect(headers['x-amz-security-token']).toBe('its-session-token');
  });

  it("take the SDK's default chain when the environment names no keys", async () => {
    // Act: the process's own keys are vitest's (S3RVER)
    const headers = await signedHeaders({
      AWS_REGION: 'ap-northeast-2',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569',
    });

    // Assess
    expect(headers.authorization).toContain(`Credential=${process.env.AWS_ACCESS_KEY_ID}/`);
    expect(headers['x-amz-security-token']).toBeUndefined();
  });
});

describe('isLoopbackEndpoint', () => {
  it.each([
    ['http://127.0.0.1:4569', true],
    ['http://127.1.2.3', true],
    ['http://localhost:4569', true],
    ['http://s3.localhost:4569', true],
    ['http://[::1]:4569', true],
    ['https://s3-endpoint.archive.test', false],
    ['https://127.0.0.1.archive.test', false],
    ['http://s3.example.test', false],
    ['not a url', false],
  ])('%s is loopback: %s', (endpoint, expected) => {
    // Assess
    expect(isLoopbackEndpoint(endpoint)).toBe(expected);
  });
});
