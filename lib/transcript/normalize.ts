import {
  type ChatDataSuccess,
  DOCUMENTED_CHAT_FIELDS,
  DOCUMENTED_MESSAGE_FIELDS,
  type RawChat,
  type RawRoom,
} from '../happytalk/schema.js';
import { isRecord } from '../shared/records.js';
import { ARCHIVER_VERSION } from '../version.js';
import {
  CHANNEL_CODES,
  CONTENT_TYPE_CODES,
  type CodeTable,
  MESSAGE_TYPE_CODES,
  PARCEL_COMPANY_CODES,
  PHONE_OS_CODES,
  SENDER_CODES,
  STATUS_CODES,
} from './codes.js';
import { readRichContents } from './contents.js';
import {
  compareIds,
  countBySender,
  firstSentAt,
  lastSentAt,
  secondsBetween,
  sortMessages,
} from './message-order.js';
import type { Code, Message, Transcript, Warning } from './schema.js';
import { TRANSCRIPT_SCHEMA_VERSION } from './schema-version.js';
import { type DateTimeConverter, dateTimeConverter, INVALID_DATETIME } from './time.js';

/** Where the raw response of a transcript came from. */
export interface TranscriptSource {
  /** The URL that was called. */
  endpoint: string;
  fetchedAt: Date;
  /** Hex SHA-256 of the raw response bytes. */
  sha256: string;
  /** Defaults to this package's version. */
  archiverVersion?: string;
}

/** How {@link normalizeRoom} reads a room. */
export interface NormalizeRoomOptions {
  /** The transcript's `room_id`; defaults to the room's `chat.id`. */
  roomId?: string;
  /** IANA zone of HappyTalk's bare datetimes; defaults to `Asia/Seoul`. */
  timeZone?: string;
  /**
   * The whole response the room was picked from (by `parseChatData`, which
   * returns both). When given, the fields of the response beside `result` and
   * `data`, and every element of `data` other than `room` (compared by
   * identity), are named first in `warnings`: nothing in the raw response is
   * dropped silently.
   */
  response?: ChatDataSuccess;
}

/**
 * A `chat_data` response as parsed by `parseChatData`, with where and when it
 * was fetched and the hash of its bytes. A `FetchedRoom` with its `sha256` is one.
 */
export interface ParsedResponse {
  readonly response: ChatDataSuccess;
  /** The element of `response.data` to normalize. */
  readonly room: RawRoom;
  /** The URL that was called. */
  readonly endpoint: string;
  readonly fetchedAt: Date;
  /** Hex SHA-256 of the raw response bytes. */
  readonly sha256: string;
}

/**
 * Turns one room of a `chat_data` response into a transcript (transcript-schema
 * v1). Never throws on odd values: each one becomes null, a Code with null
 * label and name, or an `extra` entry, and is named in `warnings`.
 *
 * Warning paths point into the raw response. Without a leading `$` they are
 * relative to the room (the element of `data`): `chat.vote_score`,
 * `message[3].user_type` (3 is the index in the raw `message` array, not in the
 * sorted `messages`), `message[3]` (a whole message), `tags` (a field of the
 * room beside `chat` and `message`). With a leading `$` they start at the
 * response root, and come first (only with `options.response`):
 * `$.extra_field`, `$.data[1]`. Keys that are not identifiers are written
 * `["a key"]`.
 *
 * Messages are ordered by `sent_at` (the instant), then by `id`: two ids made
 * only of digits compare as numbers ("9" before "10"), two other ids compare by
 * UTF-16 code units, and digit-only ids come before the others (the only total
 * order that keeps "numerically when both are digits"). Messages without a
 * usable `sent_at` come last, ordered by id. Equal keys keep the raw order.
 *
 * @throws InvalidTimeZoneError when `options.timeZone` is not a known IANA zone.
 */
export function normalizeRoom(
  room: RawRoom,
  source: TranscriptSource,
  options: NormalizeRoomOptions = {},
): Transcript {
  const clock = dateTimeConverter(options.timeZone);
  const warnings = options.response ? responseWarnings(options.response, room) : [];
  return new RoomNormalizer(clock, warnings).transcript(room, source, options.roomId);
}

/**
 * The transcript of a parsed response: {@link normalizeRoom} with the source
 * and the response taken from `parsed`, so that the response-level warnings
 * cannot be left out.
 *
 * @throws InvalidTimeZoneError when `options.timeZone` is not a known IANA zone.
 */
export function transcriptOf(
  parsed: ParsedResponse,
  options: Omit<NormalizeRoomOptions, 'response'> = {},
): Transcript {
  const { room, response, endpoint, fetchedAt, sha256 } = parsed;
  return normalizeRoom(room, { endpoint, fetchedAt, sha256 }, { ...options, response });
}

const RESPONSE_FIELDS: ReadonlySet<string> = new Set(['result', 'data']);

/** The fields of the response beside `result` and `data`, then the rooms of `data` other than `room`. */
function responseWarnings(response: ChatDataSuccess, room: RawRoom): Warning[] {
  const warnings: Warning[] = [];
  for (const key in response) {
    if (!RESPONSE_FIELDS.has(key)) {
      warnings.push(warning(memberPath('$', key), response[key], 'response field not in the spec'));
    }
  }
  const chosen = String(room.chat.id);
  response.data?.forEach((other, index) => {
    if (other !== room) {
      warnings.push(
        warning(`$.data[${index}]`, other, `another room in data; this transcript is of room ${chosen}`),
      );
    }
  });
  return warnings;
}

const PARAMETER_FIELDS = [
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
] as const;

const CHAT_FIELDS: ReadonlySet<string> = new Set(DOCUMENTED_CHAT_FIELDS);

const MESSAGE_FIELDS: ReadonlySet<string> = new Set(DOCUMENTED_MESSAGE_FIELDS);

const ROOM_FIELDS: ReadonlySet<string> = new Set(['chat', 'message']);
const SCORE = /^[+-]?\d+(?:\.\d+)?$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const CHAT_SCOPE = -1;

type RawRecord = Readonly<Record<string, unknown>>;

/** The state of normalizing one room: its warnings, and the raw record being read for their paths. */
class RoomNormalizer {
  readonly #clock: DateTimeConverter;
  readonly #warnings: Warning[];
  // CHAT_SCOPE while reading `chat`, else the raw index of the message being read.
  #scope = CHAT_SCOPE;

  constructor(clock: DateTimeConverter, warnings: Warning[]) {
    this.#clock = clock;
    this.#warnings = warnings;
  }

  transcript(room: RawRoom, source: TranscriptSource, roomId: string | undefined): Transcript {
    this.#warnRoomFields(room);
    const chat = this.#chat(room.chat);
    const messages = this.#messages(room.message ?? []);
    return {
      schema_version: TRANSCRIPT_SCHEMA_VERSION,
      room_id: roomId ?? chat.id,
      chat,
      messages,
      stats: {
        message_count: messages.length,
        by_sender: countBySender(messages),
        first_message_at: firstSentAt(messages),
        last_message_at: lastSentAt(messages),
        duration_seconds: secondsBetween(chat.registered_at, chat.completed_at),
      },
      warnings: this.#warnings,
      source: {
        endpoint: source.endpoint,
        fetched_at: source.fetchedAt.toISOString(),
        sha256: source.sha256,
        archiver_version: source.archiverVersion ?? ARCHIVER_VERSION,
      },
    };
  }

  #warnRoomFields(room: RawRoom): void {
    for (const key in room) {
      if (!ROOM_FIELDS.has(key)) {
        this.#warnings.push(warning(memberPath('', key), room[key], 'room field not in the spec'));
      }
    }
  }

  #chat(chat: RawChat): Transcript['chat'] {
    this.#scope = CHAT_SCOPE;
    return {
      id: String(chat.id),
      title: this.#text(chat, 'title'),
      status: this.#code(chat, STATUS_CODES, true),
      channel: this.#code(chat, CHANNEL_CODES, true),
      counselor: {
        name: this.#text(chat, 'counselor_name'),
        nickname: this.#text(chat, 'counselor_nickname'),
      },
      customer: { uuid: this.#text(chat, 'customer_uuid'), user_id: this.#text(chat, 'users_id') },
      category: { id: this.#text(chat, 'category_id'), name: this.#text(chat, 'cate_name1') },
      division: { id: this.#text(chat, 'division_id'), name: this.#text(chat, 'cate_name2') },
      subcategory: this.#text(chat, 'etc_assign'),
      registered_at: this.#time(chat, 'reg_date'),
      completed_at: this.#time(chat, 'complate_date'),
      order: {
        order_number: this.#text(chat, 'order_number'),
        product_number: this.#text(chat, 'product_number'),
        parcel_number: this.#text(chat, 'parcel_number'),
        parcel_company: this.#code(chat, PARCEL_COMPANY_CODES, false),
      },
      device: {
        app_version: this.#text(chat, 'app_ver'),
        os: this.#code(chat, PHONE_OS_CODES, false),
        os_version: this.#text(chat, 'phone_osver'),
        model: this.#text(chat, 'phone_model'),
        telecom: this.#text(chat, 'phone_telecomm'),
        app_hash: this.#text(chat, 'app_hash'),
      },
      parameters: PARAMETER_FIELDS.map((field) => this.#text(chat, field)),
      rating: { score: this.#score(chat, 'vote_score'), comment: this.#text(chat, 'vote_comment') },
      tags: this.#tags(chat),
      extra: unknownFields(chat, CHAT_FIELDS),
    };
  }

  #messages(raw: readonly RawRecord[]): Message[] {
    const messages: Message[] = [];
    // Ids usually arrive in increasing order, which rules out a repeat without hashing
    // each id; the set of ids seen is built only once that order breaks.
    let seen: Set<string> | undefined;
    let lastId: string | undefined;
    for (let index = 0; index < raw.length; index++) {
      const record = raw[index];
      if (record === undefined) {
        continue;
      }
      const id = String(record.id);
      if (seen === undefined && (lastId === undefined || compareIds(lastId, id) < 0)) {
        lastId = id;
      } else {
        seen ??= new Set(messages.map((message) => message.id));
        if (seen.has(id)) {
          this.#warnings.push(
            warning(`message[${index}]`, record, `duplicate message id ${id}; the first occurrence is kept`),
          );
          continue;
        }
        seen.add(id);
      }
      this.#scope = index;
      messages.push(this.#message(record, id));
    }
    return sortMessages(messages);
  }

  #message(record: RawRecord, id: string): Message {
    const type = this.#code(record, MESSAGE_TYPE_CODES, true);
    const sender = this.#code(record, SENDER_CODES, true);
    const contentType = this.#code(record, CONTENT_TYPE_CODES, true);
    const contents = this.#text(record, 'contents');
    const message: Message = {
      id,
      from_id: this.#text(record, 'from_id'),
      to_id: this.#text(record, 'to_id'),
      type,
      sender,
      content_type: contentType,
      text: null,
      image_url: null,
      links: NO_LINKS,
      buttons: NO_BUTTONS,
      contents,
      sent_at: this.#time(record, 'send_date'),
      read_at: this.#time(record, 'read_date'),
      extra: unknownFields(record, MESSAGE_FIELDS),
    };
    this.#readContents(message, contentType?.name, contents);
    return message;
  }

  /** Fills `text`, `image_url`, `links` and `buttons` from the contents, as the content type says to read them. */
  #readContents(message: Message, contentType: string | null | undefined, contents: string | null): void {
    if (contents === null) {
      return;
    }
    switch (contentType) {
      case 'image':
        message.image_url = contents;
        return;
      case 'button':
      case 'template':
        this.#readRichContents(message, contentType, contents);
        return;
      default:
        // text, and also an unknown or missing content type: the contents are the best text there is.
        message.text = contents;
    }
  }

  // Button and template contents are a JSON string in template format V1 or V2; see NOTES.md.
  #readRichContents(message: Message, contentType: string, contents: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(contents);
    } catch {
      this.#warn('contents', contents, 'contents is not valid JSON');
      return;
    }
    if (!isRecord(payload)) {
      this.#warn('contents', contents, 'contents is not a JSON object');
      return;
    }
    const read = readRichContents(payload);
    message.text = read.text;
    message.image_url = read.image_url;
    message.links = read.links;
    message.buttons = read.buttons;
    for (const issue of read.issues) {
      this.#warn('contents', issue.value, issue.reason, issue.path);
    }
    if (read.text === null && read.image_url === null && read.buttons.length === 0) {
      this.#warn(
        'contents',
        contents,
        `${contentType} message ${message.id} has no text, image or button that can be read: ` +
          'kept verbatim in contents',
      );
    }
  }

  /**
   * `chat.tags`: a list of strings as given, or HappyTalk's archive form
   * `"#a|#b"` split on `|` (empty pieces left out). Anything else is null with a
   * warning. The raw value stays in `chat.extra` either way: the chat_data spec
   * does not name it.
   */
  #tags(chat: RawChat): string[] | null {
    const value = chat.tags;
    if (value === undefined || value === null || value === '') {
      return null;
    }
    if (typeof value === 'string') {
      return value.split('|').filter((tag) => tag !== '');
    }
    if (Array.isArray(value) && value.every((tag) => typeof tag === 'string')) {
      return [...value];
    }
    this.#warn('tags', value, 'tags is neither a list of strings nor a "#a|#b" string; kept in chat.extra');
    return null;
  }

  /** A documented string field: numbers are stringified, other non-strings become null with a warning. */
  #text(record: RawRecord, field: string): string | null {
    const value = record[field];
    if (typeof value === 'string') {
      return value === '' ? null : value;
    }
    if (value === null || value === undefined) {
      return null;
    }
    if (typeof value === 'number') {
      return String(value);
    }
    this.#warn(field, value, `expected a string, got ${kindOf(value)}`);
    return null;
  }

  #code(record: RawRecord, table: CodeTable, required: boolean): Code | null {
    const field = table.field;
    const value = record[field];
    if (value === null || value === undefined || value === '') {
      if (required) {
        this.#warn(field, value, `missing ${field}`);
      }
      return null;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.#warn(field, value, `expected a ${field} code, got ${kindOf(value)}`);
      return null;
    }
    const code = String(value);
    const known = table.codes.get(code);
    if (known === undefined) {
      this.#warn(field, value, `unknown ${field} code (not in the spec's table)`);
      return { code, label: null, name: null };
    }
    return known;
  }

  #time(record: RawRecord, field: string): string | null {
    const value = record[field];
    const time = this.#clock.toTime(value);
    if (time === INVALID_DATETIME) {
      this.#warn(field, value, 'not a valid datetime (expected Y-m-d H:i:s)');
      return null;
    }
    return time;
  }

  #score(record: RawRecord, field: string): number | null {
    const value = record[field];
    if (value === null || value === undefined || value === '') {
      return null;
    }
    if (typeof value === 'number' && Number.isFinite(value)) {
      return value;
    }
    if (typeof value === 'string' && SCORE.test(value)) {
      return Number(value);
    }
    this.#warn(field, value, `${field} is not a number`);
    return null;
  }

  /** A warning about `field` of the record being read, or about `below` (`.key`, `[3]`) inside its value. */
  #warn(field: string, value: unknown, reason: string, below = ''): void {
    const scope = this.#scope === CHAT_SCOPE ? 'chat' : `message[${this.#scope}]`;
    this.#warnings.push(warning(`${memberPath(scope, field)}${below}`, value, reason));
  }
}

function warning(path: string, value: unknown, reason: string): Warning {
  // JSON has no undefined: an absent value is reported as null.
  return { path, value: value === undefined ? null : value, reason };
}

function memberPath(parent: string, key: string): string {
  if (IDENTIFIER.test(key)) {
    return parent === '' ? key : `${parent}.${key}`;
  }
  return `${parent}[${JSON.stringify(key)}]`;
}

function kindOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}

/** The fields of `record` the spec does not name, verbatim and in their order. */
function unknownFields(record: RawRecord, known: ReadonlySet<string>): Record<string, unknown> {
  let extra: Record<string, unknown> | undefined;
  for (const key in record) {
    if (!known.has(key)) {
      extra ??= {};
      // defineProperty, so that a "__proto__" key stays a plain field.
      Object.defineProperty(extra, key, {
        value: record[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return extra ?? NO_EXTRA;
}

// What most messages have, shared (and frozen, so that no writer changes them for every message): a large
// room then allocates no empty array or object per message.
const NO_LINKS = Object.freeze([]) as unknown as Message['links'];
const NO_BUTTONS = Object.freeze([]) as unknown as Message['buttons'];
const NO_EXTRA = Object.freeze({}) as Record<string, unknown>;
