import { DOCUMENTED_CHAT_FIELDS } from '../../lib/happytalk/schema.js';
import { InvalidSimRoomError } from './errors.js';
import { encodePhpJson } from './php-json.js';

export { DOCUMENTED_CHAT_FIELDS, DOCUMENTED_MESSAGE_FIELDS } from '../../lib/happytalk/schema.js';

/**
 * One element of `data` in a `chat_data` answer, in HappyTalk's raw shape:
 * `chat` holds the room's fields, `message` its messages, values as HappyTalk
 * sends them (strings, with the nulls and odd codes it is known to send).
 */
export interface SimRoom {
  chat: Record<string, unknown>;
  message: Record<string, unknown>[];
}

/** The `complate_date` HappyTalk sends for a room that is still open. */
export const OPEN_ROOM_COMPLATE_DATE = '0000-00-00 00:00:00';

/** Statuses of a room not finished yet (NOTES.md): in the chatbot (-2, -1), with a counselor (0, 1). */
export const OPEN_ROOM_STATUSES: ReadonlySet<string> = new Set(['-2', '-1', '0', '1']);

/** The sender id of the chatbot's messages. */
export const BOT_ID = 'happytalk_bot';

type ChatField = (typeof DOCUMENTED_CHAT_FIELDS)[number];
type ChatValues = Partial<Record<ChatField, string | null>> & { id: string };

/** Every documented field, `""` unless given; votes default to null as in the spec's example. */
export function chatRecord(
  values: ChatValues,
  unknownFields: Record<string, unknown> = {},
): Record<string, unknown> {
  const chat: Record<string, unknown> = {};
  for (const field of DOCUMENTED_CHAT_FIELDS) {
    chat[field] = field === 'vote_score' || field === 'vote_comment' ? null : '';
  }
  return { ...chat, ...values, ...unknownFields };
}

export interface MessageValues {
  id: string;
  from: string;
  to: string;
  userType: string;
  contents: string;
  sent: string;
  read?: string;
  type?: string;
  contentsType?: string;
}

export function messageRecord(values: MessageValues): Record<string, unknown> {
  return {
    id: values.id,
    from_id: values.from,
    to_id: values.to,
    type: values.type ?? 'C',
    user_type: values.userType,
    contents_type: values.contentsType ?? 'text',
    contents: values.contents,
    send_date: values.sent,
    read_date: values.read ?? values.sent,
  };
}

export function imageUrl(day: string, hash: string): string {
  return `https://static.happytalk.io/data/chat_data/${day}/${hash}_w.png`;
}

/**
 * HappyTalk's own example of a template V2 message (its chat-history API
 * documentation, customer_uuid example), byte for byte.
 */
export const DOCUMENTED_V2_TEMPLATE =
  '{"type":"TEXT","message":"텍스트 + 버튼에 텍스트","isLocked":false,"buttonList":[{"type":"WEB_LINK","name":"링크","pcUrl":"https://example.com","mobileUrl":"https://example.com"},{"type":"TEXT","name":"봇키워드"}]}';

/** The V2 chatbot menu: bot keywords (TEXT buttons), input locked until one is picked. */
export function keywordMenuV2(message: string, keywords: readonly string[]): string {
  return encodePhpJson({
    type: 'TEXT',
    message,
    isLocked: true,
    buttonList: keywords.map((name) => ({ type: 'TEXT', name })),
  });
}

/**
 * The room id of a {@link SimRoom}: its `chat.id` as a string.
 *
 * @throws InvalidSimRoomError when `chat.id` is neither a non-empty string nor a number.
 */
export function simRoomId(room: SimRoom): string {
  const id = room.chat.id;
  if (typeof id === 'string' && id !== '') {
    return id;
  }
  if (typeof id === 'number' && Number.isFinite(id)) {
    return String(id);
  }
  throw new InvalidSimRoomError(`room chat.id must be a non-empty string, received ${JSON.stringify(id)}`);
}
