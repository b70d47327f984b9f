/** The `chat_data` endpoint: one room's transcript, as `chat_data.md` documents it, or a fault. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord } from '../../lib/shared/records.js';
import { MAINTENANCE_PAGE, PHP_FATAL_ERROR, statusFaultAnswer, WRONG_SHAPE_BODY } from './fault-answers.js';
import type { SimulatorFault } from './faults.js';
import { generateRoom, makeRoomId } from './generate-room.js';
import {
  type Answer,
  headerValue,
  jsonAnswer,
  methodNotAllowed,
  parseJsonBody,
  readBody,
  send,
  sendTruncated,
  textAnswer,
} from './http.js';
import { roomOutsideQueryWindow } from './room-list.js';
import type { SimRoom } from './room-records.js';
import { credentialsMatch, failAnswer, type SimulatorState, safeHeaders, todayOf } from './state.js';

/** The most a `chat_data` or `chat_room_lists` request body may hold. */
export const CHAT_DATA_BODY_LIMIT = 64 * 1024;

/** Faults that answer something other than the normal answer. */
export type AnsweringFault = Exclude<SimulatorFault, { kind: 'delay' | 'reset' | 'truncate' }>;

/** `POST {CHAT_DATA_PATH}`: the room's answer after the latency and the room's fault. */
export async function serveChatData(
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'POST') {
    record(state, request, undefined, false);
    return send(response, methodNotAllowed('POST'));
  }
  const contentType = headerValue(request.headers['content-type']);
  const requestBody = await readBody(request, CHAT_DATA_BODY_LIMIT);
  const fields = parseChatDataFields(requestBody, contentType);
  if (fields === undefined) {
    record(state, request, undefined, false);
    return send(response, textAnswer(400, 'Bad Request: malformed JSON body'));
  }
  const roomId = roomIdField(fields.room_id);
  record(state, request, roomId, typeof fields.token === 'string' && fields.token !== '');
  const fault = state.faults.take(roomId);
  await state.sleep(state.options.latencyMs);
  if (fault?.kind === 'delay') {
    await state.sleep(fault.ms);
  }
  if (state.closing() || response.destroyed) {
    return;
  }
  const answer = chatDataAnswer(state, request, fields.token, roomId);
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
  return send(response, faultAnswer(state, fault, roomId, echoOf(request, requestBody)));
}

function chatDataAnswer(
  state: SimulatorState,
  request: IncomingMessage,
  token: unknown,
  roomId: string | undefined,
): Answer {
  if (token !== state.options.token) {
    return failAnswer(state, -501, 'token');
  }
  if (!credentialsMatch(state, request.headers)) {
    return failAnswer(state, -502, 'unAuthorized');
  }
  const body = roomId === undefined ? undefined : successBody(state, roomId);
  if (body === undefined) return failAnswer(state, -503, 'room');
  const regDate = roomId === undefined ? undefined : state.rooms.get(roomId)?.chat.reg_date;
  if (roomOutsideQueryWindow(state.options.queryWindow, todayOf(state), regDate)) {
    return failAnswer(state, -504, 'overDate');
  }
  return jsonAnswer(200, body);
}

/** The encoded success answer for a room, cached: large rooms are encoded once. */
function successBody(state: SimulatorState, roomId: string): Buffer | undefined {
  const cached = state.successBodies.get(roomId);
  if (cached !== undefined) {
    return cached;
  }
  const room = state.rooms.get(roomId);
  if (room === undefined) {
    return undefined;
  }
  const body = Buffer.from(state.options.encode({ result: 'success', data: [room] }), 'utf8');
  state.successBodies.set(roomId, body);
  return body;
}

/**
 * The answer a fault replaces the normal answer with, on `chat_data` and on the
 * room list; `echo` is the request as an echoing upstream repeats it.
 */
export function faultAnswer(
  state: SimulatorState,
  fault: AnsweringFault,
  roomId: string | undefined,
  echo: string,
): Answer {
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
      return failAnswer(state, fault.code, fault.message);
    case 'empty-data':
      return jsonAnswer(200, state.options.encode({ result: 'success', data: [] }));
    case 'other-room':
      return jsonAnswer(200, state.options.encode({ result: 'success', data: [otherRoom(state, roomId)] }));
    case 'redirect':
      return {
        status: fault.status ?? 302,
        headers: { Location: fault.location, 'Content-Type': 'text/html; charset=utf-8' },
        body: `<html><body>Moved to <a href="${fault.location}">here</a></body></html>\n`,
      };
    case 'echo':
      return echoAnswer(state, fault, roomId, [echo, fault.note ?? ''].join(' '));
  }
}

function echoAnswer(
  state: SimulatorState,
  fault: Extract<SimulatorFault, { kind: 'echo' }>,
  roomId: string | undefined,
  echo: string,
): Answer {
  switch (fault.as ?? 'fail') {
    case 'fail':
      return jsonAnswer(
        fault.status ?? 200,
        state.options.encode({ result: 'fail', code: -599, message: echo }),
      );
    case 'page':
      return {
        status: fault.status ?? 500,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
        body: `<html><body><h1>Error</h1><pre>${echo}</pre></body></html>\n`,
      };
    case 'success': {
      const room = (roomId === undefined ? undefined : state.rooms.get(roomId)) ?? otherRoom(state, roomId);
      const echoed = { ...room, chat: { ...room.chat, title: echo } };
      return jsonAnswer(fault.status ?? 200, state.options.encode({ result: 'success', data: [echoed] }));
    }
  }
}

/** The first room that is not `roomId`; a generated one when there is none. */
function otherRoom(state: SimulatorState, roomId: string | undefined): SimRoom {
  for (const [id, room] of state.rooms) {
    if (id !== roomId) {
      return room;
    }
  }
  return generateRoom({ roomId: makeRoomId('other-room'), messageCount: 3 });
}

function record(
  state: SimulatorState,
  request: IncomingMessage,
  roomId: string | undefined,
  tokenPresent: boolean,
): void {
  state.requests.push({
    roomId,
    at: new Date(),
    method: request.method ?? '',
    contentType: headerValue(request.headers['content-type']),
    tokenPresent,
    headers: safeHeaders(state, request.headers),
  });
}

/** A request as an echoing upstream repeats it: its headers (secrets included) and its body (the token). */
export function echoOf(request: IncomingMessage, body: Buffer): string {
  return `${JSON.stringify(request.headers)} ${body.toString('utf8')}`;
}

function isFormContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The request's fields; undefined for a malformed JSON body. Valid JSON that is not an object has no fields. */
export function parseChatDataFields(
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
