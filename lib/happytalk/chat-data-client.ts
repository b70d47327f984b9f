import {
  describeFailAnswer,
  documentedFailCode,
  notDocumentedShape,
  parseAnswerJson,
  type RefusedAnswer,
} from './answer.js';
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
      (bytes) => parseFetchedChatData(bytes, roomId),
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
 * `parseChatData` as the client runs it: the zod schemas that name the first
 * issue of a refused answer are loaded then, on first use, and never at a
 * Lambda function's cold start.
 */
async function parseFetchedChatData(bytes: Uint8Array, roomId: string): Promise<ParsedChatData> {
  const answer = readChatData(bytes, roomId);
  if (!('refused' in answer)) return answer;
  const { describeChatDataShape } = await import('./shape-schemas.js');
  throw notDocumentedShape(answer.subject, describeChatDataShape(answer.refused));
}

/**
 * A `chat_data` answer read and classified (see `parseChatData` in
 * `client.ts`), or, when it is not the documented shape, what to describe.
 */
export function readChatData(bytes: Uint8Array, roomId: string | undefined): ParsedChatData | RefusedAnswer {
  const subject = roomId === undefined ? 'the request' : `room ${roomId}`;
  const { json, nestingDepth } = parseAnswerJson(bytes, subject);
  if (!isChatDataResponse(json)) return { refused: json, subject };
  if (json.result === 'fail') throw failCodeError(json, subject);
  const rooms = json.data ?? [];
  if (roomId === undefined) {
    const [only, ...others] = rooms;
    if (only && others.length === 0) return { response: json, room: only, nestingDepth };
    throw new RoomNotFoundError(
      `expected exactly one room in data, found ${rooms.length}: name the room to pick`,
    );
  }
  const room = rooms.find((candidate) => String(candidate.chat.id) === roomId);
  if (!room) {
    const reason = rooms.length ? 'data without the requested room' : 'an empty data';
    throw new RoomNotFoundError(`room ${roomId} not found: HappyTalk answered success with ${reason}`);
  }
  return { response: json, room, nestingDepth };
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
