import { ConfigurationError } from './errors.js';
import { chatDataEndpoint, HAPPYTALK_PROD_BASE_URL } from './happytalk/client.js';
import { assertTimeZone, DEFAULT_TIME_ZONE } from './transcript/time.js';

/** Where the HappyTalk credentials come from. */
export type CredentialsSource =
  | { readonly kind: 'secret'; readonly secretId: string }
  | {
      readonly kind: 'token';
      readonly token: string;
      readonly clientId?: string;
      readonly clientSecret?: string;
    };

export interface ArchiveConfig {
  /** `ARCHIVE_BUCKET`. */
  readonly bucket: string;
  /** `HAPPYTALK_BASE_URL`, default the production host. */
  readonly baseUrl: string;
  /** `HAPPYTALK_TIMEZONE`, default Asia/Seoul. */
  readonly timeZone: string;
  /** `HAPPYTALK_SECRET_ID`, or (local use only) `HAPPYTALK_TOKEN`. */
  readonly credentials: CredentialsSource;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the archive's configuration from environment variables,
 * failing fast with a message that names the missing or malformed variable.
 *
 * @param options.allowLocalToken accept `HAPPYTALK_TOKEN` when no secret id is
 *   set (the CLI and the local stack; never the Lambda functions)
 */
export function readArchiveConfig(env: Environment, options: { allowLocalToken: boolean }): ArchiveConfig {
  return {
    bucket: readBucket(env),
    ...readUpstreamConfig(env),
    credentials: readCredentialsSource(env, options),
  };
}

/** The settings needed to call HappyTalk and normalize, without S3. */
export function readUpstreamConfig(env: Environment): { baseUrl: string; timeZone: string } {
  const baseUrl = nonEmpty(env.HAPPYTALK_BASE_URL) ?? HAPPYTALK_PROD_BASE_URL;
  chatDataEndpoint(baseUrl);
  const timeZone = nonEmpty(env.HAPPYTALK_TIMEZONE) ?? DEFAULT_TIME_ZONE;
  try {
    assertTimeZone(timeZone);
  } catch (error) {
    throw new ConfigurationError(`HAPPYTALK_TIMEZONE: ${(error as Error).message}`);
  }
  return { baseUrl, timeZone };
}

/** `ARCHIVE_BUCKET`, checked against S3's bucket naming rules. */
export function readBucket(env: Environment): string {
  const bucket = nonEmpty(env.ARCHIVE_BUCKET);
  if (!bucket) throw new ConfigurationError('ARCHIVE_BUCKET is not set: name the archive bucket');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigurationError(`ARCHIVE_BUCKET ${JSON.stringify(bucket)} is not a valid S3 bucket name`);
  }
  return bucket;
}

export function readCredentialsSource(
  env: Environment,
  options: { allowLocalToken: boolean },
): CredentialsSource {
  const secretId = nonEmpty(env.HAPPYTALK_SECRET_ID);
  if (secretId) return { kind: 'secret', secretId };
  const token = nonEmpty(env.HAPPYTALK_TOKEN);
  if (token && options.allowLocalToken) {
    const clientId = nonEmpty(env.HAPPYTALK_CLIENT_ID);
    const clientSecret = nonEmpty(env.HAPPYTALK_CLIENT_SECRET);
    return { kind: 'token', token, ...(clientId && clientSecret ? { clientId, clientSecret } : {}) };
  }
  throw new ConfigurationError(
    options.allowLocalToken
      ? 'HAPPYTALK_SECRET_ID is not set (or, for local use, HAPPYTALK_TOKEN): say where the HappyTalk token is'
      : 'HAPPYTALK_SECRET_ID is not set: name the Secrets Manager secret that holds the HappyTalk token',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
