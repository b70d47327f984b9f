// zod/mini: the same validation at a fraction of the bundle size.
import * as z from 'zod/mini';
import { describeShapeIssue } from './answer.js';
import { COUNT_TEXT } from './schema.js';

/**
 * The zod schemas of HappyTalk's answers (`chat_data.md`, NOTES.md): the
 * reference that the in-place checks of `schema.ts` follow, and the words
 * for what a refused answer gets wrong. A Lambda function loads this module
 * with `import()` when an answer is refused (`chat-data-client.ts`,
 * `room-list-client.ts`), never at its cold start; `client.ts` and
 * `room-list.ts` import it for the parsers the CLI, tools and tests call.
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

const Count = z.union([z.number(), z.string().check(z.regex(COUNT_TEXT))]);
const Field = z.nullish(z.union([z.string(), z.number()]));

/** One room of a `chat_room_lists` page: what archiving reads of it; the other fields are kept. */
export const ListedChatSchema = z.looseObject({
  id: Identifier,
  status: Field,
  reg_date: Field,
  complate_date: Field,
});

export const RoomListDataSchema = z.looseObject({
  page: z.optional(Count),
  limit: z.optional(Count),
  total_count: Count,
  chat_list: z.nullish(z.array(ListedChatSchema)),
});

export const RoomListSuccessSchema = z.looseObject({
  result: z.literal('success'),
  // PHP encodes an empty result as [] rather than an object.
  data: z.nullish(z.union([RoomListDataSchema, z.array(z.never())])),
});

export const RoomListResponseSchema = z.discriminatedUnion('result', [
  RoomListSuccessSchema,
  ChatDataFailSchema,
]);

export type RawChat = z.infer<typeof RawChatSchema>;
export type RawMessage = z.infer<typeof RawMessageSchema>;
export type RawRoom = z.infer<typeof RawRoomSchema>;
export type ChatDataSuccess = z.infer<typeof ChatDataSuccessSchema>;
export type ChatDataFail = z.infer<typeof ChatDataFailSchema>;
export type ChatDataResponse = z.infer<typeof ChatDataResponseSchema>;
export type ListedChat = z.infer<typeof ListedChatSchema>;
export type RoomListResponse = z.infer<typeof RoomListResponseSchema>;

/** The first issue of a `chat_data` answer the schema refuses, in words that do not quote it. */
export function describeChatDataShape(json: unknown): string {
  return describeShapeIssue(ChatDataResponseSchema.safeParse(json).error?.issues[0]);
}

/** The first issue of a `chat_room_lists` answer the schema refuses, in words that do not quote it. */
export function describeRoomListShape(json: unknown): string {
  return describeShapeIssue(RoomListResponseSchema.safeParse(json).error?.issues[0]);
}
