/** What the simulator's endpoints share: its options, rooms, faults and records, and its answers. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../lib/logger.js';
import type { FaultTable } from './faults.js';
import { type Answer, headerValue, jsonAnswer } from './http.js';
import type { ImageFaultTable, RecordedImageRequest } from './images.js';
import { type QueryWindow, type RecordedRoomListRequest, seoulToday } from './room-list.js';
import type { SimRoom } from './room-records.js';

/**
 * One request the simulator received on the `chat_data` path. The token is
 * never recorded, only whether one was sent; secret-bearing headers
 * (`HT-Client-Secret`, `Authorization`, `Cookie`, and any header containing the
 * token) are recorded as `[REDACTED]`.
 */
export interface RecordedRequest {
  /** The `room_id` asked for; undefined when missing or when the body did not parse. */
  roomId: string | undefined;
  /** When the request arrived. */
  at: Date;
  /** The HTTP method. */
  method: string;
  /** The `Content-Type` header, if any. */
  contentType: string | undefined;
  /** Whether the body carried a non-empty `token`. */
  tokenPresent: boolean;
  /** Request headers, lowercase names, secrets redacted. */
  headers: Readonly<Record<string, string>>;
}

/** The simulator's options, checked and defaulted. */
export interface ResolvedOptions {
  host: string;
  port: number;
  token: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  latencyMs: number;
  encode: (value: unknown) => string;
  logger: Logger;
  queryWindow: QueryWindow;
  today: string | undefined;
  clock: () => Date;
}

/** The state of a running simulator, as its endpoints read and change it. */
export interface SimulatorState {
  readonly options: ResolvedOptions;
  readonly rooms: Map<string, SimRoom>;
  /** Encoded success answers, by room id: large rooms are encoded once. */
  readonly successBodies: Map<string, Buffer>;
  readonly faults: FaultTable;
  readonly requests: RecordedRequest[];
  readonly roomListRequests: RecordedRoomListRequest[];
  readonly images: Map<string, { body: Buffer; contentType: string }>;
  readonly imageFaults: ImageFaultTable;
  readonly imageRequests: RecordedImageRequest[];
  /** Waits without keeping the process alive; ends at once on close. */
  sleep(ms: number): Promise<void>;
  /** Whether the simulator is closing: an answer still waiting is not sent. */
  closing(): boolean;
}

const REDACTED = '[REDACTED]';
const SECRET_HEADERS = new Set(['ht-client-secret', 'authorization', 'proxy-authorization', 'cookie']);

/** The simulator's today, `YYYY-MM-DD`: the configured one, else today in Seoul by its clock. */
export function todayOf(state: SimulatorState): string {
  return state.options.today ?? seoulToday(state.options.clock());
}

/** `{"result":"fail","code","message"}`, as HappyTalk answers a refusal (HTTP 200). */
export function failAnswer(state: SimulatorState, code: number, message: string): Answer {
  return jsonAnswer(200, state.options.encode({ result: 'fail', code, message }));
}

/** Whether the request carries the configured `HT-Client-Id` and `HT-Client-Secret`, when there are. */
export function credentialsMatch(state: SimulatorState, headers: IncomingHttpHeaders): boolean {
  const { clientId, clientSecret } = state.options;
  const idMatches = clientId === undefined || headerValue(headers['ht-client-id']) === clientId;
  const secretMatches =
    clientSecret === undefined || headerValue(headers['ht-client-secret']) === clientSecret;
  return idMatches && secretMatches;
}

/** The headers as recorded: lowercase names, secret-bearing ones and any holding the token redacted. */
export function safeHeaders(state: SimulatorState, headers: IncomingHttpHeaders): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = headerValue(raw);
    if (value === undefined) {
      continue;
    }
    safe[name] = SECRET_HEADERS.has(name) || value.includes(state.options.token) ? REDACTED : value;
  }
  return safe;
}
