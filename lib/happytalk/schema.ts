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

/** The path of the `chat_data` endpoint below a HappyTalk base URL. */
export const CHAT_DATA_PATH = '/user/api/chat_data/format/json';
