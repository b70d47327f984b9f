import { InvalidSimRoomError } from './errors.js';
import {
  BOT_LINES,
  CATEGORIES,
  COUNSELOR_LINES,
  COUNSELORS,
  CUSTOMER_LINES,
  EMOJI,
  KEYWORDS,
  MEMO_LINES,
  TAGS,
  UNREADABLE_V2_TEMPLATE,
  V1_TEMPLATES,
  V2_TEMPLATES,
} from './generated-content.js';
import {
  createRandom,
  pick,
  type RandomSource,
  randomAlphanumeric,
  randomHex,
  randomInt,
  seedFromText,
} from './random.js';
import {
  BOT_ID,
  chatRecord,
  imageUrl,
  messageRecord,
  OPEN_ROOM_COMPLATE_DATE,
  OPEN_ROOM_STATUSES,
  type SimRoom,
} from './room-records.js';

/** Options of {@link generateRoom}. */
export interface GenerateRoomOptions {
  /** The room id (`chat.id`); any non-empty string. See {@link makeRoomId} for a HappyTalk-like one. */
  roomId: string;
  /** How many messages the room has: an integer from 0. */
  messageCount: number;
  /** Seed of the generator; default: derived from `roomId`. Same options, same room. */
  seed?: number;
  /** `chat.status`; default `"2"` (completed). `"-2"`, `"-1"`, `"0"` and `"1"` make an open room. */
  status?: string;
  /** `chat.reg_date` and the first message's time, `YYYY-MM-DD HH:mm:ss`; default `2024-01-15 09:00:00`. */
  regDate?: string;
  /**
   * The bot's template format: with `v1` or `v2`, the greeting and some bot
   * messages are button or template messages in that format (V2 ones of
   * several button types, some with `isLocked`, now and then one with nothing
   * readable), and a `v2` room has `tags`, as a list or as `"#a|#b"`, or none.
   * Default: none, the bot sends plain text.
   */
  templates?: TemplateFormat;
}

/** HappyTalk's two template formats (NOTES.md): V1 before its 2026-06-30 deadline, V2 after. */
export type TemplateFormat = 'v1' | 'v2';

const DEFAULT_REG_DATE = '2024-01-15 09:00:00';
/**
 * Chat fields and messages draw from separate streams, so the same room with
 * more messages keeps its chat fields and its earlier messages, as a room that
 * grew would.
 */
const MESSAGE_STREAM = 0x9e3779b9;
const TAG_STREAM = 0x85ebca6b;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function parseDatetime(text: string): number {
  const parts = DATETIME.exec(text);
  if (parts === null) {
    throw new InvalidSimRoomError(
      `regDate must look like YYYY-MM-DD HH:mm:ss, received ${JSON.stringify(text)}`,
    );
  }
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const ms = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  if (Number.isNaN(ms) || formatDatetime(ms) !== text) {
    throw new InvalidSimRoomError(`regDate must be a real date and time, received ${JSON.stringify(text)}`);
  }
  return ms;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** HappyTalk's bare `Y-m-d H:i:s`; the generator works in a zone-less clock. */
function formatDatetime(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

function imageDay(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}_${two(date.getUTCMonth() + 1)}_${two(date.getUTCDate())}`;
}

function validateGenerateOptions(options: GenerateRoomOptions): void {
  if (typeof options.roomId !== 'string' || options.roomId === '') {
    throw new InvalidSimRoomError(
      `roomId must be a non-empty string, received ${JSON.stringify(options.roomId)}`,
    );
  }
  if (!Number.isSafeInteger(options.messageCount) || options.messageCount < 0) {
    throw new InvalidSimRoomError(
      `messageCount must be an integer from 0, received ${JSON.stringify(options.messageCount)}`,
    );
  }
}

interface Participants {
  customer: string;
  counselor: string;
}

function withEmoji(random: RandomSource, text: string): string {
  return random() < 0.15 ? `${text} ${pick(random, EMOJI)}` : text;
}

function generatedMessage(
  random: RandomSource,
  people: Participants,
  messageId: number,
  sentMs: number,
): Record<string, unknown> {
  const roll = random();
  const id = String(messageId);
  const sent = formatDatetime(sentMs);
  const read = formatDatetime(sentMs + randomInt(random, 0, 20) * 1000);
  if (roll < 0.02) {
    return messageRecord({
      id,
      from: people.counselor,
      to: people.counselor,
      type: 'M',
      userType: 'H',
      contents: pick(random, MEMO_LINES),
      sent,
    });
  }
  if (roll < 0.05) {
    return messageRecord({
      id,
      from: people.customer,
      to: people.counselor,
      userType: 'C',
      contentsType: 'image',
      contents: imageUrl(imageDay(sentMs), randomHex(random, 32)),
      sent,
      read,
    });
  }
  if (roll < 0.08) {
    return messageRecord({
      id,
      from: BOT_ID,
      to: people.customer,
      userType: 'B',
      contents: pick(random, BOT_LINES),
      sent,
    });
  }
  if (roll < 0.54) {
    const line = pick(random, CUSTOMER_LINES);
    const text = random() < 0.08 ? `${line}\n${pick(random, CUSTOMER_LINES)}` : line;
    return messageRecord({
      id,
      from: people.customer,
      to: people.counselor,
      userType: 'C',
      contents: withEmoji(random, text),
      sent,
      read,
    });
  }
  return messageRecord({
    id,
    from: people.counselor,
    to: people.customer,
    userType: 'H',
    contents: withEmoji(random, pick(random, COUNSELOR_LINES)),
    sent,
    read,
  });
}

/**
 * A HappyTalk-like 30-character alphanumeric room id, the same for the same seed.
 */
export function makeRoomId(seed: number | string): string {
  return randomAlphanumeric(createRandom(typeof seed === 'string' ? seedFromText(seed) : seed), 30);
}

/**
 * A large room of realistic Korean messages, deterministic for the same options
 * (seeded, no `Math.random`). Message ids are increasing numeric strings and
 * send dates never go back. The first message is a bot greeting; a completed
 * room ends with the customer's "고객님이 종료하였습니다." and its
 * `complate_date` is that message's time; an open room (status -2, -1, 0 or 1) has
 * `complate_date` "0000-00-00 00:00:00". Messages mix customer and counselor
 * text (some with emoji or newlines), bot text, memos and images.
 *
 * @throws InvalidSimRoomError when an option is out of range.
 */
export function generateRoom(options: GenerateRoomOptions): SimRoom {
  validateGenerateOptions(options);
  const seed = options.seed ?? seedFromText(options.roomId);
  const status = options.status ?? '2';
  const regDate = options.regDate ?? DEFAULT_REG_DATE;
  const isOpen = OPEN_ROOM_STATUSES.has(status);
  const { chat, people } = generatedChat(createRandom(seed), options.roomId, status, regDate);
  if (options.templates === 'v2') {
    // Drawn from a stream of their own, so that the other chat fields stay those of a room without tags.
    const tags = generatedTags(createRandom(seed ^ TAG_STREAM));
    if (tags !== undefined) chat.tags = tags;
  }
  const messages = generatedMessages(createRandom(seed ^ MESSAGE_STREAM), people, {
    count: options.messageCount,
    startMs: parseDatetime(regDate),
    closes: !isOpen,
    templates: options.templates,
  });
  const lastSent = messages.at(-1)?.send_date ?? regDate;
  chat.complate_date = isOpen ? OPEN_ROOM_COMPLATE_DATE : lastSent;
  return { chat, message: messages };
}

function generatedChat(
  random: RandomSource,
  roomId: string,
  status: string,
  regDate: string,
): { chat: Record<string, unknown>; people: Participants } {
  const [counselorName, counselorNickname, counselorId] = pick(random, COUNSELORS);
  const [category1, category2] = pick(random, CATEGORIES);
  const userId = `user${randomInt(random, 1000, 99_999)}`;
  const people: Participants = { customer: `1000225570_${userId}`, counselor: counselorId };
  const orderSerial = String(randomInt(random, 1, 9_999_999)).padStart(7, '0');
  const chat = chatRecord({
    id: roomId,
    title: `${category1} 상담`,
    counselor_name: counselorName,
    counselor_nickname: counselorNickname,
    customer_uuid: people.customer,
    users_id: userId,
    category_id: String(randomInt(random, 70_000, 79_999)),
    division_id: String(randomInt(random, 70_000, 79_999)),
    cate_name1: category1,
    cate_name2: category2,
    reg_date: regDate,
    out_api: String(randomInt(random, 0, 2)),
    status,
    order_number: `${regDate.slice(0, 10).replaceAll('-', '')}-${orderSerial}`,
    phone_os: pick(random, ['A', 'I', 'W']),
  });
  return { chat, people };
}

interface MessagePlan {
  count: number;
  startMs: number;
  /** Whether the last message is the customer closing the room. */
  closes: boolean;
  templates: TemplateFormat | undefined;
}

function generatedMessages(
  random: RandomSource,
  people: Participants,
  plan: MessagePlan,
): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = new Array(plan.count);
  let messageId = randomInt(random, 1_000_000, 8_999_999);
  let sentMs = plan.startMs;
  for (let index = 0; index < plan.count; index++) {
    if (index === 0) {
      messages[index] = plan.templates
        ? templateMessage(random, people, messageId, sentMs, plan.templates, true)
        : greetingMessage(random, people, messageId, sentMs);
    } else if (plan.closes && index === plan.count - 1) {
      messages[index] = closingMessage(people, messageId, sentMs);
    } else if (plan.templates && index === 1) {
      // The customer picks a keyword of the menu; the bot answers with a template.
      messages[index] = messageRecord({
        id: String(messageId),
        from: people.customer,
        to: BOT_ID,
        userType: 'C',
        contents: pick(random, KEYWORDS),
        sent: formatDatetime(sentMs),
      });
    } else if (plan.templates && index === 2) {
      messages[index] = templateMessage(random, people, messageId, sentMs, plan.templates, false);
    } else {
      const message = generatedMessage(random, people, messageId, sentMs);
      messages[index] =
        plan.templates && message.user_type === 'B'
          ? templateMessage(random, people, messageId, sentMs, plan.templates, false)
          : message;
    }
    messageId += randomInt(random, 1, 3);
    sentMs += randomInt(random, 1, 30) * 1000;
  }
  return messages;
}

function greetingMessage(
  random: RandomSource,
  people: Participants,
  messageId: number,
  sentMs: number,
): Record<string, unknown> {
  return messageRecord({
    id: String(messageId),
    from: BOT_ID,
    to: people.customer,
    userType: 'B',
    contents: pick(random, BOT_LINES),
    sent: formatDatetime(sentMs),
  });
}

/** A third of the rooms have no tags, a third a list, a third HappyTalk's archive form `"#a|#b"`. */
function generatedTags(random: RandomSource): string[] | string | undefined {
  const roll = random();
  if (roll < 1 / 3) return undefined;
  const first = pick(random, TAGS);
  const second = pick(random, TAGS);
  const tags = first === second ? [first] : [first, second];
  return roll < 2 / 3 ? tags : tags.join('|');
}

/** A bot button or template message; the greeting is the menu of its format. */
function templateMessage(
  random: RandomSource,
  people: Participants,
  messageId: number,
  sentMs: number,
  format: TemplateFormat,
  greeting: boolean,
): Record<string, unknown> {
  const day = imageDay(sentMs);
  const values = {
    id: String(messageId),
    from: BOT_ID,
    to: people.customer,
    userType: 'B',
    sent: formatDatetime(sentMs),
  };
  if (format === 'v1') {
    const template = greeting ? V1_TEMPLATES[0] : pick(random, V1_TEMPLATES);
    return messageRecord({ ...values, ...template(random, day) });
  }
  const roll = random();
  const contents = greeting
    ? V2_TEMPLATES[0](random, day)
    : roll < 0.1
      ? UNREADABLE_V2_TEMPLATE
      : pick(random, V2_TEMPLATES)(random, day);
  return messageRecord({ ...values, contentsType: 'template', contents });
}

function closingMessage(people: Participants, messageId: number, sentMs: number): Record<string, unknown> {
  return messageRecord({
    id: String(messageId),
    from: people.customer,
    to: people.counselor,
    userType: 'C',
    contents: '고객님이 종료하였습니다.',
    sent: formatDatetime(sentMs),
  });
}
