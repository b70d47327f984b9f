/**
 * HappyTalk's answers checked in place, without zod: what a Lambda function
 * runs on every answer. The zod schemas they follow are in
 * `shape-schemas.ts`, loaded only to name what a refused answer gets wrong;
 * the types below come from those schemas (types only: nothing of zod is
 * loaded with this module). The two must accept and refuse alike
 * (`test/unit/happytalk/shape-checks.test.ts` runs both over the same answers).
 */
import type { ChatDataResponse, RoomListResponse } from './shape-schemas.js';

export type {
  ChatDataFail,
  ChatDataResponse,
  ChatDataSuccess,
  ListedChat,
  RawChat,
  RawMessage,
  RawRoom,
  RoomListResponse,
} from './shape-schemas.js';

/** A count of the room list (`page`, `limit`, `total_count`) sent as a string: digits, maybe padded. */
export const COUNT_TEXT = /^\s*\d+\s*$/;

/**
 * Whether `value` (parsed JSON) is a `chat_data` response that the schema
 * (`ChatDataResponseSchema`) accepts, checked in place.
 *
 * Parsing with the schema copies every object of the response, and the
 * messages of a large room are most of them: for 100,000 messages the copy cost
 * about half as much as `JSON.parse`, held a second tree in memory until the
 * room was written, and dropped any key named `__proto__` (the copy assigns keys).
 * So the answer is checked here without copying, and the schema runs only on
 * what this refuses, to name the first issue.
 */
export function isChatDataResponse(value: unknown): value is ChatDataResponse {
  if (!isPlainObject(value)) return false;
  if (value.result === 'fail') return isFailAnswer(value);
  if (value.result !== 'success') return false;
  const data = value.data;
  if (isAbsent(data)) return true;
  if (!Array.isArray(data)) return false;
  for (const room of data) {
    if (!isPlainObject(room) || !isPlainObject(room.chat) || !isIdentifier(room.chat.id)) return false;
    const messages = room.message;
    if (isAbsent(messages)) continue;
    if (!Array.isArray(messages)) return false;
    for (const message of messages) {
      if (!isPlainObject(message) || !isIdentifier(message.id)) return false;
    }
  }
  return true;
}

/**
 * Whether `value` (parsed JSON) is a `chat_room_lists` response that the
 * schema (`RoomListResponseSchema`) accepts, checked in place: the list runs
 * on every page of every reconciliation and watcher pass.
 */
export function isRoomListResponse(value: unknown): value is RoomListResponse {
  if (!isPlainObject(value)) return false;
  if (value.result === 'fail') return isFailAnswer(value);
  if (value.result !== 'success') return false;
  const data = value.data;
  // PHP encodes an empty result as [] rather than an object.
  if (isAbsent(data) || (Array.isArray(data) && data.length === 0)) return true;
  if (!isPlainObject(data)) return false;
  if (!isCount(data.total_count)) return false;
  if (
    (data.page !== undefined && !isCount(data.page)) ||
    (data.limit !== undefined && !isCount(data.limit))
  ) {
    return false;
  }
  const chats = data.chat_list;
  if (isAbsent(chats)) return true;
  if (!Array.isArray(chats)) return false;
  return chats.every(
    (chat) =>
      isPlainObject(chat) &&
      isIdentifier(chat.id) &&
      isField(chat.status) &&
      isField(chat.reg_date) &&
      isField(chat.complate_date),
  );
}

/** A fail answer: `code` a number or a string, `message` a string if any. */
function isFailAnswer(value: Record<string, unknown>): boolean {
  const { code, message } = value;
  return (
    (typeof code === 'string' || isFiniteNumber(code)) && (isAbsent(message) || typeof message === 'string')
  );
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function isCount(value: unknown): boolean {
  return isFiniteNumber(value) || (typeof value === 'string' && COUNT_TEXT.test(value));
}

function isField(value: unknown): boolean {
  return isAbsent(value) || typeof value === 'string' || isFiniteNumber(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdentifier(value: unknown): boolean {
  return (typeof value === 'string' && value.length > 0) || isFiniteNumber(value);
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The path of the `chat_data` endpoint below a HappyTalk base URL. */
export const CHAT_DATA_PATH = '/user/api/chat_data/format/json';

/** The `chat` fields documented in `chat_data.md`, in the spec's order. */
export const DOCUMENTED_CHAT_FIELDS = [
  'id',
  'title',
  'counselor_name',
  'counselor_nickname',
  'customer_uuid',
  'users_id',
  'category_id',
  'division_id',
  'cate_name1',
  'cate_name2',
  'etc_assign',
  'reg_date',
  'complate_date',
  'out_api',
  'status',
  'order_number',
  'product_number',
  'parcel_number',
  'parcel_companycode',
  'app_ver',
  'phone_os',
  'phone_model',
  'phone_osver',
  'phone_telecomm',
  'app_hash',
  'parameter1',
  'parameter2',
  'parameter3',
  'parameter4',
  'parameter5',
  'parameter6',
  'parameter7',
  'parameter8',
  'parameter9',
  'parameter10',
  'vote_score',
  'vote_comment',
] as const;

/** The `message` fields documented in `chat_data.md`, in the spec's order. */
export const DOCUMENTED_MESSAGE_FIELDS = [
  'id',
  'from_id',
  'to_id',
  'type',
  'user_type',
  'contents_type',
  'contents',
  'send_date',
  'read_date',
] as const;
