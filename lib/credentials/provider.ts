import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../errors.js';
import { SecretAccessError, SecretFormatError, SecretUnavailableError } from './errors.js';

/** What every HappyTalk request is signed with: the company token and, optionally, client credentials. */
export interface HappyTalkCredentials {
  readonly token: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** Supplies HappyTalk credentials; implementations may cache. */
export interface CredentialsProvider {
  getCredentials(): Promise<HappyTalkCredentials>;
}

/** The part of the Secrets Manager client this module uses. */
export type SecretsManagerPort = Pick<SecretsManagerClient, 'send'>;

export interface SecretsManagerCredentialsOptions {
  readonly client: SecretsManagerPort;
  /** Name or ARN of the secret. */
  readonly secretId: string;
  /** How long a fetched value is reused, in milliseconds (default 5 minutes; 0 disables caching). */
  readonly maxAgeMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

const DEFAULT_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Reads HappyTalk credentials from one Secrets Manager secret and caches them in
 * memory for `maxAgeMs`. Concurrent callers share one in-flight request.
 *
 * The secret string is either the bare token or JSON
 * `{"token": "...", "client_id"?: "...", "client_secret"?: "..."}`.
 */
export class SecretsManagerCredentialsProvider implements CredentialsProvider {
  readonly #client: SecretsManagerPort;
  readonly #secretId: string;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #cached?: { value: Promise<HappyTalkCredentials>; expiresAt: number };

  constructor(options: SecretsManagerCredentialsOptions) {
    if (options.secretId.trim() === '') throw new ConfigurationError('the secret id must not be empty');
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0) {
      throw new ConfigurationError(`maxAgeMs must be a number >= 0, received ${maxAgeMs}`);
    }
    this.#client = options.client;
    this.#secretId = options.secretId;
    this.#maxAgeMs = maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  getCredentials(): Promise<HappyTalkCredentials> {
    const now = this.#now();
    if (this.#cached && now < this.#cached.expiresAt) return this.#cached.value;
    const value = this.#fetch();
    const entry = { value, expiresAt: now + this.#maxAgeMs };
    this.#cached = entry;
    // A failed read must not be cached: the next call tries again.
    value.catch(() => {
      if (this.#cached === entry) this.#cached = undefined;
    });
    return value;
  }

  /** Drops the cached value, so the next call reads the secret again (e.g. after a rotation). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #fetch(): Promise<HappyTalkCredentials> {
    return parseSecretValue(await readSecretString(this.#client, this.#secretId), this.#secretId);
  }
}

/**
 * The current value of a secret as text (a binary secret decoded as UTF-8;
 * `''` when it holds neither), with the SDK's errors translated.
 *
 * @throws SecretAccessError when the secret does not exist or may not be read
 * @throws SecretUnavailableError when Secrets Manager is throttling or unreachable
 */
export async function readSecretString(client: SecretsManagerPort, secretId: string): Promise<string> {
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return (
      output.SecretString ?? (output.SecretBinary ? Buffer.from(output.SecretBinary).toString('utf8') : '')
    );
  } catch (error) {
    throw translateSecretsManagerError(error, secretId);
  }
}

/** Credentials given directly, e.g. from `HAPPYTALK_TOKEN` for local use. */
export class StaticCredentialsProvider implements CredentialsProvider {
  readonly #credentials: HappyTalkCredentials;

  constructor(credentials: HappyTalkCredentials) {
    if (credentials.token.trim() === '')
      throw new ConfigurationError('the HappyTalk token must not be empty');
    this.#credentials = credentials;
  }

  getCredentials(): Promise<HappyTalkCredentials> {
    return Promise.resolve(this.#credentials);
  }
}

/**
 * Parses a secret value: a bare token, or a JSON object with `token` and the
 * optional `client_id` / `client_secret`. Error messages never quote the value.
 */
export function parseSecretValue(value: string, secretId = 'the secret'): HappyTalkCredentials {
  const trimmed = value.trim();
  if (trimmed === '')
    throw new SecretFormatError(`secret ${secretId} is empty: store the HappyTalk token in it`);
  if (trimmed.startsWith('[') || trimmed.startsWith('"')) {
    throw new SecretFormatError(`secret ${secretId} looks like JSON but is not a JSON object`);
  }
  if (!trimmed.startsWith('{')) {
    if (/\s/.test(trimmed)) {
      throw new SecretFormatError(`secret ${secretId} holds a value with whitespace, which is not a token`);
    }
    return { token: trimmed };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new SecretFormatError(`secret ${secretId} starts with "{" but is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretFormatError(`secret ${secretId} must be a JSON object`);
  }
  const record = parsed as Record<string, unknown>;
  const token = record.token;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new SecretFormatError(`secret ${secretId} has no non-empty string "token" field`);
  }
  const clientId = optionalString(record, 'client_id', secretId);
  const clientSecret = optionalString(record, 'client_secret', secretId);
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new SecretFormatError(
      `secret ${secretId} must hold both "client_id" and "client_secret", or neither`,
    );
  }
  return {
    token: token.trim(),
    ...(clientId !== undefined && clientSecret !== undefined ? { clientId, clientSecret } : {}),
  };
}

function optionalString(record: Record<string, unknown>, key: string, secretId: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new SecretFormatError(`secret ${secretId} field "${key}" must be a string`);
  return value;
}

const ACCESS_ERRORS = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
]);

function translateSecretsManagerError(error: unknown, secretId: string): Error {
  const name = error instanceof Error ? error.name : 'UnknownError';
  if (ACCESS_ERRORS.has(name)) {
    return new SecretAccessError(`cannot read secret ${secretId}: ${name}`, { cause: error });
  }
  return new SecretUnavailableError(`secret ${secretId} is unavailable: ${name}`, { cause: error });
}
