/**
 * HappyTalk's `chat_data` API: the client (`HappyTalkClient`, in
 * `chat-data-client.ts`) and {@link parseChatData}, its parser as a function
 * that names a refused answer's first issue at once. That needs the zod
 * schemas loaded with this module, so the code a Lambda function loads
 * imports `chat-data-client.ts` instead, and loads them only on a refused
 * answer.
 */
import { notDocumentedShape } from './answer.js';
import { type ParsedChatData, readChatData } from './chat-data-client.js';
import { describeChatDataShape } from './shape-schemas.js';

export * from './chat-data-client.js';

/**
 * Parses and classifies a `chat_data` response body: the one parser of
 * HappyTalk's answer, used by the CLI's `normalize`, verification and
 * reindexing (`HappyTalkClient.fetchRoom` runs it with the schemas loaded on
 * first use). Decodes UTF-8 (strictly), parses it with integers beyond 2^53 as
 * exact digit strings (`parseAnswerJson`), checks the documented shape
 * in place (`isChatDataResponse`; the zod schema names a refused answer's
 * first issue), and picks the room whose `chat.id` is `roomId` (the first one
 * if several are), or, without `roomId`, the only room. Messages describe the answer,
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
  const answer = readChatData(bytes, roomId);
  if ('refused' in answer) throw notDocumentedShape(answer.subject, describeChatDataShape(answer.refused));
  return answer;
}
