/**
 * The environment of each function, once: which variables it reads, how each
 * is read (the parser, its default, the message naming it when it is wrong)
 * and how a value is written. Each function reads its environment through its
 * schema here at its cold start ({@link readEnvironment}); the infrastructure
 * builds each function's environment from the same schema
 * ({@link writeEnvironment}, lib/contract/function-environments.ts); the CLI
 * reads the archive's own variables through the same parsers (lib/config.ts).
 * A schema is a plain object of variables, each a parser and a writer: a
 * bundle loads no schema library at its cold start.
 */
import { DEFAULT_ATTACHMENT_HOST_ALLOWLIST, parseHostAllowlist } from '../attachments/host-allowlist.js';
import {
  DEFAULT_ATTACHMENT_TIMEOUT_MS,
  ATTACHMENT_CONTENT_TYPES as DEFAULT_CONTENT_TYPES,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENT_REDIRECTS,
} from '../attachments/policy.js';
import { ConfigurationError } from '../errors.js';
import { HAPPYTALK_DEV_BASE_URL, HAPPYTALK_PROD_BASE_URL, happyTalkEndpoint } from '../happytalk/endpoint.js';
import { FinalStatuses, parseFinalStatuses } from '../happytalk/finality.js';
import { describeRange, parseWholeNumber } from '../shared/integer.js';
import { assertTimeZone, DEFAULT_TIME_ZONE } from '../transcript/time.js';
import { POWERTOOLS } from './observability.js';
import { COUNSELOR_OPTIONS, type CounselorOption, REDACTION_MASKS, type RedactionMask } from './redaction.js';

export { FinalStatuses } from '../happytalk/finality.js';
/** The one rule a setting that is a whole number is read by (the stack's context values too). */
export { parseWholeNumber } from '../shared/integer.js';
export { COUNSELOR_OPTIONS, type CounselorOption, REDACTION_MASKS, type RedactionMask } from './redaction.js';

/** The HappyTalk host of each environment (`HAPPYTALK_BASE_URL`'s usual values). */
export const HAPPYTALK_BASE_URLS = { prod: HAPPYTALK_PROD_BASE_URL, dev: HAPPYTALK_DEV_BASE_URL } as const;

/**
 * The attachment step's defaults (`ATTACHMENT_*` unset): downloads per room and
 * archive (the others wait for the next archive), downloads at once, and the
 * time for the whole step of one room.
 */
export const ATTACHMENT_DEFAULTS = {
  maxPerRoom: 50,
  concurrency: 4,
  budgetMs: 15_000,
} as const;

/** The longest time setting of a room: Lambda's longest timeout. */
const MAX_DURATION_MS = 900_000;

/** How one variable's text is read; `undefined` when it is unset (or only white space). */
type Parse<T> = (text: string | undefined) => T;

/** One variable: how its text is read, and how a value is written (as `parse` reads it back). */
export interface Variable<T> {
  readonly parse: Parse<T>;
  /** A method (not a function property), so that any variable is a `Variable<unknown>`. */
  format(value: NonNullable<T>): string;
}

/** Some variables by name: what one function (or one part of the CLI) reads. */
export type EnvironmentSchema = Readonly<Record<string, Variable<unknown>>>;

/**
 * One variable, `name`: its text read by `parse` (which throws a
 * ConfigurationError naming it), a value written by `format`. Each variable is
 * a constant of its own, so that a bundle holds the parsers of its function's
 * variables only.
 */
function variable<T>(parse: Parse<T>, format: (value: NonNullable<T>) => string = String): Variable<T> {
  return { parse, format };
}

/** The text, trimmed; undefined when unset or blank. */
function given(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function text() {
  return variable<string | undefined>(given);
}

function textOr(fallback: string) {
  return variable<string>((value) => given(value) ?? fallback);
}

function required(name: string, missing: string) {
  return variable<string>((value) => {
    const found = given(value);
    if (found === undefined) throw new ConfigurationError(`${name} is not set: ${missing}`);
    return found;
  });
}

/** `on` or `off` (any case), `fallback` when unset. */
function onOff(name: string, fallback: 'on' | 'off') {
  return variable<boolean>(
    (value) => {
      const setting = given(value)?.toLowerCase() ?? fallback;
      if (setting !== 'on' && setting !== 'off') {
        throw new ConfigurationError(`${name} must be "on" or "off", received ${JSON.stringify(value)}`);
      }
      return setting === 'on';
    },
    (enabled) => (enabled ? 'on' : 'off'),
  );
}

/** One of `choices`, `fallback` when unset. */
function oneOf<const T extends string>(name: string, choices: readonly T[], fallback: T) {
  return variable<T>((value) => {
    const choice = given(value) ?? fallback;
    if (!(choices as readonly string[]).includes(choice)) {
      throw new ConfigurationError(
        `${name} must be one of ${choices.join(', ')}, received ${JSON.stringify(value)}`,
      );
    }
    return choice as T;
  });
}

function readInteger(value: string | undefined, name: string, min: number, max: number): number | undefined {
  const raw = given(value);
  if (raw === undefined) return undefined;
  const parsed = parseWholeNumber(raw);
  if (parsed === undefined || parsed < min || parsed > max) {
    throw new ConfigurationError(
      `${name} must be an integer ${describeRange(min, max)}, received ${JSON.stringify(raw)}`,
    );
  }
  return parsed;
}

/** A whole number from `min` to `max`, `fallback` when unset. */
function integer(name: string, fallback: number, min: number, max: number) {
  return variable<number>((value) => readInteger(value, name, min, max) ?? fallback);
}

/** A whole number of at least 1, or unset: the reader's own default applies. */
function positiveInteger(name: string) {
  return variable<number | undefined>((value) => readInteger(value, name, 1, Number.MAX_SAFE_INTEGER));
}

/** A comma-separated list, each item trimmed (and as `each` maps it), blanks left out; undefined when unset. */
function list(
  value: string | undefined,
  each: (item: string) => string = (item) => item,
): string[] | undefined {
  return given(value)
    ?.split(',')
    .map((item) => each(item.trim()))
    .filter((item) => item !== '');
}

const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

// Every variable the archive reads. `/* @__PURE__ */`: a bundle keeps only the variables its function reads.

const ARCHIVE_BUCKET = /* @__PURE__ */ variable<string>((value) => {
  const bucket = given(value);
  if (!bucket) throw new ConfigurationError('ARCHIVE_BUCKET is not set: name the archive bucket');
  if (!S3_BUCKET_NAME.test(bucket)) {
    throw new ConfigurationError(`ARCHIVE_BUCKET ${JSON.stringify(bucket)} is not a valid S3 bucket name`);
  }
  return bucket;
});
const HAPPYTALK_BASE_URL = /* @__PURE__ */ variable<string>((value) => {
  const baseUrl = given(value) ?? HAPPYTALK_PROD_BASE_URL;
  happyTalkEndpoint(baseUrl, '');
  return baseUrl;
});
const HAPPYTALK_TIMEZONE = /* @__PURE__ */ variable<string>((value) => {
  const timeZone = given(value) ?? DEFAULT_TIME_ZONE;
  try {
    assertTimeZone(timeZone);
  } catch (error) {
    throw new ConfigurationError(`HAPPYTALK_TIMEZONE: ${(error as Error).message}`);
  }
  return timeZone;
});
/** The secret holding the token; the functions require it (lib/config.ts says so, naming it). */
const HAPPYTALK_SECRET_ID = /* @__PURE__ */ text();
/** For local use only (the CLI, the local stack): the token itself, and the client credentials. */
const HAPPYTALK_TOKEN = /* @__PURE__ */ text();
const HAPPYTALK_CLIENT_ID = /* @__PURE__ */ text();
const HAPPYTALK_CLIENT_SECRET = /* @__PURE__ */ text();
const HAPPYTALK_FINAL_STATUSES = /* @__PURE__ */ variable<FinalStatuses>(
  (value) => {
    const codes = given(value);
    return codes === undefined ? new FinalStatuses() : parseFinalStatuses(codes, 'HAPPYTALK_FINAL_STATUSES');
  },
  (statuses) => statuses.toString(),
);
const ATTACHMENT_ARCHIVING = /* @__PURE__ */ onOff('ATTACHMENT_ARCHIVING', 'on');
const ATTACHMENT_HOST_ALLOWLIST = /* @__PURE__ */ variable<readonly string[]>(
  (value) => {
    const patterns = list(value) ?? [...DEFAULT_ATTACHMENT_HOST_ALLOWLIST];
    try {
      parseHostAllowlist(patterns);
    } catch (error) {
      throw new ConfigurationError(`ATTACHMENT_HOST_ALLOWLIST: ${(error as Error).message}`);
    }
    return patterns;
  },
  (patterns) => patterns.join(','),
);
const ATTACHMENT_CONTENT_TYPES = /* @__PURE__ */ variable<readonly string[]>(
  (value) => {
    const types = list(value, (item) => item.toLowerCase()) ?? [...DEFAULT_CONTENT_TYPES];
    if (types.length === 0 || types.some((type) => !DEFAULT_CONTENT_TYPES.includes(type))) {
      throw new ConfigurationError(
        `ATTACHMENT_CONTENT_TYPES must list some of ${DEFAULT_CONTENT_TYPES.join(', ')}, received ${JSON.stringify(value)}`,
      );
    }
    return types;
  },
  (types) => types.join(','),
);
const ATTACHMENT_MAX_BYTES = /* @__PURE__ */ integer(
  'ATTACHMENT_MAX_BYTES',
  DEFAULT_MAX_ATTACHMENT_BYTES,
  1,
  256 * 1024 * 1024,
);
const ATTACHMENT_TIMEOUT_MS = /* @__PURE__ */ integer(
  'ATTACHMENT_TIMEOUT_MS',
  DEFAULT_ATTACHMENT_TIMEOUT_MS,
  1,
  MAX_DURATION_MS,
);
const ATTACHMENT_MAX_REDIRECTS = /* @__PURE__ */ integer(
  'ATTACHMENT_MAX_REDIRECTS',
  DEFAULT_MAX_ATTACHMENT_REDIRECTS,
  0,
  10,
);
const ATTACHMENT_MAX_PER_ROOM = /* @__PURE__ */ integer(
  'ATTACHMENT_MAX_PER_ROOM',
  ATTACHMENT_DEFAULTS.maxPerRoom,
  1,
  1000,
);
const ATTACHMENT_CONCURRENCY = /* @__PURE__ */ integer(
  'ATTACHMENT_CONCURRENCY',
  ATTACHMENT_DEFAULTS.concurrency,
  1,
  32,
);
const ATTACHMENT_BUDGET_MS = /* @__PURE__ */ integer(
  'ATTACHMENT_BUDGET_MS',
  ATTACHMENT_DEFAULTS.budgetMs,
  1,
  MAX_DURATION_MS,
);
/** Whether every archive writes the redacted copy of its transcript beside it. */
const REDACTED_COPY = /* @__PURE__ */ onOff('REDACTED_COPY', 'on');
/** The secret holding the pseudonym key of the redacted copies (created by the stack). */
const REDACTION_KEY_SECRET_ID = /* @__PURE__ */ text();
/** For local use only (the CLI): the pseudonym key itself. */
const REDACTION_KEY = /* @__PURE__ */ text();
const REDACTION_MASK = /* @__PURE__ */ oneOf<RedactionMask>('REDACTION_MASK', REDACTION_MASKS, 'type');
const REDACTION_COUNSELORS = /* @__PURE__ */ oneOf<CounselorOption>(
  'REDACTION_COUNSELORS',
  COUNSELOR_OPTIONS,
  'keep',
);
/** The HappyTalk client's tuning (derived from the function's timeout by the stack). */
const HAPPYTALK_TIMEOUT_MS = /* @__PURE__ */ positiveInteger('HAPPYTALK_TIMEOUT_MS');
const HAPPYTALK_MAX_ATTEMPTS = /* @__PURE__ */ positiveInteger('HAPPYTALK_MAX_ATTEMPTS');
const HAPPYTALK_MAX_DELAY_MS = /* @__PURE__ */ positiveInteger('HAPPYTALK_MAX_DELAY_MS');
const HAPPYTALK_RETRY_BUDGET_MS = /* @__PURE__ */ positiveInteger('HAPPYTALK_RETRY_BUDGET_MS');
const HAPPYTALK_SECRET_MAX_AGE_MS = /* @__PURE__ */ positiveInteger('HAPPYTALK_SECRET_MAX_AGE_MS');
const ROOM_STORAGE_MARGIN_MS = /* @__PURE__ */ positiveInteger('ROOM_STORAGE_MARGIN_MS');
const ARCHIVE_DLQ_URL = /* @__PURE__ */ required('ARCHIVE_DLQ_URL', 'name the dead-letter queue URL');
const ARCHIVE_QUEUE_URL = /* @__PURE__ */ required('ARCHIVE_QUEUE_URL', 'name the archive queue URL');
const COMPLETION_MAX_ATTEMPTS = /* @__PURE__ */ integer(
  'COMPLETION_MAX_ATTEMPTS',
  4,
  1,
  Number.MAX_SAFE_INTEGER,
);
const COMPLETION_BASE_DELAY_SECONDS = /* @__PURE__ */ integer('COMPLETION_BASE_DELAY_SECONDS', 30, 1, 900);
const WATCH_INTERVAL_SECONDS = /* @__PURE__ */ integer('WATCH_INTERVAL_SECONDS', 300, 1, 86_400);
const WATCH_OVERLAP_MINUTES = /* @__PURE__ */ integer('WATCH_OVERLAP_MINUTES', 10, 0, 1440);
const WATCH_LOOKBACK_DAYS = /* @__PURE__ */ integer('WATCH_LOOKBACK_DAYS', 7, 1, 31);
const RECONCILE_WINDOW_DAYS = /* @__PURE__ */ integer('RECONCILE_WINDOW_DAYS', 2, 1, 31);
const RECONCILE_GRACE_MINUTES = /* @__PURE__ */ integer('RECONCILE_GRACE_MINUTES', 30, 0, 1440);
const RETRIEVAL_INLINE_MAX_BYTES = /* @__PURE__ */ integer(
  'RETRIEVAL_INLINE_MAX_BYTES',
  4 * 1024 * 1024,
  1,
  Number.MAX_SAFE_INTEGER,
);
const RETRIEVAL_URL_TTL_SECONDS = /* @__PURE__ */ integer(
  'RETRIEVAL_URL_TTL_SECONDS',
  60,
  1,
  Number.MAX_SAFE_INTEGER,
);
const POWERTOOLS_SERVICE_NAME = /* @__PURE__ */ textOr(POWERTOOLS.serviceName);
const POWERTOOLS_METRICS_NAMESPACE = /* @__PURE__ */ textOr(POWERTOOLS.metricsNamespace);
const POWERTOOLS_LOG_LEVEL = /* @__PURE__ */ textOr(POWERTOOLS.logLevel);
/** Node.js's own (the stack turns source maps on). */
const NODE_OPTIONS = /* @__PURE__ */ text();

/** The bucket alone. */
export const BUCKET_ENVIRONMENT = { ARCHIVE_BUCKET };
/** HappyTalk's host and zone alone: what normalizing needs, without S3. */
export const UPSTREAM_ENVIRONMENT = { HAPPYTALK_BASE_URL, HAPPYTALK_TIMEZONE };
/** Where the HappyTalk credentials are. */
export const CREDENTIALS_ENVIRONMENT = {
  HAPPYTALK_SECRET_ID,
  HAPPYTALK_TOKEN,
  HAPPYTALK_CLIENT_ID,
  HAPPYTALK_CLIENT_SECRET,
};
/** The statuses of a finished room alone. */
export const FINAL_STATUSES_ENVIRONMENT = { HAPPYTALK_FINAL_STATUSES };
/** The attachment step alone. */
export const ATTACHMENT_ENVIRONMENT = /* @__PURE__ */ attachmentVariables();
/** The redacted copy's settings, as the archiving functions read them (never a key itself). */
function redactionVariables() {
  return { REDACTED_COPY, REDACTION_KEY_SECRET_ID, REDACTION_MASK, REDACTION_COUNSELORS };
}

function attachmentVariables() {
  return {
    ATTACHMENT_ARCHIVING,
    ATTACHMENT_HOST_ALLOWLIST,
    ATTACHMENT_CONTENT_TYPES,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TIMEOUT_MS,
    ATTACHMENT_MAX_REDIRECTS,
    ATTACHMENT_MAX_PER_ROOM,
    ATTACHMENT_CONCURRENCY,
    ATTACHMENT_BUDGET_MS,
  };
}

/**
 * The archive's own variables, which the CLI reads too: the bucket, HappyTalk
 * (host, zone, credentials), the attachment step and the final statuses. In
 * this order, so that the first problem named is the one read first.
 */
function archiveVariables() {
  return {
    ARCHIVE_BUCKET,
    HAPPYTALK_BASE_URL,
    HAPPYTALK_TIMEZONE,
    HAPPYTALK_SECRET_ID,
    HAPPYTALK_TOKEN,
    HAPPYTALK_CLIENT_ID,
    HAPPYTALK_CLIENT_SECRET,
    ...attachmentVariables(),
    HAPPYTALK_FINAL_STATUSES,
  };
}

function watchVariables() {
  return { WATCH_INTERVAL_SECONDS, WATCH_OVERLAP_MINUTES, WATCH_LOOKBACK_DAYS };
}

function powertoolsVariables() {
  return { POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL, NODE_OPTIONS };
}

function clientVariables() {
  return { HAPPYTALK_TIMEOUT_MS, HAPPYTALK_MAX_ATTEMPTS, HAPPYTALK_MAX_DELAY_MS, HAPPYTALK_RETRY_BUDGET_MS };
}

function archivingVariables() {
  return {
    ...archiveVariables(),
    ...redactionVariables(),
    ...clientVariables(),
    HAPPYTALK_SECRET_MAX_AGE_MS,
    ROOM_STORAGE_MARGIN_MS,
    ...powertoolsVariables(),
  };
}

type None = Record<never, never>;

/** The schema of the variables of these groups, in their order. */
function schema<
  A extends EnvironmentSchema,
  B extends EnvironmentSchema = None,
  C extends EnvironmentSchema = None,
  D extends EnvironmentSchema = None,
  E extends EnvironmentSchema = None,
>(a: A, b?: B, c?: C, d?: D, e?: E): A & B & C & D & E {
  return Object.assign({}, a, b, c, d, e) as A & B & C & D & E;
}

// `/* @__PURE__ */` on each call, and no spread at the top level: a bundle keeps only the schemas
// (and so the variables) it reads.

/** The archive's own variables (see `archiveVariables`). */
export const ARCHIVE_ENVIRONMENT = /* @__PURE__ */ schema(/* @__PURE__ */ archiveVariables());
/** The redacted copy, as the CLI reads it: the functions' variables and the local key. */
export const REDACTION_ENVIRONMENT = /* @__PURE__ */ schema(/* @__PURE__ */ redactionVariables(), {
  REDACTION_KEY,
});
/** The completion watcher's settings (the CLI's `watch` reads them too). */
export const WATCH_ENVIRONMENT = /* @__PURE__ */ schema(/* @__PURE__ */ watchVariables());
/** What `http-api` reads. */
export const HTTP_API_ENVIRONMENT = /* @__PURE__ */ schema(/* @__PURE__ */ archivingVariables());
/** What `archive-events` reads. */
export const ARCHIVE_EVENTS_ENVIRONMENT = /* @__PURE__ */ schema(/* @__PURE__ */ archivingVariables(), {
  ARCHIVE_DLQ_URL,
  COMPLETION_MAX_ATTEMPTS,
  COMPLETION_BASE_DELAY_SECONDS,
});
/** What `retrieval-api` reads. */
export const RETRIEVAL_API_ENVIRONMENT = /* @__PURE__ */ schema(
  { ARCHIVE_BUCKET, RETRIEVAL_INLINE_MAX_BYTES, RETRIEVAL_URL_TTL_SECONDS },
  /* @__PURE__ */ powertoolsVariables(),
);
/** What `reconcile` reads. */
export const RECONCILE_ENVIRONMENT = /* @__PURE__ */ schema(
  /* @__PURE__ */ archiveVariables(),
  { ARCHIVE_QUEUE_URL, RECONCILE_WINDOW_DAYS, RECONCILE_GRACE_MINUTES },
  /* @__PURE__ */ powertoolsVariables(),
);
/** What `completion-watcher` reads. */
export const COMPLETION_WATCHER_ENVIRONMENT = /* @__PURE__ */ schema(
  /* @__PURE__ */ archiveVariables(),
  /* @__PURE__ */ clientVariables(),
  { ARCHIVE_QUEUE_URL },
  /* @__PURE__ */ watchVariables(),
  /* @__PURE__ */ powertoolsVariables(),
);

/** A schema of some variables: what it reads them into. */
export type EnvironmentOf<S extends EnvironmentSchema> = {
  -readonly [K in keyof S]: S[K] extends Variable<infer T> ? T : never;
};

/** Process-like environment text: `process.env`, or a map of a test or the local stack. */
export type EnvironmentText = Readonly<Record<string, string | undefined>>;

/**
 * Reads the variables of `schema` from `env`, each by its parser, in the
 * schema's order (other variables are left alone; one read as undefined is left out).
 *
 * @throws ConfigurationError naming the first variable that is missing or malformed
 */
export function readEnvironment<S extends EnvironmentSchema>(
  schema: S,
  env: EnvironmentText,
): EnvironmentOf<S> {
  const variables: Record<string, unknown> = {};
  for (const [name, codec] of Object.entries(schema)) {
    const value = codec.parse(env[name]);
    if (value !== undefined) variables[name] = value;
  }
  return variables as EnvironmentOf<S>;
}

/**
 * The environment variables that give a function of `schema` these values,
 * each written as its parser reads it back; a value left out (or undefined) is
 * not set, so the function takes its default. A name the schema does not have
 * does not compile.
 */
export function writeEnvironment<S extends EnvironmentSchema>(
  schema: S,
  values: Partial<EnvironmentOf<S>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const codec = Object.hasOwn(schema, name) ? schema[name] : undefined;
    if (value === undefined || value === null || codec === undefined) continue;
    environment[name] = codec.format(value);
  }
  return environment;
}
