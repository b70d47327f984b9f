/** The `chat_room_lists` endpoint: the rooms of a date range, as NOTES.md describes it, or a fault. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Answer,
  headerValue,
  jsonAnswer,
  methodNotAllowed,
  readBody,
  send,
  sendTruncated,
  textAnswer,
} from './http.js';
import { readRoomListRequest, roomListAnswer } from './room-list.js';
import { CHAT_DATA_BODY_LIMIT, echoOf, faultAnswer, parseChatDataFields } from './serve-chat-data.js';
import { credentialsMatch, failAnswer, type SimulatorState, todayOf } from './state.js';

/** The fault key of room list requests (`'*'` applies to them too when it is not set). */
export const ROOM_LIST_FAULT_KEY = '@chat_room_lists';

/** `POST {CHAT_ROOM_LISTS_PATH}`: the same parsing, faults, latency and credential checks as `chat_data`. */
export async function serveRoomList(
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'POST') return send(response, methodNotAllowed('POST'));
  const contentType = headerValue(request.headers['content-type']);
  const requestBody = await readBody(request, CHAT_DATA_BODY_LIMIT);
  const fields = parseChatDataFields(requestBody, contentType);
  if (fields === undefined) return send(response, textAnswer(400, 'Bad Request: malformed JSON body'));
  const fault = state.faults.take(ROOM_LIST_FAULT_KEY);
  await state.sleep(state.options.latencyMs);
  if (fault?.kind === 'delay') await state.sleep(fault.ms);
  if (state.closing() || response.destroyed) return;
  const today = todayOf(state);
  const parsed = readRoomListRequest(fields, today);
  let answer: Answer;
  let outcome: 'success' | number;
  if (fields.token !== state.options.token) {
    [answer, outcome] = [failAnswer(state, -501, 'token'), -501];
  } else if (!credentialsMatch(state, request.headers)) {
    [answer, outcome] = [failAnswer(state, -502, 'unAuthorized'), -502];
  } else if (parsed === undefined) {
    // Undocumented: HappyTalk's answer to a malformed date is unknown; the simulator says which field.
    [answer, outcome] = [failAnswer(state, -500, 'date'), -500];
  } else {
    const result = roomListAnswer(parsed, state.rooms.values(), state.options.queryWindow, today);
    outcome = result.kind === 'success' ? 'success' : result.code;
    answer =
      result.kind === 'success'
        ? jsonAnswer(200, state.options.encode(result.body))
        : failAnswer(state, result.code, result.message);
  }
  state.roomListRequests.push({
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
  return send(response, faultAnswer(state, fault, undefined, echoOf(request, requestBody)));
}
