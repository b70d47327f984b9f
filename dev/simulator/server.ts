import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { z } from 'zod';
import { CHAT_ROOM_LISTS_PATH } from '../../lib/happytalk/room-list.js';
import { CHAT_DATA_PATH } from '../../lib/happytalk/schema.js';
import { type Logger, silentLogger } from '../../lib/logger.js';
import { InvalidSimRoomError, SimulatorConfigError } from './errors.js';
import { MAINTENANCE_PAGE, PHP_FATAL_ERROR, statusFaultAnswer, WRONG_SHAPE_BODY } from './fault-answers.js';
import { FaultTable, type SimulatorFault, SimulatorFaultSchema } from './faults.js';
import { generateRoom, makeRoomId } from './generate-room.js';
import {
  type Answer,
  BodyTooLargeError,
  baseUrl,
  headerValue,
  isRecord,
  jsonAnswer,
  listen,
  methodNotAllowed,
  parseJsonBody,
  readBody,
  requestPath,
  send,
  sendTruncated,
  textAnswer,
} from './http.js';
import {
  IMAGE_PATH_PREFIX,
  type ImageFault,
  ImageFaultSchema,
  ImageFaultTable,
  type RecordedImageRequest,
  type SimulatorImage,
  simulatorImage,
} from './images.js';
import { finishRoom, type LiveRoomPlan, openLiveRoom } from './live.js';
import { encodePhpJson } from './php-json.js';
import {
  type QueryWindow,
  type RecordedRoomListRequest,
  readRoomListRequest,
  roomListAnswer,
  roomOutsideQueryWindow,
  seoulToday,
  validQueryWindow,
} from './room-list.js';
import { type SimRoom, simRoomId } from './room-records.js';
import { sampleRooms } from './sample-rooms.js';

/** How the simulator serializes JSON answers. */
export type SimulatorEncoding = 'php' | 'utf8';

/** Options of {@link startSimulator}; every one has a default. */
export interface SimulatorOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; default 0, a free port chosen by the system. */
  port?: number;
  /** The company token every `chat_data` request must carry; default `local-dev-token`. */
  token?: string;
  /** When set, requests must carry this `HT-Client-Id` header, else -502 unAuthorized. */
  clientId?: string;
  /** When set, requests must carry this `HT-Client-Secret` header, else -502 unAuthorized. */
  clientSecret?: string;
  /** The rooms served at start; default {@link sampleRooms}. The simulator keeps copies. */
  rooms?: readonly SimRoom[];
  /** Milliseconds added before every `chat_data` answer; default 0. */
  latencyMs?: number;
  /**
   * `php` (default): like HappyTalk's PHP `json_encode`, non-ASCII as `\uXXXX`
   * and `/` as `\/`. `utf8`: plain `JSON.stringify`.
   */
  encoding?: SimulatorEncoding;
  /** Where unexpected handler errors go; default silent. */
  logger?: Logger;
  /** HappyTalk's undocumented query limits, answered with `-504 overDate`; default none. */
  queryWindow?: QueryWindow;
  /** The simulator's today, `YYYY-MM-DD` (`ndate`'s default, the age limit's origin); default today in Seoul by `clock`. */
  today?: string;
  /** The simulator's clock: today's date, live rooms, completion times; default the system clock. */
  clock?: () => Date;
  /** Rooms that open and finish as `clock` passes their times (see `generateLiveRooms`). */
  liveRooms?: readonly LiveRoomPlan[];
}

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

/** A running simulator; see {@link startSimulator}. */
export interface Simulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53123`; append `CHAT_DATA_PATH`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Requests received on the `chat_data` path, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Requests received on the `chat_room_lists` path, oldest first. */
  readonly roomListRequests: readonly RecordedRoomListRequest[];
  /** Stops listening and destroys every connection, idle or not; pending delays end at once. */
  close(): Promise<void>;
  /** Serves `room` (a copy) from now on, replacing any room with the same id. */
  addRoom(room: SimRoom): void;
  /** Stops serving a room; true when it existed. */
  removeRoom(roomId: string): boolean;
  /** Sets the fault for a room id, or for every room with `'*'`; `undefined` clears it. */
  setFault(roomId: string, fault: SimulatorFault | undefined): void;
  /** Rooms that open and finish as the clock passes their times, beside the ones given at start. */
  addLiveRooms(plans: readonly LiveRoomPlan[]): void;
  /**
   * Finishes an open room now (or `at`): status `"2"` (default) or `"4"`, its
   * `complate_date`, and a closing message. Returns the finished room.
   *
   * @throws InvalidSimRoomError for an unknown room, a room that is not open, or another status
   */
  completeRoom(roomId: string, options?: { status?: string; at?: Date }): SimRoom;
  /** Clears every fault. */
  clearFaults(): void;
  /** Forgets the recorded requests of every path. */
  resetRequests(): void;
  /** Requests received on image paths (`/data/chat_data/…`), oldest first. */
  readonly imageRequests: readonly RecordedImageRequest[];
  /**
   * Serves these bytes (default content type `image/png`) at an image path
   * (`/data/chat_data/…`) instead of the generated PNG; `undefined` goes back to it.
   */
  setImage(path: string, image: SimulatorImage | undefined): void;
  /** Sets the fault of an image path, or of every one with `'*'`; `undefined` clears it. */
  setImageFault(path: string, fault: ImageFault | undefined): void;
}

/** The fault key of room list requests (`'*'` applies to them too when it is not set). */
export const ROOM_LIST_FAULT_KEY = '@chat_room_lists';

/** Control API path to set (`POST {room_id, fault}`, fault null clears) or clear (`DELETE`) faults. */
export const CONTROL_FAULTS_PATH = '/__simulator/faults';
/** Control API path to list (`GET`) or add (`POST` a {@link SimRoom}) rooms. */
export const CONTROL_ROOMS_PATH = '/__simulator/rooms';

/** `POST /__simulator/rooms/{room_id}/complete`: finishes an open room now (the path of a room id). */
export const controlCompletePath = (roomId: string): string =>
  `${CONTROL_ROOMS_PATH}/${encodeURIComponent(roomId)}/complete`;
const COMPLETE_ROOM_PATH = /^\/__simulator\/rooms\/([^/]+)\/complete$/;

const DEFAULT_TOKEN = 'local-dev-token';
const CHAT_DATA_BODY_LIMIT = 64 * 1024;
const CONTROL_BODY_LIMIT = 128 * 1024 * 1024;
const REDACTED = '[REDACTED]';
const SECRET_HEADERS = new Set(['ht-client-secret', 'authorization', 'proxy-authorization', 'cookie']);

interface ResolvedOptions {
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

/** Faults that answer something other than the normal answer. */
type AnsweringFault = Exclude<SimulatorFault, { kind: 'delay' | 'reset' | 'truncate' }>;

interface PendingSleep {
  timer: NodeJS.Timeout;
  wake: () => void;
}

const FaultControlSchema = z.strictObject({
  room_id: z.string().min(1),
  fault: SimulatorFaultSchema.nullable(),
});

const CompleteRoomSchema = z.strictObject({
  status: z.union([z.literal('2'), z.literal('4'), z.literal(2), z.literal(4)]).optional(),
});

const SimRoomSchema = z.looseObject({
  chat: z.looseObject({ id: z.union([z.string().min(1), z.number()]) }),
  message: z.array(z.record(z.string(), z.unknown())),
});

function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new SimulatorConfigError(`port must be an integer from 0 to 65535, received ${port}`);
  }
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new SimulatorConfigError(`latencyMs must be a number from 0, received ${latencyMs}`);
  }
  const token = options.token ?? DEFAULT_TOKEN;
  if (token === '') {
    throw new SimulatorConfigError('token must not be empty');
  }
  const encoding = options.encoding ?? 'php';
  if (encoding !== 'php' && encoding !== 'utf8') {
    throw new SimulatorConfigError(`encoding must be "php" or "utf8", received ${JSON.stringify(encoding)}`);
  }
  return {
    host: options.host ?? '127.0.0.1',
    port,
    token,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    latencyMs,
    encode: encoding === 'php' ? encodePhpJson : JSON.stringify,
    logger: options.logger ?? silentLogger,
    queryWindow: validQueryWindow(options.queryWindow),
    today: options.today === undefined ? undefined : validToday(options.today),
    clock: options.clock ?? (() => new Date()),
  };
}

function validToday(today: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`))) {
    throw new SimulatorConfigError(`today must be a date YYYY-MM-DD, received ${JSON.stringify(today)}`);
  }
  return today;
}

function isFormContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The request's fields; undefined for a malformed JSON body. Valid JSON that is not an object has no fields. */
function parseChatDataFields(
  body: Buffer,
  contentType: string | undefined,
): Record<string, unknown> | undefined {
  if (isFormContentType(contentType)) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  const parsed = parseJsonBody(body);
  if (parsed === undefined) {
    return undefined;
  }
  return isRecord(parsed) ? parsed : {};
}

function roomIdField(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  return undefined;
}

class RunningSimulator implements Simulator {
  readonly #server: Server;
  readonly #options: ResolvedOptions;
  readonly #rooms = new Map<string, SimRoom>();
  readonly #successBodies = new Map<string, Buffer>();
  readonly #faults = new FaultTable();
  readonly #requests: RecordedRequest[] = [];
  readonly #roomListRequests: RecordedRoomListRequest[] = [];
  readonly #pendingSleeps = new Set<PendingSleep>();
  readonly #images = new Map<string, { body: Buffer; contentType: string }>();
  readonly #imageFaults = new ImageFaultTable();
  readonly #imageRequests: RecordedImageRequest[] = [];
  /** Live rooms not finished yet, in registration order. */
  #live: LiveRoomPlan[] = [];
  #closing: Promise<void> | undefined;
  #port = 0;

  constructor(server: Server, options: ResolvedOptions) {
    this.#server = server;
    this.#options = options;
    server.on('request', this.#handleRequest);
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return baseUrl(this.#options.host, this.#port);
  }

  async listen(): Promise<void> {
    const address = await listen(this.#server, this.#options.host, this.#options.port);
    this.#port = address.port;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  get roomListRequests(): readonly RecordedRoomListRequest[] {
    return this.#roomListRequests;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  addRoom(room: SimRoom): void {
    const roomId = simRoomId(room);
    if (!Array.isArray(room.message)) {
      throw new InvalidSimRoomError(`room ${roomId} must have a message array`);
    }
    this.#rooms.set(roomId, structuredClone(room));
    this.#successBodies.delete(roomId);
  }

  removeRoom(roomId: string): boolean {
    this.#successBodies.delete(roomId);
    return this.#rooms.delete(roomId);
  }

  addLiveRooms(plans: readonly LiveRoomPlan[]): void {
    for (const plan of plans) openLiveRoom(plan);
    this.#live = [...this.#live, ...plans].sort(
      (a, b) => a.registeredAt.getTime() - b.registeredAt.getTime(),
    );
  }

  completeRoom(roomId: string, options: { status?: string; at?: Date } = {}): SimRoom {
    this.#advanceLive();
    const room = this.#rooms.get(roomId);
    if (room === undefined) throw new InvalidSimRoomError(`no room ${roomId} in the simulator`);
    const finished = finishRoom(room, options.status ?? '2', options.at ?? this.#options.clock());
    this.addRoom(finished);
    this.#live = this.#live.filter((plan) => plan.roomId !== roomId);
    return structuredClone(finished);
  }

  /** Opens the live rooms whose registration time has come, and finishes the ones whose end has. */
  #advanceLive(): void {
    if (this.#live.length === 0) return;
    const now = this.#options.clock().getTime();
    const pending: LiveRoomPlan[] = [];
    for (const plan of this.#live) {
      if (plan.registeredAt.getTime() > now) {
        pending.push(plan);
        continue;
      }
      if (!this.#rooms.has(plan.roomId)) this.addRoom(openLiveRoom(plan));
      const room = this.#rooms.get(plan.roomId);
      if (plan.finishesAt === undefined || plan.finishesAt.getTime() > now || room === undefined) {
        pending.push(plan);
        continue;
      }
      this.addRoom(finishRoom(room, plan.finalStatus ?? '2', plan.finishesAt));
    }
    this.#live = pending;
  }

  setFault(roomId: string, fault: SimulatorFault | undefined): void {
    this.#faults.set(roomId, fault === undefined ? undefined : validFault(fault));
  }

  clearFaults(): void {
    this.#faults.clear();
    this.#imageFaults.clear();
  }

  resetRequests(): void {
    this.#requests.length = 0;
    this.#roomListRequests.length = 0;
    this.#imageRequests.length = 0;
  }

  get imageRequests(): readonly RecordedImageRequest[] {
    return this.#imageRequests;
  }

  setImage(path: string, image: SimulatorImage | undefined): void {
    const valid = validImagePath(path);
    if (image === undefined) {
      this.#images.delete(valid);
      return;
    }
    const body = typeof image.body === 'string' ? Buffer.from(image.body, 'utf8') : Buffer.from(image.body);
    this.#images.set(valid, { body, contentType: image.contentType ?? 'image/png' });
  }

  setImageFault(path: string, fault: ImageFault | undefined): void {
    const key = path === '*' ? path : validImagePath(path);
    if (fault === undefined) {
      this.#imageFaults.set(key, undefined);
      return;
    }
    const parsed = ImageFaultSchema.safeParse(fault);
    if (!parsed.success) {
      throw new SimulatorConfigError(`invalid image fault: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    this.#imageFaults.set(key, parsed.data);
  }

  readonly #handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    this.#route(request, response).catch((error: unknown) => this.#answerUnexpected(error, response));
  };

  async #shutDown(): Promise<void> {
    for (const pending of this.#pendingSleeps) {
      clearTimeout(pending.timer);
      pending.wake();
    }
    this.#pendingSleeps.clear();
    const closed = new Promise<void>((resolve, reject) => {
      this.#server.close((error) => (error === undefined ? resolve() : reject(error)));
    });
    this.#server.closeAllConnections();
    await closed;
  }

  /** Waits without keeping the process alive; ends at once on close. */
  #sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#closing !== undefined) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const pending: PendingSleep = {
        timer: setTimeout(() => {
          this.#pendingSleeps.delete(pending);
          resolve();
        }, ms).unref(),
        wake: resolve,
      };
      this.#pendingSleeps.add(pending);
    });
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = requestPath(request);
    if (path.startsWith(IMAGE_PATH_PREFIX)) return this.#serveImage(request, response, path);
    this.#advanceLive();
    const completing = COMPLETE_ROOM_PATH.exec(path);
    if (completing?.[1] !== undefined) return this.#serveCompleteControl(request, response, completing[1]);
    switch (path) {
      case CHAT_DATA_PATH:
        return this.#serveChatData(request, response);
      case CHAT_ROOM_LISTS_PATH:
        return this.#serveRoomList(request, response);
      case CONTROL_FAULTS_PATH:
        return this.#serveFaultControl(request, response);
      case CONTROL_ROOMS_PATH:
        return this.#serveRoomControl(request, response);
      default:
        return send(response, textAnswer(404, 'Not Found'));
    }
  }

  /** `GET|HEAD /data/chat_data/…`: the registered bytes or a generated PNG, unless a fault says otherwise. */
  async #serveImage(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    this.#imageRequests.push({
      path,
      at: new Date(),
      method: request.method ?? '',
      headers: this.#safeHeaders(request.headers),
    });
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, methodNotAllowed('GET, HEAD'));
    const fault = this.#imageFaults.take(path);
    if (fault?.kind === 'delay') await this.#sleep(fault.ms);
    if (this.#closing !== undefined || response.destroyed) return;
    const image = this.#images.get(path) ?? { body: simulatorImage(path), contentType: 'image/png' };
    const head = request.method === 'HEAD';
    const answer = (status: number, headers: Record<string, string>, body: Buffer): void => {
      response.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
      response.end(head ? undefined : body);
    };
    switch (fault?.kind) {
      case undefined:
      case 'delay':
        return answer(200, { 'Content-Type': image.contentType }, image.body);
      case 'status':
        return send(response, textAnswer(fault.status, `HTTP ${fault.status}`));
      case 'content-type':
        return answer(
          200,
          { 'Content-Type': fault.contentType },
          fault.body === undefined ? image.body : Buffer.from(fault.body, 'utf8'),
        );
      case 'redirect':
        return answer(fault.status ?? 302, { Location: fault.location }, Buffer.alloc(0));
      case 'redirect-loop':
        return answer(302, { Location: path }, Buffer.alloc(0));
      case 'reset':
        response.destroy();
        return;
      case 'huge':
        return sendHugeImage(response, fault.bytes, fault.contentLength !== false, head);
      case 'trickle':
        return trickleImage(response, image, fault.intervalMs);
    }
  }

  #answerUnexpected(error: unknown, response: ServerResponse): void {
    if (error instanceof BodyTooLargeError) {
      send(response, textAnswer(413, 'Payload Too Large', { Connection: 'close' }));
      return;
    }
    this.#options.logger.error('simulator request failed', {
      error: error instanceof Error ? error.message : String(error),
    });
    send(response, textAnswer(500, 'Internal Server Error'));
  }

  async #serveChatData(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') {
      this.#record(request, undefined, false);
      return send(response, methodNotAllowed('POST'));
    }
    const contentType = headerValue(request.headers['content-type']);
    const requestBody = await readBody(request, CHAT_DATA_BODY_LIMIT);
    const fields = parseChatDataFields(requestBody, contentType);
    if (fields === undefined) {
      this.#record(request, undefined, false);
      return send(response, textAnswer(400, 'Bad Request: malformed JSON body'));
    }
    const roomId = roomIdField(fields.room_id);
    this.#record(request, roomId, typeof fields.token === 'string' && fields.token !== '');
    const fault = this.#faults.take(roomId);
    await this.#sleep(this.#options.latencyMs);
    if (fault?.kind === 'delay') {
      await this.#sleep(fault.ms);
    }
    if (this.#closing !== undefined || response.destroyed) {
      return;
    }
    const answer = this.#chatDataAnswer(request, fields.token, roomId);
    if (fault === undefined || fault.kind === 'delay') {
      return send(response, answer);
    }
    if (fault.kind === 'reset') {
      response.destroy();
      return;
    }
    if (fault.kind === 'truncate') {
      return sendTruncated(response, answer);
    }
    return send(response, this.#faultAnswer(fault, roomId, echoOf(request, requestBody)));
  }

  #chatDataAnswer(request: IncomingMessage, token: unknown, roomId: string | undefined): Answer {
    if (token !== this.#options.token) {
      return this.#failAnswer(-501, 'token');
    }
    if (!this.#credentialsMatch(request.headers)) {
      return this.#failAnswer(-502, 'unAuthorized');
    }
    const body = roomId === undefined ? undefined : this.#successBody(roomId);
    if (body === undefined) return this.#failAnswer(-503, 'room');
    const regDate = roomId === undefined ? undefined : this.#rooms.get(roomId)?.chat.reg_date;
    if (roomOutsideQueryWindow(this.#options.queryWindow, this.#today(), regDate)) {
      return this.#failAnswer(-504, 'overDate');
    }
    return jsonAnswer(200, body);
  }

  #today(): string {
    return this.#options.today ?? seoulToday(this.#options.clock());
  }

  /** `chat_room_lists`: the same parsing, faults, latency and credential checks as `chat_data`. */
  async #serveRoomList(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return send(response, methodNotAllowed('POST'));
    const contentType = headerValue(request.headers['content-type']);
    const requestBody = await readBody(request, CHAT_DATA_BODY_LIMIT);
    const fields = parseChatDataFields(requestBody, contentType);
    if (fields === undefined) return send(response, textAnswer(400, 'Bad Request: malformed JSON body'));
    const fault = this.#faults.take(ROOM_LIST_FAULT_KEY);
    await this.#sleep(this.#options.latencyMs);
    if (fault?.kind === 'delay') await this.#sleep(fault.ms);
    if (this.#closing !== undefined || response.destroyed) return;
    const parsed = readRoomListRequest(fields, this.#today());
    let answer: Answer;
    let outcome: 'success' | number;
    if (fields.token !== this.#options.token) {
      [answer, outcome] = [this.#failAnswer(-501, 'token'), -501];
    } else if (!this.#credentialsMatch(request.headers)) {
      [answer, outcome] = [this.#failAnswer(-502, 'unAuthorized'), -502];
    } else if (parsed === undefined) {
      // Undocumented: HappyTalk's answer to a malformed date is unknown; the simulator says which field.
      [answer, outcome] = [this.#failAnswer(-500, 'date'), -500];
    } else {
      const result = roomListAnswer(parsed, this.#rooms.values(), this.#options.queryWindow, this.#today());
      outcome = result.kind === 'success' ? 'success' : result.code;
      answer =
        result.kind === 'success'
          ? jsonAnswer(200, this.#options.encode(result.body))
          : this.#failAnswer(result.code, result.message);
    }
    this.#roomListRequests.push({
      at: new Date(),
      sdate: parsed?.sdate,
      edate: parsed?.edate,
      page: parsed?.page ?? 1,
      limit: parsed?.limit ?? 10,
      status: parsed?.status ?? 99,
      tokenPresent: typeof fields.token === 'string' && fields.token !== '',
      answer: outcome,
    });
    if (fault === undefined || fault.kind === 'delay') return send(response, answer);
    if (fault.kind === 'reset') {
      response.destroy();
      return;
    }
    if (fault.kind === 'truncate') return sendTruncated(response, answer);
    return send(response, this.#faultAnswer(fault, undefined, echoOf(request, requestBody)));
  }

  #credentialsMatch(headers: IncomingHttpHeaders): boolean {
    const { clientId, clientSecret } = this.#options;
    const idMatches = clientId === undefined || headerValue(headers['ht-client-id']) === clientId;
    const secretMatches =
      clientSecret === undefined || headerValue(headers['ht-client-secret']) === clientSecret;
    return idMatches && secretMatches;
  }

  #failAnswer(code: number, message: string): Answer {
    return jsonAnswer(200, this.#options.encode({ result: 'fail', code, message }));
  }

  /** The encoded success answer for a room, cached: large rooms are encoded once. */
  #successBody(roomId: string): Buffer | undefined {
    const cached = this.#successBodies.get(roomId);
    if (cached !== undefined) {
      return cached;
    }
    const room = this.#rooms.get(roomId);
    if (room === undefined) {
      return undefined;
    }
    const body = Buffer.from(this.#options.encode({ result: 'success', data: [room] }), 'utf8');
    this.#successBodies.set(roomId, body);
    return body;
  }

  /** The answer a fault replaces the normal answer with; `echo` is the request as an echoing upstream repeats it. */
  #faultAnswer(fault: AnsweringFault, roomId: string | undefined, echo: string): Answer {
    switch (fault.kind) {
      case 'status':
        return statusFaultAnswer(fault);
      case 'html':
        return {
          status: 200,
          headers: { 'Content-Type': 'text/html; charset=UTF-8' },
          body: MAINTENANCE_PAGE,
        };
      case 'not-json':
        return jsonAnswer(200, PHP_FATAL_ERROR);
      case 'wrong-shape':
        return jsonAnswer(200, WRONG_SHAPE_BODY);
      case 'fail':
        return this.#failAnswer(fault.code, fault.message);
      case 'empty-data':
        return jsonAnswer(200, this.#options.encode({ result: 'success', data: [] }));
      case 'other-room':
        return jsonAnswer(200, this.#options.encode({ result: 'success', data: [this.#otherRoom(roomId)] }));
      case 'redirect':
        return {
          status: fault.status ?? 302,
          headers: { Location: fault.location, 'Content-Type': 'text/html; charset=utf-8' },
          body: `<html><body>Moved to <a href="${fault.location}">here</a></body></html>\n`,
        };
      case 'echo':
        return this.#echoAnswer(fault, roomId, [echo, fault.note ?? ''].join(' '));
    }
  }

  #echoAnswer(
    fault: Extract<SimulatorFault, { kind: 'echo' }>,
    roomId: string | undefined,
    echo: string,
  ): Answer {
    switch (fault.as ?? 'fail') {
      case 'fail':
        return jsonAnswer(
          fault.status ?? 200,
          this.#options.encode({ result: 'fail', code: -599, message: echo }),
        );
      case 'page':
        return {
          status: fault.status ?? 500,
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
          body: `<html><body><h1>Error</h1><pre>${echo}</pre></body></html>\n`,
        };
      case 'success': {
        const room = (roomId === undefined ? undefined : this.#rooms.get(roomId)) ?? this.#otherRoom(roomId);
        const echoed = { ...room, chat: { ...room.chat, title: echo } };
        return jsonAnswer(fault.status ?? 200, this.#options.encode({ result: 'success', data: [echoed] }));
      }
    }
  }

  /** The first room that is not `roomId`; a generated one when there is none. */
  #otherRoom(roomId: string | undefined): SimRoom {
    for (const [id, room] of this.#rooms) {
      if (id !== roomId) {
        return room;
      }
    }
    return generateRoom({ roomId: makeRoomId('other-room'), messageCount: 3 });
  }

  #record(request: IncomingMessage, roomId: string | undefined, tokenPresent: boolean): void {
    this.#requests.push({
      roomId,
      at: new Date(),
      method: request.method ?? '',
      contentType: headerValue(request.headers['content-type']),
      tokenPresent,
      headers: this.#safeHeaders(request.headers),
    });
  }

  #safeHeaders(headers: IncomingHttpHeaders): Record<string, string> {
    const safe: Record<string, string> = {};
    for (const [name, raw] of Object.entries(headers)) {
      const value = headerValue(raw);
      if (value === undefined) {
        continue;
      }
      safe[name] = SECRET_HEADERS.has(name) || value.includes(this.#options.token) ? REDACTED : value;
    }
    return safe;
  }

  async #serveFaultControl(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'DELETE') {
      this.clearFaults();
      return send(response, jsonAnswer(200, '{"ok":true}'));
    }
    if (request.method !== 'POST') {
      return send(response, methodNotAllowed('POST, DELETE'));
    }
    const parsed = FaultControlSchema.safeParse(parseJsonBody(await readBody(request, CONTROL_BODY_LIMIT)));
    if (!parsed.success) {
      return send(response, controlError(`invalid fault request: ${z.prettifyError(parsed.error)}`));
    }
    this.setFault(parsed.data.room_id, parsed.data.fault ?? undefined);
    return send(response, jsonAnswer(200, '{"ok":true}'));
  }

  async #serveRoomControl(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'GET') {
      return send(response, jsonAnswer(200, JSON.stringify({ rooms: this.#roomSummaries() })));
    }
    if (request.method !== 'POST') {
      return send(response, methodNotAllowed('GET, POST'));
    }
    const parsed = SimRoomSchema.safeParse(parseJsonBody(await readBody(request, CONTROL_BODY_LIMIT)));
    if (!parsed.success) {
      return send(response, controlError(`invalid room: ${z.prettifyError(parsed.error)}`));
    }
    this.addRoom(parsed.data);
    return send(response, jsonAnswer(201, JSON.stringify({ id: simRoomId(parsed.data) })));
  }

  /** `POST /__simulator/rooms/{room_id}/complete` with an optional `{"status": "2" | "4"}`. */
  async #serveCompleteControl(request: IncomingMessage, response: ServerResponse, encodedId: string) {
    if (request.method !== 'POST') return send(response, methodNotAllowed('POST'));
    const body = await readBody(request, CHAT_DATA_BODY_LIMIT);
    const parsed = CompleteRoomSchema.safeParse(body.byteLength === 0 ? {} : parseJsonBody(body));
    if (!parsed.success) {
      return send(response, controlError(`invalid completion: ${z.prettifyError(parsed.error)}`));
    }
    let roomId: string;
    try {
      roomId = decodeURIComponent(encodedId);
    } catch {
      return send(response, controlError('the room id is not valid percent-encoding'));
    }
    if (!this.#rooms.has(roomId)) {
      return send(response, jsonAnswer(404, JSON.stringify({ error: `no room ${roomId}` })));
    }
    let finished: SimRoom;
    try {
      finished = this.completeRoom(roomId, {
        status: String(parsed.data.status ?? '2'),
      });
    } catch (error) {
      if (!(error instanceof InvalidSimRoomError)) throw error;
      return send(response, jsonAnswer(409, JSON.stringify({ error: error.message })));
    }
    return send(
      response,
      jsonAnswer(
        200,
        JSON.stringify({
          id: roomId,
          status: finished.chat.status,
          complate_date: finished.chat.complate_date,
        }),
      ),
    );
  }

  #roomSummaries(): { id: string; status: unknown; message_count: number }[] {
    return [...this.#rooms].map(([id, room]) => ({
      id,
      status: room.chat.status ?? null,
      message_count: room.message.length,
    }));
  }
}

/** A request as an echoing upstream repeats it: its headers (secrets included) and its body (the token). */
function echoOf(request: IncomingMessage, body: Buffer): string {
  return `${JSON.stringify(request.headers)} ${body.toString('utf8')}`;
}

function validImagePath(path: string): string {
  if (!path.startsWith(IMAGE_PATH_PREFIX) || path.includes('?') || path.includes('#')) {
    throw new SimulatorConfigError(
      `an image path starts with ${IMAGE_PATH_PREFIX}, received ${JSON.stringify(path)}`,
    );
  }
  return path;
}

const HUGE_CHUNK = Buffer.alloc(64 * 1024);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG signature then zeros, `bytes` in all, written as fast as the client reads, until it hangs up. */
async function sendHugeImage(
  response: ServerResponse,
  bytes: number,
  contentLength: boolean,
  head: boolean,
): Promise<void> {
  response.writeHead(200, {
    'Content-Type': 'image/png',
    ...(contentLength ? { 'Content-Length': String(bytes) } : {}),
  });
  if (head) {
    response.end();
    return;
  }
  let left = bytes - PNG_SIGNATURE.length;
  response.write(PNG_SIGNATURE);
  while (left > 0 && !response.destroyed) {
    const chunk = HUGE_CHUNK.subarray(0, Math.min(left, HUGE_CHUNK.length));
    left -= chunk.length;
    if (!response.write(chunk)) {
      await new Promise<void>((resolve) => {
        response.once('drain', resolve);
        response.once('close', resolve);
      });
    }
  }
  if (!response.destroyed) response.end();
}

/** The headers, then one byte of the image every `intervalMs` (from the start again), until the client hangs up. */
function trickleImage(
  response: ServerResponse,
  image: { body: Buffer; contentType: string },
  intervalMs: number,
): void {
  response.writeHead(200, { 'Content-Type': image.contentType });
  let offset = 0;
  const timer = setInterval(() => {
    if (response.destroyed || image.body.length === 0) {
      clearInterval(timer);
      return;
    }
    response.write(image.body.subarray(offset % image.body.length, (offset % image.body.length) + 1));
    offset += 1;
  }, intervalMs).unref();
  response.once('close', () => clearInterval(timer));
}

function validFault(fault: SimulatorFault): SimulatorFault {
  const parsed = SimulatorFaultSchema.safeParse(fault);
  if (!parsed.success) {
    throw new SimulatorConfigError(`invalid fault: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function controlError(message: string): Answer {
  return jsonAnswer(400, JSON.stringify({ error: message }));
}

/**
 * Starts a local HappyTalk `chat_data` server (node:http only) that answers
 * exactly as `chat_data.md` documents:
 *
 * - `POST {CHAT_DATA_PATH}` with a JSON body `{token, room_id}` (or the same
 *   fields form-urlencoded) answers 200 with
 *   `Content-Type: application/json; charset=utf-8` and
 *   `{"result":"success","data":[{"chat":{...},"message":[...]}]}`.
 * - Failures answer 200 with `{"result":"fail","code","message"}`: a missing or
 *   wrong token -501 token; headers not matching `clientId`/`clientSecret` -502
 *   unAuthorized; a missing or unknown room_id -503 room.
 * - Other methods on that path 405, other paths 404, malformed JSON 400, a
 *   body over 64 KiB 413.
 * - `POST {CHAT_ROOM_LISTS_PATH}` lists the rooms as NOTES.md describes (see
 *   `roomListAnswer`), with the same token and credential checks; a range
 *   outside `queryWindow` answers -504 overDate, and so does `chat_data` for a
 *   room older than `queryWindow.maxAgeDays`.
 *
 * - `GET|HEAD /data/chat_data/…` serves an image: a small PNG generated from
 *   the path, or the bytes registered with `setImage`, unless `setImageFault`
 *   says otherwise (see `ImageFaultSchema`).
 *
 * Faults ({@link SimulatorFault}) apply once the body has parsed, before the
 * token, credential and room checks; a room's own fault wins over `'*'`. Room
 * list requests take the fault of {@link ROOM_LIST_FAULT_KEY}, else `'*'`.
 *
 * The control API exists only in the simulator, never on HappyTalk, for other
 * processes such as the local stack: `POST /__simulator/faults` with
 * `{room_id, fault}` (`'*'` for every room, fault null clears),
 * `DELETE /__simulator/faults`, `GET /__simulator/rooms` (`{rooms:[{id,status,message_count}]}`)
 * `POST /__simulator/rooms` with a {@link SimRoom} (201 `{id}`), and
 * `POST /__simulator/rooms/{room_id}/complete` with an optional
 * `{"status": "2" | "4"}` (200 `{id, status, complate_date}`; 404 for an
 * unknown room, 409 for a room that is not open). It answers 400 `{error}`
 * to invalid input.
 *
 * With `liveRooms`, rooms open and finish as `clock` passes their times
 * (checked on every request, so a fake clock plays a day out in a test).
 *
 * @throws SimulatorConfigError when an option is out of range.
 * @throws SimulatorError when the server cannot listen.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const rooms = options.rooms ?? sampleRooms();
  const simulator = new RunningSimulator(createServer(), resolved);
  for (const room of rooms) {
    simulator.addRoom(room);
  }
  simulator.addLiveRooms(options.liveRooms ?? []);
  await simulator.listen();
  return simulator;
}
