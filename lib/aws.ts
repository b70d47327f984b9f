import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Environment } from './config.js';

/**
 * An S3 client for the archive, honouring the SDK's standard
 * `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`) and `AWS_REGION` from `env`.
 * With a custom endpoint (a local or S3-compatible server), addressing is
 * path-style and checksums are only sent when an operation requires them,
 * which local servers such as s3rver need.
 */
export function createS3Client(env: Environment = process.env, config: S3ClientConfig = {}): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
    ...config,
  });
}

/** A Secrets Manager client honouring `AWS_ENDPOINT_URL_SECRETS_MANAGER` and `AWS_REGION` from `env`. */
export function createSecretsManagerClient(env: Environment = process.env): SecretsManagerClient {
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  return new SecretsManagerClient({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

/** An SQS client honouring `AWS_ENDPOINT_URL_SQS` (or `AWS_ENDPOINT_URL`) and `AWS_REGION` from `env`. */
export function createSqsClient(env: Environment = process.env): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  return new SQSClient({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

/**
 * An SQS port whose client is created on first use: the event functions need
 * SQS only on a retry or a dead letter, so their cold start does not pay for it.
 */
export function lazySqsClient(env: Environment = process.env): Pick<SQSClient, 'send'> {
  let client: SQSClient | undefined;
  const send = ((...args: Parameters<SQSClient['send']>) => {
    client ??= createSqsClient(env);
    return client.send(...args);
  }) as SQSClient['send'];
  return { send };
}
