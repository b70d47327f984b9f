/**
 * The archive's configuration, read from its environment variables through
 * the contract's parsers (lib/contract/environment.ts): what the functions and
 * the CLI build their services from.
 */
import {
  ARCHIVE_ENVIRONMENT,
  ATTACHMENT_ENVIRONMENT,
  BUCKET_ENVIRONMENT,
  type CounselorOption,
  CREDENTIALS_ENVIRONMENT,
  type EnvironmentOf,
  type EnvironmentText,
  FINAL_STATUSES_ENVIRONMENT,
  REDACTION_ENVIRONMENT,
  type RedactionMask,
  readEnvironment,
  UPSTREAM_ENVIRONMENT,
} from './contract/environment.js';
import { ConfigurationError } from './errors.js';
import type { FinalStatuses } from './happytalk/finality.js';

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

/**
 * The redacted copy every archive writes beside its transcript
 * (`redacted/…`, for analytics).
 */
export interface RedactionConfig {
  /** `REDACTED_COPY`: `on` (default) or `off`. */
  readonly enabled: boolean;
  /**
   * Where the pseudonym key is: `REDACTION_KEY_SECRET_ID`, or (local use only)
   * `REDACTION_KEY`. Undefined when neither is set and the reader allows it
   * (the CLI): copies are then left pending, never made without a key.
   */
  readonly key: RedactionKeySource | undefined;
  /** `REDACTION_MASK`: `type` (default) or `pii`. */
  readonly mask: RedactionMask;
  /** `REDACTION_COUNSELORS`: `keep` (default) or `pseudonymize`. */
  readonly counselors: CounselorOption;
}

/** Where the pseudonym key comes from: its Secrets Manager secret, or (local use only) the environment. */
export type RedactionKeySource =
  | { readonly kind: 'secret'; readonly secretId: string }
  | { readonly kind: 'local'; readonly key: string };

export type Environment = EnvironmentText;

/** The archive's variables, read. */
export type ArchiveVariables = EnvironmentOf<typeof ARCHIVE_ENVIRONMENT>;

/**
 * Reads and validates the archive's configuration from environment variables,
 * failing fast with a message that names the missing or malformed variable.
 *
 * @param options.allowLocalToken accept `HAPPYTALK_TOKEN` when no secret id is
 *   set (the CLI and the local stack; never the Lambda functions)
 */
export function readArchiveConfig(env: Environment, options: { allowLocalToken: boolean }): ArchiveConfig {
  return archiveConfigOf(readEnvironment(ARCHIVE_ENVIRONMENT, env), options);
}

/** The configuration of the archive's variables once read (a function reads them with the rest of its own). */
export function archiveConfigOf(
  variables: ArchiveVariables,
  options: { allowLocalToken: boolean },
): ArchiveConfig {
  return {
    bucket: variables.ARCHIVE_BUCKET,
    baseUrl: variables.HAPPYTALK_BASE_URL,
    timeZone: variables.HAPPYTALK_TIMEZONE,
    credentials: credentialsSourceOf(variables, options),
    attachments: attachmentConfigOf(variables),
    finalStatuses: variables.HAPPYTALK_FINAL_STATUSES,
  };
}

/**
 * `HAPPYTALK_FINAL_STATUSES`: the statuses of a finished room, comma-separated
 * among 2 (completed), 3 (deleted) and 4 (chatbot ended); default `2,4`.
 *
 * @throws ConfigurationError naming the variable when the list is not valid
 */
export function readFinalStatuses(env: Environment): FinalStatuses {
  return readEnvironment(FINAL_STATUSES_ENVIRONMENT, env).HAPPYTALK_FINAL_STATUSES;
}

/**
 * The attachment step's settings (see {@link AttachmentConfig}), validated.
 *
 * @throws ConfigurationError naming the variable that is malformed or out of range
 */
export function readAttachmentConfig(env: Environment): AttachmentConfig {
  return attachmentConfigOf(readEnvironment(ATTACHMENT_ENVIRONMENT, env));
}

function attachmentConfigOf(variables: EnvironmentOf<typeof ATTACHMENT_ENVIRONMENT>): AttachmentConfig {
  return {
    enabled: variables.ATTACHMENT_ARCHIVING,
    hostAllowlist: variables.ATTACHMENT_HOST_ALLOWLIST,
    maxBytes: variables.ATTACHMENT_MAX_BYTES,
    timeoutMs: variables.ATTACHMENT_TIMEOUT_MS,
    maxRedirects: variables.ATTACHMENT_MAX_REDIRECTS,
    contentTypes: variables.ATTACHMENT_CONTENT_TYPES,
    maxPerRoom: variables.ATTACHMENT_MAX_PER_ROOM,
    concurrency: variables.ATTACHMENT_CONCURRENCY,
    budgetMs: variables.ATTACHMENT_BUDGET_MS,
  };
}

/** The settings needed to call HappyTalk and normalize, without S3. */
export function readUpstreamConfig(env: Environment): { baseUrl: string; timeZone: string } {
  const variables = readEnvironment(UPSTREAM_ENVIRONMENT, env);
  return { baseUrl: variables.HAPPYTALK_BASE_URL, timeZone: variables.HAPPYTALK_TIMEZONE };
}

/** `ARCHIVE_BUCKET`, checked against S3's bucket naming rules. */
export function readBucket(env: Environment): string {
  return readEnvironment(BUCKET_ENVIRONMENT, env).ARCHIVE_BUCKET;
}

/** Where the HappyTalk credentials are: `HAPPYTALK_SECRET_ID`, or (local use only) `HAPPYTALK_TOKEN`. */
export function readCredentialsSource(
  env: Environment,
  options: { allowLocalToken: boolean },
): CredentialsSource {
  return credentialsSourceOf(readEnvironment(CREDENTIALS_ENVIRONMENT, env), options);
}

type CredentialVariables = Pick<
  ArchiveVariables,
  'HAPPYTALK_SECRET_ID' | 'HAPPYTALK_TOKEN' | 'HAPPYTALK_CLIENT_ID' | 'HAPPYTALK_CLIENT_SECRET'
>;

function credentialsSourceOf(
  variables: CredentialVariables,
  options: { allowLocalToken: boolean },
): CredentialsSource {
  const { HAPPYTALK_SECRET_ID: secretId, HAPPYTALK_TOKEN: token } = variables;
  if (secretId) return { kind: 'secret', secretId };
  if (token && options.allowLocalToken) {
    const { HAPPYTALK_CLIENT_ID: clientId, HAPPYTALK_CLIENT_SECRET: clientSecret } = variables;
    return { kind: 'token', token, ...(clientId && clientSecret ? { clientId, clientSecret } : {}) };
  }
  throw new ConfigurationError(
    options.allowLocalToken
      ? 'HAPPYTALK_SECRET_ID is not set (or, for local use, HAPPYTALK_TOKEN): say where the HappyTalk token is'
      : 'HAPPYTALK_SECRET_ID is not set: name the Secrets Manager secret that holds the HappyTalk token',
  );
}

/**
 * The redacted copy's settings (see {@link RedactionConfig}).
 *
 * @param options.allowLocalKey the CLI: accept `REDACTION_KEY` when no secret
 *   id is set, and no key at all (the copies are then pending). The functions
 *   read only the secret, and a copy that is on needs it.
 * @throws ConfigurationError naming the variable that is malformed, or (functions) the missing secret id
 */
export function readRedactionConfig(env: Environment, options: { allowLocalKey: boolean }): RedactionConfig {
  return redactionConfigOf(readEnvironment(REDACTION_ENVIRONMENT, env), options);
}

/** The redacted copy's settings once read (a function reads them with the rest of its own). */
export function redactionConfigOf(
  variables: Pick<
    EnvironmentOf<typeof REDACTION_ENVIRONMENT>,
    'REDACTED_COPY' | 'REDACTION_KEY_SECRET_ID' | 'REDACTION_MASK' | 'REDACTION_COUNSELORS'
  > &
    Partial<Pick<EnvironmentOf<typeof REDACTION_ENVIRONMENT>, 'REDACTION_KEY'>>,
  options: { allowLocalKey: boolean },
): RedactionConfig {
  const secretId = variables.REDACTION_KEY_SECRET_ID;
  const localKey = options.allowLocalKey ? variables.REDACTION_KEY : undefined;
  const key: RedactionKeySource | undefined = secretId
    ? { kind: 'secret', secretId }
    : localKey
      ? { kind: 'local', key: localKey }
      : undefined;
  if (variables.REDACTED_COPY && key === undefined && !options.allowLocalKey) {
    throw new ConfigurationError(
      'REDACTION_KEY_SECRET_ID is not set: name the secret holding the pseudonym key of the redacted copies, ' +
        'or set REDACTED_COPY=off',
    );
  }
  return {
    enabled: variables.REDACTED_COPY,
    key,
    mask: variables.REDACTION_MASK,
    counselors: variables.REDACTION_COUNSELORS,
  };
}
