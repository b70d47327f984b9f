import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { CHAT_ROOM_LISTS_PATH } from '../../lib/happytalk/room-list.js';
import { CHAT_DATA_PATH } from '../../lib/happytalk/schema.js';
import { type Logger, silentLogger } from '../../lib/logger.js';
import { InvalidSimRoomError, SimulatorConfigError } from './errors.js';
import { FaultTable, type SimulatorFault, SimulatorFaultSchema } from './faults.js';
import { BodyTooLargeError, baseUrl, listen, requestPath, send, textAnswer } from './http.js';
import {
  IMAGE_PATH_PREFIX,
  type ImageFault,
  ImageFaultSchema,
  ImageFaultTable,
  type RecordedImageRequest,
  type SimulatorImage,
} from './images.js';
import { finishRoom, type LiveRoomPlan, openLiveRoom } from './live.js';
import { encodePhpJson } from './php-json.js';
import { type QueryWindow, type RecordedRoomListRequest, validQueryWindow } from './room-list.js';
import { type SimRoom, simRoomId } from './room-records.js';
import { sampleRooms } from './sample-rooms.js';
import { serveChatData } from './serve-chat-data.js';
import {
  CONTROL_FAULTS_PATH,
  CONTROL_ROOMS_PATH,
  completionRoomOf,
  serveCompleteControl,
  serveFaultControl,
  serveRoomControl,
} from './serve-control.js';
import { serveImage, validImagePath } from './serve-images.js';
import { serveRoomList } from './serve-room-list.js';
import type { RecordedRequest, ResolvedOptions, SimulatorState } from './state.js';

export { CONTROL_FAULTS_PATH, CONTROL_ROOMS_PATH, controlCompletePath } from './serve-control.js';
export { ROOM_LIST_FAULT_KEY } from './serve-room-list.js';
export type { RecordedRequest } from './state.js';

const DEFAULT_TOKEN = 'local-dev-token';

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

interface PendingSleep {
  timer: NodeJS.Timeout;
  wake: () => void;
}

class RunningSimulator implements Simulator {
  readonly #server: Server;
  readonly #state: SimulatorState;
  readonly #pendingSleeps = new Set<PendingSleep>();
  /** Live rooms not finished yet, in registration order. */
  #live: LiveRoomPlan[] = [];
  #closing: Promise<void> | undefined;
  #port = 0;

  constructor(server: Server, options: ResolvedOptions) {
    this.#server = server;
    this.#state = {
      options,
      rooms: new Map(),
      successBodies: new Map(),
      faults: new FaultTable(),
      requests: [],
      roomListRequests: [],
      images: new Map(),
      imageFaults: new ImageFaultTable(),
      imageRequests: [],
      sleep: (ms) => this.#sleep(ms),
      closing: () => this.#closing !== undefined,
    };
    server.on('request', this.#handleRequest);
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return baseUrl(this.#state.options.host, this.#port);
  }

  async listen(): Promise<void> {
    const address = await listen(this.#server, this.#state.options.host, this.#state.options.port);
    this.#port = address.port;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#state.requests;
  }

  get roomListRequests(): readonly RecordedRoomListRequest[] {
    return this.#state.roomListRequests;
  }

  get imageRequests(): readonly RecordedImageRequest[] {
    return this.#state.imageRequests;
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
    this.#state.rooms.set(roomId, structuredClone(room));
    this.#state.successBodies.delete(roomId);
  }

  removeRoom(roomId: string): boolean {
    this.#state.successBodies.delete(roomId);
    return this.#state.rooms.delete(roomId);
  }

  addLiveRooms(plans: readonly LiveRoomPlan[]): void {
    for (const plan of plans) openLiveRoom(plan);
    this.#live = [...this.#live, ...plans].sort(
      (a, b) => a.registeredAt.getTime() - b.registeredAt.getTime(),
    );
  }

  completeRoom(roomId: string, options: { status?: string; at?: Date } = {}): SimRoom {
    this.#advanceLive();
    const room = this.#state.rooms.get(roomId);
    if (room === undefined) throw new InvalidSimRoomError(`no room ${roomId} in the simulator`);
    const finished = finishRoom(room, options.status ?? '2', options.at ?? this.#state.options.clock());
    this.addRoom(finished);
    this.#live = this.#live.filter((plan) => plan.roomId !== roomId);
    return structuredClone(finished);
  }

  /** Opens the live rooms whose registration time has come, and finishes the ones whose end has. */
  #advanceLive(): void {
    if (this.#live.length === 0) return;
    const now = this.#state.options.clock().getTime();
    const pending: LiveRoomPlan[] = [];
    for (const plan of this.#live) {
      if (plan.registeredAt.getTime() > now) {
        pending.push(plan);
        continue;
      }
      if (!this.#state.rooms.has(plan.roomId)) this.addRoom(openLiveRoom(plan));
      const room = this.#state.rooms.get(plan.roomId);
      if (plan.finishesAt === undefined || plan.finishesAt.getTime() > now || room === undefined) {
        pending.push(plan);
        continue;
      }
      this.addRoom(finishRoom(room, plan.finalStatus ?? '2', plan.finishesAt));
    }
    this.#live = pending;
  }

  setFault(roomId: string, fault: SimulatorFault | undefined): void {
    this.#state.faults.set(roomId, fault === undefined ? undefined : validFault(fault));
  }

  clearFaults(): void {
    this.#state.faults.clear();
    this.#state.imageFaults.clear();
  }

  resetRequests(): void {
    this.#state.requests.length = 0;
    this.#state.roomListRequests.length = 0;
    this.#state.imageRequests.length = 0;
  }

  setImage(path: string, image: SimulatorImage | undefined): void {
    const valid = validImagePath(path);
    if (image === undefined) {
      this.#state.images.delete(valid);
      return;
    }
    const body = typeof image.body === 'string' ? Buffer.from(image.body, 'utf8') : Buffer.from(image.body);
    this.#state.images.set(valid, { body, contentType: image.contentType ?? 'image/png' });
  }

  setImageFault(path: string, fault: ImageFault | undefined): void {
    const key = path === '*' ? path : validImagePath(path);
    if (fault === undefined) {
      this.#state.imageFaults.set(key, undefined);
      return;
    }
    const parsed = ImageFaultSchema.safeParse(fault);
    if (!parsed.success) {
      throw new SimulatorConfigError(`invalid image fault: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    this.#state.imageFaults.set(key, parsed.data);
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

  /** Each endpoint by its path: images, chat_data, chat_room_lists, and the control API. */
  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const state = this.#state;
    const path = requestPath(request);
    if (path.startsWith(IMAGE_PATH_PREFIX)) return serveImage(state, request, response, path);
    this.#advanceLive();
    const completing = completionRoomOf(path);
    if (completing !== undefined) return serveCompleteControl(this, state, request, response, completing);
    switch (path) {
      case CHAT_DATA_PATH:
        return serveChatData(state, request, response);
      case CHAT_ROOM_LISTS_PATH:
        return serveRoomList(state, request, response);
      case CONTROL_FAULTS_PATH:
        return serveFaultControl(this, request, response);
      case CONTROL_ROOMS_PATH:
        return serveRoomControl(this, state, request, response);
      default:
        return send(response, textAnswer(404, 'Not Found'));
    }
  }

  #answerUnexpected(error: unknown, response: ServerResponse): void {
    if (error instanceof BodyTooLargeError) {
      send(response, textAnswer(413, 'Payload Too Large', { Connection: 'close' }));
      return;
    }
    this.#state.options.logger.error('simulator request failed', {
      error: error instanceof Error ? error.message : String(error),
    });
    send(response, textAnswer(500, 'Internal Server Error'));
  }
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
