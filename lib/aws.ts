import { isIPv4 } from 'node:net';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Environment } from './config.js';

/**
 * An S3 client for the archive, honouring the SDK's standard
 * `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`) and `AWS_REGION` from `env`.
 * With a custom endpoint (a VPC or FIPS endpoint, a proxy, a local server),
 * addressing is path-style. Checksums keep the SDK's defaults (sent with every
 * upload that supports them), which S3 needs: a PutObject to a bucket with
 * Object Lock retention must carry an integrity header. Only a loopback
 * endpoint (the local stack's s3rver, which stores a checksummed stream with
 * its aws-chunked framing) gets checksums only when an operation requires them.
 */
export function createS3Client(env: Environment = process.env, config: S3ClientConfig = {}): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...clientBasics(env),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(endpoint && isLoopbackEndpoint(endpoint)
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    ...config,
  });
}

/**
 * The region and, when `env` names them, the keys every client uses: the keys
 * of `env` itself (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`, which is where Lambda puts the role's), so that a client
 * made for an environment other than the process's (the local stack, a test)
 * signs with that environment's keys. Without them, the SDK's default chain.
 */
export function clientBasics(env: Environment): {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
} {
  const { AWS_REGION: region, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return {
    ...(region ? { region } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
  };
}

/**
 * Whether an endpoint URL names this machine: `localhost` (or a name below it),
 * an address in 127.0.0.0/8, or `::1`. Decided on the URL as configured, so
 * a name that resolves to loopback is not one.
 */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/** A Secrets Manager client honouring `AWS_ENDPOINT_URL_SECRETS_MANAGER` and `AWS_REGION` from `env`. */
export function createSecretsManagerClient(env: Environment = process.env): SecretsManagerClient {
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  return new SecretsManagerClient({
    ...clientBasics(env),
    ...(endpoint ? { endpoint } : {}),
  });
}

/**
 * An SQS port whose client, and the SQS SDK itself, are loaded on first use
 * (lib/aws-sqs.ts): the event functions need SQS only on a retry or a dead
 * letter, the watcher only when a room is to be archived, so their cold start
 * does not pay for it.
 */
export function lazySqsClient(env: Environment = process.env): Pick<SQSClient, 'send'> {
  let client: Promise<SQSClient> | undefined;
  const send = (async (...args: Parameters<SQSClient['send']>) => {
    client ??= import('./aws-sqs.js').then(
      ({ createSqsClient }) => createSqsClient(env),
      (error: unknown) => {
        client = undefined;
        throw error;
      },
    );
    return (await client).send(...args);
  }) as SQSClient['send'];
  return { send };
}
