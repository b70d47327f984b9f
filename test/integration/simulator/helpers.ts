import type { Simulator } from '../../../dev/simulator/server.js';
import { CHAT_DATA_PATH } from '../../../lib/happytalk/schema.js';

export const TOKEN = 'test-token-5f2a';

/** POSTs a JSON body to the simulator's chat_data endpoint. */
export function postChatData(
  simulator: Simulator,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${simulator.url}${CHAT_DATA_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Asks for one room with the right token. */
export function askRoom(simulator: Simulator, roomId: string): Promise<Response> {
  return postChatData(simulator, { token: TOKEN, room_id: roomId });
}

/** The response's status, content type and parsed JSON body. */
export async function readJson(
  response: Response,
): Promise<{ status: number; type: string | null; body: unknown }> {
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}
