import { backOff } from 'exponential-backoff';
import type { CredentialsProvider, HappyTalkCredentials } from '../credentials/provider.js';
import { ConfigurationError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { TRANSPORT_DEFAULTS } from './deadline.js';
import { HAPPYTALK_PROD_BASE_URL, happyTalkEndpoint } from './endpoint.js';

export { HAPPYTALK_DEV_BASE_URL, HAPPYTALK_PROD_BASE_URL, happyTalkEndpoint } from './endpoint.js';

import {
  HappyTalkAuthError,
  HappyTalkEchoError,
  type HappyTalkError,
  HappyTalkRedirectError,
  HappyTalkRequestError,
  HappyTalkUnavailableError,
} from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  readonly maxAttempts?: number;
  /** Upper bound of the first backoff delay in ms (default 200); each retry doubles it. */
  readonly baseDelayMs?: number;
  /** Upper bound of any single delay in ms (default 5,000). */
  readonly maxDelayMs?: number;
  /** No retry starts once this many ms have passed since the first attempt (default 20,000). */
  readonly totalBudgetMs?: number;
}

export interface HappyTalkTransportOptions {
  readonly credentials: CredentialsProvider;
  /** Default {@link HAPPYTALK_PROD_BASE_URL}. */
  readonly baseUrl?: string;
  /** Per-attempt timeout in ms, covering the whole response body (default 10,000). */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  readonly logger?: Logger;
  /** The fetch implementation (default the global one, which keeps connections alive). */
  readonly fetch?: typeof fetch;
  /** Clock for the retry budget and `Retry-After` dates, for tests. */
  readonly now?: () => number;
}

/**
 * Admits HappyTalk requests: runs `task` (one request, its answer read whole)
 * when the gate lets it, e.g. a p-queue's `add` with a concurrency and a rate.
 * Retries pass the gate again; the waits between them hold no place in it.
 */
export type RequestGate = <T>(task: () => Promise<T>) => Promise<T>;

/** Options of one call. */
export interface CallOptions {
  /** Each attempt's request goes through this gate (default: at once). */
  readonly gate?: RequestGate;
}

/** One answered call: the parsed value and facts about the exchange. */
export interface HappyTalkCall<T> {
  readonly value: T;
  /** The exact response bytes. */
  readonly bytes: Uint8Array;
  readonly endpoint: string;
  readonly fetchedAt: Date;
  /** Attempts made, the successful one included. */
  readonly attempts: number;
  /** Time spent in the successful attempt, in ms. */
  readonly latencyMs: number;
}

/**
 * POSTs JSON bodies signed with the company token to one HappyTalk endpoint,
 * with the error handling and retries of the `chat_data` client: transient
 * failures (HTTP 5xx and 429, timeouts, connection errors, and whatever the
 * `parse` callback reports as {@link HappyTalkUnavailableError}) are retried
 * with exponential backoff and full jitter, within an attempt count and a time
 * budget; everything else is thrown at once.
 *
 * The credentials go to the configured endpoint only: redirects are never
 * followed (a 3xx is a {@link HappyTalkRedirectError} naming the status and the
 * `Location` host, nothing else of it), and an answer that holds the token or
 * the client secret is refused ({@link HappyTalkEchoError}). A `Retry-After`
 * (seconds or an HTTP date) on 429 and 503 is waited before the next attempt
 * (then the backoff's own delay) when it fits the time budget; a longer one
 * ends the call at once, retryable. Messages never carry the token, nor any
 * text of the answer.
 */
export class HappyTalkTransport {
  readonly endpoint: string;
  readonly #credentials: CredentialsProvider;
  readonly #timeoutMs: number;
  readonly #retry: Required<RetryOptions>;
  readonly #logger: Logger;
  readonly #fetch: typeof fetch | undefined;
  readonly #now: () => number;

  constructor(path: string, options: HappyTalkTransportOptions) {
    this.endpoint = happyTalkEndpoint(options.baseUrl ?? HAPPYTALK_PROD_BASE_URL, path);
    this.#credentials = options.credentials;
    this.#timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? TRANSPORT_DEFAULTS.requestTimeoutMs);
    this.#retry = {
      maxAttempts: positiveInteger('retry.maxAttempts', options.retry?.maxAttempts ?? 4),
      baseDelayMs: positiveInteger('retry.baseDelayMs', options.retry?.baseDelayMs ?? 200),
      maxDelayMs: positiveInteger(
        'retry.maxDelayMs',
        options.retry?.maxDelayMs ?? TRANSPORT_DEFAULTS.maxBackoffMs,
      ),
      totalBudgetMs: positiveInteger(
        'retry.totalBudgetMs',
        options.retry?.totalBudgetMs ?? TRANSPORT_DEFAULTS.retryBudgetMs,
      ),
    };
    this.#logger = options.logger ?? silentLogger;
    // Not the global fetch yet: reading it loads Node.js's HTTP client (undici), about 9 ms of a cold
    // start that may never call HappyTalk (a refused request, a GET); the first call pays it.
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Sends `{token, ...fields}` and parses the answer, retrying transient failures.
   *
   * @param subject what the call is about, for messages and logs (never the token)
   * @param parse classifies the body: returns the value (or a promise of it) or throws a {@link HappyTalkError}
   * @param options.gate admits each attempt's request (see {@link RequestGate})
   * @throws HappyTalkUnavailableError once retries are exhausted (with `attempts`)
   * @throws the non-retryable errors of `parse`, HappyTalkAuthError and
   *   HappyTalkRequestError for HTTP 401/403 and other 4xx
   */
  async call<T>(
    fields: Record<string, unknown>,
    subject: string,
    parse: (bytes: Uint8Array) => T | Promise<T>,
    options: CallOptions = {},
  ): Promise<HappyTalkCall<T>> {
    const credentials = await this.#credentials.getCredentials();
    const gate = options.gate;
    const post = () => this.#post(fields, subject, credentials);
    const started = this.#now();
    let attempts = 0;
    try {
      return await backOff(
        async () => {
          attempts += 1;
          const fetchedAt = new Date(this.#now());
          const clock = performance.now();
          const bytes = await (gate ? gate(post) : post());
          const value = await parse(bytes);
          const latencyMs = performance.now() - clock;
          return { value, bytes, endpoint: this.endpoint, fetchedAt, attempts, latencyMs };
        },
        {
          numOfAttempts: this.#retry.maxAttempts,
          startingDelay: this.#retry.baseDelayMs,
          timeMultiple: 2,
          maxDelay: this.#retry.maxDelayMs,
          jitter: 'full',
          delayFirstAttempt: false,
          retry: async (error: unknown, attemptNumber: number) => {
            const elapsed = this.#now() - started;
            if (
              !(error instanceof HappyTalkUnavailableError) ||
              attemptNumber >= this.#retry.maxAttempts ||
              elapsed >= this.#retry.totalBudgetMs
            ) {
              return false;
            }
            const wait = error.retryAfterMs ?? 0;
            if (elapsed + wait >= this.#retry.totalBudgetMs) {
              throw new HappyTalkUnavailableError(
                `HappyTalk asked to wait ${Math.ceil(wait / 1000)} s before retrying ${subject}, beyond the retry budget`,
                { retryAfterMs: wait },
              );
            }
            this.#logger.warn('HappyTalk request failed; retrying', {
              endpoint: this.endpoint,
              subject,
              attempt: attemptNumber,
              ...(wait > 0 ? { retry_after_ms: wait } : {}),
              error: `${error.name}: ${error.message}`,
            });
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            return true;
          },
        },
      );
    } catch (error) {
      if (error instanceof HappyTalkUnavailableError) error.attempts = attempts;
      throw error;
    }
  }

  async #post(
    fields: Record<string, unknown>,
    subject: string,
    credentials: HappyTalkCredentials,
  ): Promise<Uint8Array> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
    };
    if (credentials.clientId !== undefined && credentials.clientSecret !== undefined) {
      headers['HT-Client-Id'] = credentials.clientId;
      headers['HT-Client-Secret'] = credentials.clientSecret;
    }
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await (this.#fetch ?? fetch)(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...fields, token: credentials.token }),
        // The body and headers carry the credentials: they go to this endpoint or nowhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      bytes = await readBody(response);
    } catch (error) {
      throw new HappyTalkUnavailableError(
        `HappyTalk request for ${subject} failed: ${describeFetchFailure(error, this.#timeoutMs)}`,
        { cause: stripRequest(error) },
      );
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      if (holdsCredentials(bytes, credentials)) {
        throw new HappyTalkEchoError(
          `HappyTalk's answer for ${subject} holds the credentials of the request (an upstream that echoes requests): not archived; check the base URL`,
        );
      }
      return bytes;
    }
    if (status >= 300 && status < 400) {
      throw new HappyTalkRedirectError(
        `HappyTalk answered HTTP ${status} for ${subject}, redirecting to ${locationHost(response.headers.get('location'), this.endpoint, credentials)}: redirects are not followed, since the request carries the credentials; check the base URL`,
      );
    }
    throw httpStatusError(
      status,
      subject,
      retryAfterMs(status, response.headers.get('retry-after'), this.#now()),
    );
  }
}

/**
 * The whole body, as bytes. With a `Content-Length`, they are read straight
 * into one buffer of that size: `arrayBuffer()` holds the chunks received and
 * their concatenation at once, twice a large answer (100 MiB for a 50 MiB
 * room). A body that turns out longer or shorter than announced, or comes
 * without a length, is joined from its chunks.
 */
async function readBody(response: Response): Promise<Uint8Array> {
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (response.body === null || !Number.isSafeInteger(announced) || announced < 0) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const bytes = new Uint8Array(announced);
  let filled = 0;
  // What does not fit what was announced, in order after the `filled` bytes.
  const beyond: Uint8Array[] = [];
  for await (const chunk of response.body) {
    if (beyond.length === 0 && filled + chunk.byteLength <= announced) {
      bytes.set(chunk, filled);
      filled += chunk.byteLength;
    } else {
      beyond.push(chunk);
    }
  }
  if (filled === announced && beyond.length === 0) return bytes;
  const joined = Buffer.concat([bytes.subarray(0, filled), ...beyond]);
  return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
}

function httpStatusError(status: number, subject: string, retryAfter: number | undefined): HappyTalkError {
  const said = `HappyTalk answered HTTP ${status} for ${subject}`;
  if (status === 429 || status >= 500) {
    return new HappyTalkUnavailableError(
      retryAfter === undefined ? said : `${said} (Retry-After ${Math.ceil(retryAfter / 1000)} s)`,
      { retryAfterMs: retryAfter },
    );
  }
  if (status === 401 || status === 403) return new HappyTalkAuthError(`${said}: check the credentials`);
  return new HappyTalkRequestError(`${said}: check the base URL`);
}

/**
 * The wait `Retry-After` asks for on a 429 or 503, in ms: delay-seconds, or an
 * HTTP date (a date already past is no wait). Undefined when absent or unreadable.
 */
export function retryAfterMs(status: number, value: string | null, now: number): number | undefined {
  if ((status !== 429 && status !== 503) || value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const MAX_HOST_LENGTH = 253;

/** The host a redirect names, and nothing else of its `Location`; never a credential. */
function locationHost(location: string | null, endpoint: string, credentials: HappyTalkCredentials): string {
  if (location === null) return 'no Location';
  let host: string;
  try {
    host = new URL(location, endpoint).host;
  } catch {
    return 'an unreadable Location';
  }
  if (host === '') return 'a Location without a host';
  if (host.length > MAX_HOST_LENGTH) return `a host of ${host.length} characters`;
  const lower = host.toLowerCase();
  const secrets = [credentials.token, credentials.clientSecret].filter(
    (secret): secret is string => secret !== undefined && secret !== '',
  );
  return secrets.some((secret) => lower.includes(secret.toLowerCase()))
    ? 'a host that holds the credentials'
    : `host ${host}`;
}

// Shorter secrets would match ordinary text by chance; real tokens are much longer.
const MIN_ECHO_CHECK_LENGTH = 8;

/** Whether the answer holds the token or the client secret, as sent or JSON-escaped (PHP also escapes `/`). */
function holdsCredentials(bytes: Uint8Array, credentials: HappyTalkCredentials): boolean {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const forms = new Set<string>();
  for (const secret of [credentials.token, credentials.clientSecret]) {
    if (secret === undefined || secret.length < MIN_ECHO_CHECK_LENGTH) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    forms.add(secret).add(escaped).add(escaped.replaceAll('/', '\\/'));
  }
  for (const form of forms) {
    if (body.includes(form, 0, 'utf8')) return true;
  }
  return false;
}

function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no complete answer within ${timeoutMs} ms`;
  }
  return networkErrorCode(error) ?? (error instanceof Error ? error.name : 'unknown error');
}

/**
 * Keeps only the kind of a network error (its name and `code`): foreign
 * messages are dropped because they could echo the request, and so the token.
 */
function stripRequest(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = networkErrorCode(error);
  const kept = new Error(code ? `${error.name} (${code})` : error.name);
  kept.name = error.name;
  if (code) Object.assign(kept, { code });
  return kept;
}

function networkErrorCode(error: unknown): string | undefined {
  for (
    let current = error, depth = 0;
    current instanceof Error && depth < 4;
    current = current.cause, depth++
  ) {
    if ('code' in current && typeof current.code === 'string') return current.code;
  }
  return undefined;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer, received ${value}`);
  }
  return value;
}
