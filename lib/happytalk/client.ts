import { describeFailAnswer, describeShapeIssue, documentedFailCode, parseAnswerJson } from './answer.js';
import {
  HappyTalkAuthError,
  type HappyTalkError,
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

import {
  type CallOptions,
  HappyTalkTransport,
  type HappyTalkTransportOptions,
  happyTalkEndpoint,
} from './transport.js';

export {
  type CallOptions,
  HAPPYTALK_DEV_BASE_URL,
  HAPPYTALK_PROD_BASE_URL,
  type RequestGate,
  type RetryOptions,
} from './transport.js';

/** Options of {@link HappyTalkClient}: those of its transport. */
export type HappyTalkClientOptions = HappyTalkTransportOptions;

export interface ParsedChatData {
  /** The whole response, validated: the normalizer warns about what it holds beside `room`. */
  readonly response: ChatDataSuccess;
  /** The element of `data` whose `chat.id` is the requested room (the first such, if several are). */
  readonly room: RawRoom;
  /** How deeply the answer nests (see `MAX_NESTING_DEPTH`): the normalizer refuses it beyond the limit. */
  readonly nestingDepth: number;
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
  /** @param options.gate admits each request to HappyTalk (a bound on requests in flight, and their rate) */
  fetchRoom(roomId: string, options?: CallOptions): Promise<FetchedRoom>;
}

/**
 * Client of HappyTalk's `chat_data` API. Transient failures (HTTP 5xx and 429,
 * timeouts, connection errors, bodies that are not the documented JSON) are
 * retried with exponential backoff and full jitter, within an attempt count and
 * a time budget ({@link HappyTalkTransport}); HappyTalk's fail codes map to
 * typed, non-retryable errors.
 */
export class HappyTalkClient implements ChatDataSource {
  readonly endpoint: string;
  readonly #transport: HappyTalkTransport;

  constructor(options: HappyTalkClientOptions) {
    this.#transport = new HappyTalkTransport(CHAT_DATA_PATH, options);
    this.endpoint = this.#transport.endpoint;
  }

  /**
   * Fetches one room with all its messages.
   *
   * @throws HappyTalkAuthError, RoomNotFoundError, OverDateError, HappyTalkRequestError (not retried)
   * @throws HappyTalkUnavailableError once retries are exhausted
   */
  async fetchRoom(roomId: string, options: CallOptions = {}): Promise<FetchedRoom> {
    const call = await this.#transport.call(
      { room_id: roomId },
      `room ${roomId}`,
      (bytes) => parseChatData(bytes, roomId),
      options,
    );
    return {
      ...call.value,
      bytes: call.bytes,
      endpoint: call.endpoint,
      fetchedAt: call.fetchedAt,
      attempts: call.attempts,
      latencyMs: call.latencyMs,
    };
  }
}

/** The `chat_data` URL below a base URL (see {@link happyTalkEndpoint} for what is refused). */
export function chatDataEndpoint(baseUrl: string): string {
  return happyTalkEndpoint(baseUrl, CHAT_DATA_PATH);
}

/**
 * Parses and classifies a `chat_data` response body: the one parser of
 * HappyTalk's answer, used by {@link HappyTalkClient.fetchRoom} and the CLI's
 * `normalize`. Decodes UTF-8 (strictly), parses it with integers beyond 2^53 as
 * exact digit strings ({@link parseAnswerJson}), checks the documented shape,
 * and picks the room whose `chat.id` is `roomId` (the first one if several
 * are), or, without `roomId`, the only room. Messages describe the answer,
 * never quote it: a fail answer's message is named by its documented code.
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
  const { json, nestingDepth } = parseAnswerJson(bytes, subject);
  const response = checkShape(json, subject);
  if (response.result === 'fail') throw failCodeError(response, subject);
  const rooms = response.data ?? [];
  if (roomId === undefined) {
    const [only, ...others] = rooms;
    if (only && others.length === 0) return { response, room: only, nestingDepth };
    throw new RoomNotFoundError(
      `expected exactly one room in data, found ${rooms.length}: name the room to pick`,
    );
  }
  const room = rooms.find((candidate) => String(candidate.chat.id) === roomId);
  if (!room) {
    const reason = rooms.length ? 'data without the requested room' : 'an empty data';
    throw new RoomNotFoundError(`room ${roomId} not found: HappyTalk answered success with ${reason}`);
  }
  return { response, room, nestingDepth };
}

/** The response itself when it has the documented shape; the schema's first issue otherwise. */
function checkShape(json: unknown, subject: string): ChatDataResponse {
  if (isChatDataResponse(json)) return json;
  const parsed = ChatDataResponseSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new HappyTalkUnavailableError(
    `HappyTalk answered ${subject} with JSON that is not the documented shape (${describeShapeIssue(parsed.error.issues[0])})`,
  );
}

function failCodeError(response: ChatDataFail, subject: string): HappyTalkError {
  const said = `HappyTalk answered ${describeFailAnswer(response.code, response.message)}`;
  switch (documentedFailCode(response.code)) {
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
