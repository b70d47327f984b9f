/**
 * The control API, which exists only in the simulator, never on HappyTalk:
 * faults, rooms, and finishing an open room, for other processes such as the
 * local stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { InvalidSimRoomError } from './errors.js';
import { SimulatorFaultSchema } from './faults.js';
import { type Answer, jsonAnswer, methodNotAllowed, parseJsonBody, readBody, send } from './http.js';
import { type SimRoom, simRoomId } from './room-records.js';
import type { SimulatorState } from './state.js';

/** Control API path to set (`POST {room_id, fault}`, fault null clears) or clear (`DELETE`) faults. */
export const CONTROL_FAULTS_PATH = '/__simulator/faults';
/** Control API path to list (`GET`) or add (`POST` a {@link SimRoom}) rooms. */
export const CONTROL_ROOMS_PATH = '/__simulator/rooms';

/** `POST /__simulator/rooms/{room_id}/complete`: finishes an open room now (the path of a room id). */
export const controlCompletePath = (roomId: string): string =>
  `${CONTROL_ROOMS_PATH}/${encodeURIComponent(roomId)}/complete`;
/** The room id of a completion path, percent-encoded; undefined for other paths. */
export function completionRoomOf(path: string): string | undefined {
  return /^\/__simulator\/rooms\/([^/]+)\/complete$/.exec(path)?.[1];
}

const CONTROL_BODY_LIMIT = 128 * 1024 * 1024;
const COMPLETION_BODY_LIMIT = 64 * 1024;

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

/** What the control API changes: the simulator's own methods. */
export interface ControlledSimulator {
  addRoom(room: SimRoom): void;
  setFault(roomId: string, fault: z.infer<typeof SimulatorFaultSchema> | undefined): void;
  clearFaults(): void;
  completeRoom(roomId: string, options?: { status?: string }): SimRoom;
}

/** `POST|DELETE /__simulator/faults`. */
export async function serveFaultControl(
  simulator: ControlledSimulator,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method === 'DELETE') {
    simulator.clearFaults();
    return send(response, jsonAnswer(200, '{"ok":true}'));
  }
  if (request.method !== 'POST') {
    return send(response, methodNotAllowed('POST, DELETE'));
  }
  const parsed = FaultControlSchema.safeParse(parseJsonBody(await readBody(request, CONTROL_BODY_LIMIT)));
  if (!parsed.success) {
    return send(response, controlError(`invalid fault request: ${z.prettifyError(parsed.error)}`));
  }
  simulator.setFault(parsed.data.room_id, parsed.data.fault ?? undefined);
  return send(response, jsonAnswer(200, '{"ok":true}'));
}

/** `GET|POST /__simulator/rooms`. */
export async function serveRoomControl(
  simulator: ControlledSimulator,
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method === 'GET') {
    return send(response, jsonAnswer(200, JSON.stringify({ rooms: roomSummaries(state) })));
  }
  if (request.method !== 'POST') {
    return send(response, methodNotAllowed('GET, POST'));
  }
  const parsed = SimRoomSchema.safeParse(parseJsonBody(await readBody(request, CONTROL_BODY_LIMIT)));
  if (!parsed.success) {
    return send(response, controlError(`invalid room: ${z.prettifyError(parsed.error)}`));
  }
  simulator.addRoom(parsed.data);
  return send(response, jsonAnswer(201, JSON.stringify({ id: simRoomId(parsed.data) })));
}

/** `POST /__simulator/rooms/{room_id}/complete` with an optional `{"status": "2" | "4"}`. */
export async function serveCompleteControl(
  simulator: ControlledSimulator,
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
  encodedId: string,
): Promise<void> {
  if (request.method !== 'POST') return send(response, methodNotAllowed('POST'));
  const body = await readBody(request, COMPLETION_BODY_LIMIT);
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
  if (!state.rooms.has(roomId)) {
    return send(response, jsonAnswer(404, JSON.stringify({ error: `no room ${roomId}` })));
  }
  let finished: SimRoom;
  try {
    finished = simulator.completeRoom(roomId, { status: String(parsed.data.status ?? '2') });
  } catch (error) {
    if (!(error instanceof InvalidSimRoomError)) throw error;
    return send(response, jsonAnswer(409, JSON.stringify({ error: error.message })));
  }
  const answer = { id: roomId, status: finished.chat.status, complate_date: finished.chat.complate_date };
  return send(response, jsonAnswer(200, JSON.stringify(answer)));
}

function roomSummaries(state: SimulatorState): { id: string; status: unknown; message_count: number }[] {
  return [...state.rooms].map(([id, room]) => ({
    id,
    status: room.chat.status ?? null,
    message_count: room.message.length,
  }));
}

function controlError(message: string): Answer {
  return jsonAnswer(400, JSON.stringify({ error: message }));
}
