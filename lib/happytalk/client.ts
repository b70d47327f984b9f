import { backOff } from 'exponential-backoff';
import type { CredentialsProvider, HappyTalkCredentials } from '../credentials/provider.js';
import { ConfigurationError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import {
  HappyTalkAuthError,
  type HappyTalkError,
  HappyTalkRequestError,
  HappyTalkUnavailableError,
  OverDateError,
  RoomNotFoundError,
} from './errors.js';
import {
  CHAT_DATA_PATH,
  type ChatDataFail,
  type ChatDataResponse,
  ChatDataResponseSchema,
  type ChatDataSuccess,
  isChatDataResponse,
  type RawRoom,
} from './schema.js';

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

export interface HappyTalkClientOptions {
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
export interface ParsedChatData {
  /** The whole response, validated: the normalizer warns about what it holds beside `room`. */
  readonly response: ChatDataSuccess;
  /** The element of `data` whose `chat.id` is the requested room (the first such, if several are). */
  readonly room: RawRoom;
}

/** One room as HappyTalk returned it. */
export interface FetchedRoom extends ParsedChatData {
  /** The exact response bytes, to archive verbatim. */
  readonly bytes: Uint8Array;
  /** The URL that was called. */
  readonly endpoint: string;
  readonly fetchedAt: Date;
  /** Attempts made, the successful one included. */
  readonly attempts: number;
  /** Time spent in the successful attempt, in ms. */
  readonly latencyMs: number;
}

/** The port the use case depends on. */
export interface ChatDataSource {
  fetchRoom(roomId: string): Promise<FetchedRoom>;
}

/**
 * Client of HappyTalk's `chat_data` API. Transient failures (HTTP 5xx and 429,
 * timeouts, connection errors, bodies that are not the documented JSON) are
 * retried with exponential backoff and full jitter, within an attempt count and
 * a time budget; HappyTalk's fail codes map to typed, non-retryable errors.
 */
export class HappyTalkClient implements ChatDataSource {
  readonly endpoint: string;
  readonly #credentials: CredentialsProvider;
  readonly #timeoutMs: number;
  readonly #retry: Required<RetryOptions>;
  readonly #logger: Logger;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: HappyTalkClientOptions) {
    this.endpoint = chatDataEndpoint(options.baseUrl ?? HAPPYTALK_PROD_BASE_URL);
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
   * Fetches one room with all its messages.
   *
   * @throws HappyTalkAuthError, RoomNotFoundError, OverDateError, HappyTalkRequestError (not retried)
   * @throws HappyTalkUnavailableError once retries are exhausted
   */
  async fetchRoom(roomId: string): Promise<FetchedRoom> {
    const credentials = await this.#credentials.getCredentials();
    const started = this.#now();
    let attempts = 0;
    try {
      return await backOff(
        async () => {
          attempts += 1;
          return { ...(await this.#attempt(roomId, credentials)), attempts };
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
                room_id: roomId,
                attempt: attemptNumber,
                error: describeError(error),
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

  async #attempt(roomId: string, credentials: HappyTalkCredentials): Promise<Omit<FetchedRoom, 'attempts'>> {
    const fetchedAt = new Date(this.#now());
    const started = performance.now();
    const bytes = await this.#post(roomId, credentials);
    const { response, room } = parseChatData(bytes, roomId);
    return {
      bytes,
      response,
      room,
      endpoint: this.endpoint,
      fetchedAt,
      latencyMs: performance.now() - started,
    };
  }

  async #post(roomId: string, credentials: HappyTalkCredentials): Promise<Uint8Array> {
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
        body: JSON.stringify({ token: credentials.token, room_id: roomId }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.ok) return bytes;
    } catch (error) {
      throw new HappyTalkUnavailableError(
        `HappyTalk request for room ${roomId} failed: ${describeFetchFailure(error, this.#timeoutMs)}`,
        { cause: stripRequest(error) },
      );
    }
    throw httpStatusError(response.status, roomId);
  }
}

// decode() without `stream` keeps no state between calls, so one decoder serves every response.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Builds the `chat_data` URL from a base URL, refusing anything but http(s) without credentials or query. */
export function chatDataEndpoint(baseUrl: string): string {
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
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${CHAT_DATA_PATH}`;
}

/**
 * Parses and classifies a `chat_data` response body: the one parser of
 * HappyTalk's answer, used by {@link HappyTalkClient.fetchRoom} and the CLI's
 * `normalize`. Decodes UTF-8 (strictly), checks the documented shape, and picks
 * the room whose `chat.id` is `roomId` (the first one if several are), or,
 * without `roomId`, the only room.
 *
 * @throws HappyTalkAuthError for fail `-501` and `-502`
 * @throws RoomNotFoundError for fail `-503`, an empty `data`, no room with the
 *   requested id, or (without `roomId`) not exactly one room
 * @throws OverDateError for fail `-504`
 * @throws HappyTalkUnavailableError for a body that is not UTF-8 JSON (the
 *   message does not quote it), not the documented shape, or an undocumented
 *   fail code
 */
export function parseChatData(bytes: Uint8Array, roomId?: string): ParsedChatData {
  const subject = roomId === undefined ? 'the request' : `room ${roomId}`;
  let json: unknown;
  try {
    json = JSON.parse(STRICT_UTF8.decode(bytes));
  } catch {
    throw new HappyTalkUnavailableError(
      `HappyTalk answered ${subject} with a body that is not JSON (${bytes.byteLength} bytes)`,
    );
  }
  const response = checkShape(json, subject);
  if (response.result === 'fail') throw failCodeError(response, subject);
  const rooms = response.data ?? [];
  if (roomId === undefined) {
    const [only, ...others] = rooms;
    if (only && others.length === 0) return { response, room: only };
    throw new RoomNotFoundError(
      `expected exactly one room in data, found ${rooms.length}: name the room to pick`,
    );
  }
  const room = rooms.find((candidate) => String(candidate.chat.id) === roomId);
  if (!room) {
    const reason = rooms.length ? 'data without the requested room' : 'an empty data';
    throw new RoomNotFoundError(`room ${roomId} not found: HappyTalk answered success with ${reason}`);
  }
  return { response, room };
}

/** The response itself when it has the documented shape; the schema's first issue otherwise. */
function checkShape(json: unknown, subject: string): ChatDataResponse {
  if (isChatDataResponse(json)) return json;
  const parsed = ChatDataResponseSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape';
  throw new HappyTalkUnavailableError(
    `HappyTalk answered ${subject} with JSON that is not the documented shape (${where})`,
  );
}

function failCodeError(response: ChatDataFail, subject: string): HappyTalkError {
  const code = Number(response.code);
  const message = typeof response.message === 'string' ? response.message : '';
  const said = `HappyTalk answered fail ${response.code} ${JSON.stringify(message)}`;
  switch (code) {
    case -501:
    case -502:
      return new HappyTalkAuthError(`${said}: check the token and client credentials`);
    case -503:
      return new RoomNotFoundError(`${subject} not found: ${said}`);
    case -504:
      return new OverDateError(`${subject} is outside HappyTalk's query window: ${said}`);
    default:
      return new HappyTalkUnavailableError(`${subject}: ${said} (an undocumented code)`);
  }
}

function httpStatusError(status: number, roomId: string): HappyTalkError {
  const said = `HappyTalk answered HTTP ${status} for room ${roomId}`;
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

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer, received ${value}`);
  }
  return value;
}
