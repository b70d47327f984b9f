import {
  DEFAULT_ATTACHMENT_BUDGET_MS,
  DEFAULT_ATTACHMENT_CONCURRENCY,
  DEFAULT_MAX_ATTACHMENTS_PER_ROOM,
} from './attachments/archive-attachments.js';
import { DEFAULT_ATTACHMENT_HOST_ALLOWLIST, parseHostAllowlist } from './attachments/host-allowlist.js';
import {
  ATTACHMENT_CONTENT_TYPES,
  DEFAULT_ATTACHMENT_TIMEOUT_MS,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENT_REDIRECTS,
} from './attachments/policy.js';
import { ConfigurationError } from './errors.js';
import { chatDataEndpoint, HAPPYTALK_PROD_BASE_URL } from './happytalk/client.js';
import { FinalStatuses, parseFinalStatuses } from './happytalk/finality.js';
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
  /** The attachment step's settings (`ATTACHMENT_*`); absent: images are not archived. */
  readonly attachments?: AttachmentConfig;
  /** `HAPPYTALK_FINAL_STATUSES`: the statuses of a finished room, default `2,4`. */
  readonly finalStatuses: FinalStatuses;
}

/**
 * How the images of messages are archived (`ATTACHMENT_*` variables, every one
 * optional). The SSRF guards that are not settings (https only, public
 * addresses only, pinned connections) cannot be turned off from the
 * environment.
 */
export interface AttachmentConfig {
  /** `ATTACHMENT_ARCHIVING`: `on` (default) or `off`. */
  readonly enabled: boolean;
  /** `ATTACHMENT_HOST_ALLOWLIST`: comma-separated host patterns, default `*.happytalk.io`. */
  readonly hostAllowlist: readonly string[];
  /** `ATTACHMENT_MAX_BYTES`: size cap per attachment, default 20 MiB (20971520). */
  readonly maxBytes: number;
  /** `ATTACHMENT_TIMEOUT_MS`: time per download, redirects included, default 10000. */
  readonly timeoutMs: number;
  /** `ATTACHMENT_MAX_REDIRECTS`: default 3; 0 follows none. */
  readonly maxRedirects: number;
  /** `ATTACHMENT_CONTENT_TYPES`: comma-separated, default (and at most) png, jpeg, gif, webp and avif images. */
  readonly contentTypes: readonly string[];
  /** `ATTACHMENT_MAX_PER_ROOM`: downloads per room and archive, default 50; the rest wait for the next archive. */
  readonly maxPerRoom: number;
  /** `ATTACHMENT_CONCURRENCY`: downloads at once, default 4. */
  readonly concurrency: number;
  /** `ATTACHMENT_BUDGET_MS`: time for a room's whole attachment step, default 15000. */
  readonly budgetMs: number;
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
    attachments: readAttachmentConfig(env),
    finalStatuses: readFinalStatuses(env),
  };
}

/**
 * `HAPPYTALK_FINAL_STATUSES`: the statuses of a finished room, comma-separated
 * among 2 (completed), 3 (deleted) and 4 (chatbot ended); default `2,4`.
 *
 * @throws ConfigurationError naming the variable when the list is not valid
 */
export function readFinalStatuses(env: Environment): FinalStatuses {
  const text = nonEmpty(env.HAPPYTALK_FINAL_STATUSES);
  return text === undefined ? new FinalStatuses() : parseFinalStatuses(text, 'HAPPYTALK_FINAL_STATUSES');
}

/**
 * An optional whole-number variable from `min` to `max`, `fallback` when unset.
 *
 * @throws ConfigurationError naming the variable when it is not such a number
 */
export function readInteger(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

const MAX_ATTACHMENT_BYTES_SETTING = 256 * 1024 * 1024;
const MAX_DURATION_MS_SETTING = 900_000;

/**
 * The attachment step's settings (see {@link AttachmentConfig}), validated.
 *
 * @throws ConfigurationError naming the variable that is malformed or out of range
 */
export function readAttachmentConfig(env: Environment): AttachmentConfig {
  const archiving = nonEmpty(env.ATTACHMENT_ARCHIVING)?.toLowerCase() ?? 'on';
  if (archiving !== 'on' && archiving !== 'off') {
    throw new ConfigurationError(
      `ATTACHMENT_ARCHIVING must be "on" or "off", received ${JSON.stringify(env.ATTACHMENT_ARCHIVING)}`,
    );
  }
  const allowlistText = nonEmpty(env.ATTACHMENT_HOST_ALLOWLIST);
  const hostAllowlist = allowlistText
    ? allowlistText
        .split(',')
        .map((pattern) => pattern.trim())
        .filter((pattern) => pattern !== '')
    : [...DEFAULT_ATTACHMENT_HOST_ALLOWLIST];
  try {
    parseHostAllowlist(hostAllowlist);
  } catch (error) {
    throw new ConfigurationError(`ATTACHMENT_HOST_ALLOWLIST: ${(error as Error).message}`);
  }
  const contentTypesText = nonEmpty(env.ATTACHMENT_CONTENT_TYPES);
  const contentTypes = contentTypesText
    ? contentTypesText
        .split(',')
        .map((type) => type.trim().toLowerCase())
        .filter((type) => type !== '')
    : [...ATTACHMENT_CONTENT_TYPES];
  const refused = contentTypes.find((type) => !ATTACHMENT_CONTENT_TYPES.includes(type));
  if (refused !== undefined || contentTypes.length === 0) {
    throw new ConfigurationError(
      `ATTACHMENT_CONTENT_TYPES must list some of ${ATTACHMENT_CONTENT_TYPES.join(', ')}, received ${JSON.stringify(env.ATTACHMENT_CONTENT_TYPES)}`,
    );
  }
  const integer = (name: string, fallback: number, min: number, max: number): number =>
    readInteger(env, name, fallback, min, max);
  return {
    enabled: archiving === 'on',
    hostAllowlist,
    maxBytes: integer('ATTACHMENT_MAX_BYTES', DEFAULT_MAX_ATTACHMENT_BYTES, 1, MAX_ATTACHMENT_BYTES_SETTING),
    timeoutMs: integer('ATTACHMENT_TIMEOUT_MS', DEFAULT_ATTACHMENT_TIMEOUT_MS, 1, MAX_DURATION_MS_SETTING),
    maxRedirects: integer('ATTACHMENT_MAX_REDIRECTS', DEFAULT_MAX_ATTACHMENT_REDIRECTS, 0, 10),
    contentTypes,
    maxPerRoom: integer('ATTACHMENT_MAX_PER_ROOM', DEFAULT_MAX_ATTACHMENTS_PER_ROOM, 1, 1000),
    concurrency: integer('ATTACHMENT_CONCURRENCY', DEFAULT_ATTACHMENT_CONCURRENCY, 1, 32),
    budgetMs: integer('ATTACHMENT_BUDGET_MS', DEFAULT_ATTACHMENT_BUDGET_MS, 1, MAX_DURATION_MS_SETTING),
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
