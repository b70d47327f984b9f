// zod/mini: the same validation at a fraction of the bundle size (this runs in Lambda).
import * as z from 'zod/mini';

/**
 * Shapes of HappyTalk's `chat_data` responses, as documented in `chat_data.md`.
 *
 * Validation is structural only: the envelope, a `chat` object with an id and a
 * `message` array of objects with ids. Field values are left as received
 * (HappyTalk adds fields and sends odd values); the normalizer maps them and
 * turns every oddity into a warning instead of an error.
 */

const Identifier = z.union([z.string().check(z.minLength(1)), z.number()]);

/** One chat (room) record: every documented field is optional and of any type; unknown fields are kept. */
export const RawChatSchema = z.looseObject({ id: Identifier });

/** One message record; unknown fields are kept. */
export const RawMessageSchema = z.looseObject({ id: Identifier });

/** One element of `data`: a room with its messages. */
export const RawRoomSchema = z.looseObject({
  chat: RawChatSchema,
  message: z.nullish(z.array(RawMessageSchema)),
});

export const ChatDataSuccessSchema = z.looseObject({
  result: z.literal('success'),
  data: z.nullish(z.array(RawRoomSchema)),
});

export const ChatDataFailSchema = z.looseObject({
  result: z.literal('fail'),
  code: z.union([z.number(), z.string()]),
  message: z.nullish(z.string()),
});

export const ChatDataResponseSchema = z.discriminatedUnion('result', [
  ChatDataSuccessSchema,
  ChatDataFailSchema,
]);

export type RawChat = z.infer<typeof RawChatSchema>;
export type RawMessage = z.infer<typeof RawMessageSchema>;
export type RawRoom = z.infer<typeof RawRoomSchema>;
export type ChatDataSuccess = z.infer<typeof ChatDataSuccessSchema>;
export type ChatDataFail = z.infer<typeof ChatDataFailSchema>;
export type ChatDataResponse = z.infer<typeof ChatDataResponseSchema>;

/**
 * Whether `value` (parsed JSON) is a `chat_data` response that
 * {@link ChatDataResponseSchema} accepts, checked in place.
 *
 * Parsing with the schema copies every object of the response, and the
 * messages of a large room are most of them: for 100,000 messages the copy cost
 * about half as much as `JSON.parse`, held a second tree in memory until the
 * room was written, and dropped any key named `__proto__` (the copy assigns keys). So
 * the valid answer, the usual one, is checked here without copying, and the
 * schema runs only on what this refuses, to name the first issue. Keep the
 * two in step: this must never accept what the schema refuses (it may refuse
 * more; the schema then decides).
 */
export function isChatDataResponse(value: unknown): value is ChatDataResponse {
  if (!isPlainObject(value)) return false;
  if (value.result === 'fail') {
    const { code, message } = value;
    return (
      (typeof code === 'string' || isFiniteNumber(code)) &&
      (message === undefined || message === null || typeof message === 'string')
    );
  }
  if (value.result !== 'success') return false;
  const data = value.data;
  if (data === undefined || data === null) return true;
  if (!Array.isArray(data)) return false;
  for (const room of data) {
    if (!isPlainObject(room) || !isPlainObject(room.chat) || !isIdentifier(room.chat.id)) return false;
    const messages = room.message;
    if (messages === undefined || messages === null) continue;
    if (!Array.isArray(messages)) return false;
    for (const message of messages) {
      if (!isPlainObject(message) || !isIdentifier(message.id)) return false;
    }
  }
  return true;
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
