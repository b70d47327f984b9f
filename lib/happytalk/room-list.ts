/**
 * HappyTalk's `chat_room_lists` API: the client, the listing (in
 * `room-list-client.ts`) and {@link parseRoomList}, the page parser as a
 * function that names a refused answer's first issue at once. That needs the
 * zod schema loaded with this module, so the code a Lambda function loads
 * imports `room-list-client.ts` instead, and loads it only on a refused answer.
 */
import { notDocumentedShape } from './answer.js';
import { type RoomListPage, readRoomList } from './room-list-client.js';
import { describeRoomListShape } from './shape-schemas.js';

export * from './room-list-client.js';

/**
 * Parses and classifies a `chat_room_lists` response body. `page`, `limit` and
 * `total_count` may be numbers or digit strings. A fail `-503` ("no matching
 * room") is an empty page: for a list it means nothing matched.
 *
 * @throws HappyTalkAuthError for fail `-501` and `-502`
 * @throws OverDateError for fail `-504`
 * @throws HappyTalkUnavailableError for a body that is not UTF-8 JSON, not the
 *   documented shape, or an undocumented fail code
 */
export function parseRoomList(bytes: Uint8Array, subject = 'the room list'): Omit<RoomListPage, 'attempts'> {
  const answer = readRoomList(bytes, subject);
  if ('refused' in answer) throw notDocumentedShape(subject, describeRoomListShape(answer.refused));
  return answer;
}
