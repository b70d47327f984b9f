import { backOff } from 'exponential-backoff';
import type { CredentialsProvider, HappyTalkCredentials } from '../credentials/provider.js';
import { ConfigurationError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import {
  HappyTalkAuthError,
  type HappyTalkError,
  HappyTalkRequestError,
  HappyTalkUnavailableError,
} from './errors.js';

/** HappyTalk's production host; the development host is {@link HAPPYTALK_DEV_BASE_URL}. */
export const HAPPYTALK_PROD_BASE_URL = 'https://customer.happytalk.io';
export const HAPPYTALK_DEV_BASE_URL = 'https://patch-customer.happytalk.io';

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
  /** Clock for the retry budget, for tests. */
  readonly now?: () => number;
}

/** A `chat_data` success response, and the room picked from its `data`. */

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
 * The URL of a HappyTalk API path below a base URL, refusing anything but
 * http(s) without credentials, query or fragment.
 */
export function happyTalkEndpoint(baseUrl: string, path: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`invalid HappyTalk base URL ${JSON.stringify(baseUrl)}: not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`invalid HappyTalk base URL ${JSON.stringify(baseUrl)}: use https`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError(
      `invalid HappyTalk base URL ${JSON.stringify(url.origin)}: no credentials, query or fragment`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${path}`;
}

/**
 * POSTs JSON bodies signed with the company token to one HappyTalk endpoint,
 * with the error handling and retries of the `chat_data` client: transient
 * failures (HTTP 5xx and 429, timeouts, connection errors, and whatever the
 * `parse` callback reports as {@link HappyTalkUnavailableError}) are retried
 * with exponential backoff and full jitter, within an attempt count and a time
 * budget; everything else is thrown at once. Messages never carry the token.
 */
export class HappyTalkTransport {
  readonly endpoint: string;
  readonly #credentials: CredentialsProvider;
  readonly #timeoutMs: number;
  readonly #retry: Required<RetryOptions>;
  readonly #logger: Logger;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(path: string, options: HappyTalkTransportOptions) {
    this.endpoint = happyTalkEndpoint(options.baseUrl ?? HAPPYTALK_PROD_BASE_URL, path);
    this.#credentials = options.credentials;
    this.#timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 10_000);
    this.#retry = {
      maxAttempts: positiveInteger('retry.maxAttempts', options.retry?.maxAttempts ?? 4),
      baseDelayMs: positiveInteger('retry.baseDelayMs', options.retry?.baseDelayMs ?? 200),
      maxDelayMs: positiveInteger('retry.maxDelayMs', options.retry?.maxDelayMs ?? 5_000),
      totalBudgetMs: positiveInteger('retry.totalBudgetMs', options.retry?.totalBudgetMs ?? 20_000),
    };
    this.#logger = options.logger ?? silentLogger;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Sends `{token, ...fields}` and parses the answer, retrying transient failures.
   *
   * @param subject what the call is about, for messages and logs (never the token)
   * @param parse classifies the body: returns the value or throws a {@link HappyTalkError}
   * @throws HappyTalkUnavailableError once retries are exhausted (with `attempts`)
   * @throws the non-retryable errors of `parse`, HappyTalkAuthError and
   *   HappyTalkRequestError for HTTP 401/403 and other 4xx
   */
  async call<T>(
    fields: Record<string, unknown>,
    subject: string,
    parse: (bytes: Uint8Array) => T,
  ): Promise<HappyTalkCall<T>> {
    const credentials = await this.#credentials.getCredentials();
    const started = this.#now();
    let attempts = 0;
    try {
      return await backOff(
        async () => {
          attempts += 1;
          const fetchedAt = new Date(this.#now());
          const clock = performance.now();
          const bytes = await this.#post(fields, subject, credentials);
          const value = parse(bytes);
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
          retry: (error: unknown, attemptNumber: number) => {
            const retryable = error instanceof HappyTalkUnavailableError;
            const withinBudget = this.#now() - started < this.#retry.totalBudgetMs;
            if (retryable && withinBudget) {
              this.#logger.warn('HappyTalk request failed; retrying', {
                endpoint: this.endpoint,
                subject,
                attempt: attemptNumber,
                error: `${error.name}: ${error.message}`,
              });
            }
            return retryable && withinBudget;
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
    try {
      response = await this.#fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...fields, token: credentials.token }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.ok) return bytes;
    } catch (error) {
      throw new HappyTalkUnavailableError(
        `HappyTalk request for ${subject} failed: ${describeFetchFailure(error, this.#timeoutMs)}`,
        { cause: stripRequest(error) },
      );
    }
    throw httpStatusError(response.status, subject);
  }
}

function httpStatusError(status: number, subject: string): HappyTalkError {
  const said = `HappyTalk answered HTTP ${status} for ${subject}`;
  if (status === 429 || status >= 500) return new HappyTalkUnavailableError(said);
  if (status === 401 || status === 403) return new HappyTalkAuthError(`${said}: check the credentials`);
  return new HappyTalkRequestError(`${said}: check the base URL`);
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
