/**
 * Rooms that open and finish while the simulator runs: each one appears,
 * open, when the simulator's clock reaches its registration, and finishes
 * (completed, or ended in the chatbot) when the clock reaches its end. With a
 * fake clock, a whole day of HappyTalk plays out in a test.
 */
import { InvalidSimRoomError } from './errors.js';
import { generateRoom, makeRoomId } from './generate-room.js';
import { createRandom, pick, randomInt } from './random.js';
import { OPEN_ROOM_STATUSES, type SimRoom } from './room-records.js';

/** One room that opens at `registeredAt` and finishes at `finishesAt`. */
export interface LiveRoomPlan {
  readonly roomId: string;
  readonly registeredAt: Date;
  /** When it finishes; undefined: it stays open (finish it with `completeRoom` or the control API). */
  readonly finishesAt?: Date;
  /** The status it finishes with: `"2"` completed (default) or `"4"` ended in the chatbot. */
  readonly finalStatus?: string;
  /** Its status while open: `"-2"`, `"-1"`, `"0"` or `"1"` (default). */
  readonly openStatus?: string;
  /** Messages before it finishes (default 4). */
  readonly messageCount?: number;
}

/** Options of {@link generateLiveRooms}. */
export interface GenerateLiveRoomsOptions {
  /** The first registration. */
  readonly start: Date;
  /** Registrations spread evenly, with jitter, over this many ms from `start`. */
  readonly spanMs: number;
  readonly rooms: number;
  /** Default 1. Same options, same rooms. */
  readonly seed?: number;
  /** How long a room stays open, from and to, in ms (default 2 minutes to 3 hours). */
  readonly openForMs?: readonly [number, number];
  /** Share of the rooms that end in the chatbot (status 4), default 0.3. */
  readonly chatbotEndedShare?: number;
  /** Share of the rooms that never finish, default 0.1. */
  readonly unfinishedShare?: number;
}

const FINAL_STATUSES: ReadonlySet<string> = new Set(['2', '4']);
const SEOUL_OFFSET_MS = 9 * 3_600_000;

/**
 * Rooms registered over a span of time, each open for a while and finishing
 * completed or in the chatbot, a share never finishing. Deterministic.
 *
 * @throws InvalidSimRoomError when an option is out of range.
 */
export function generateLiveRooms(options: GenerateLiveRoomsOptions): LiveRoomPlan[] {
  const [shortest, longest] = options.openForMs ?? [120_000, 3 * 3_600_000];
  const chatbotShare = options.chatbotEndedShare ?? 0.3;
  const unfinishedShare = options.unfinishedShare ?? 0.1;
  if (!Number.isInteger(options.rooms) || options.rooms < 1) {
    throw new InvalidSimRoomError(`rooms must be a positive integer, received ${options.rooms}`);
  }
  if (!(options.spanMs >= 0) || !(shortest >= 0) || !(longest >= shortest)) {
    throw new InvalidSimRoomError(
      `spanMs must be 0 or more and openForMs [min, max] with 0 <= min <= max, received ${options.spanMs} and [${shortest}, ${longest}]`,
    );
  }
  for (const [name, share] of [
    ['chatbotEndedShare', chatbotShare],
    ['unfinishedShare', unfinishedShare],
  ] as const) {
    if (!(share >= 0 && share <= 1)) {
      throw new InvalidSimRoomError(`${name} must be from 0 to 1, received ${share}`);
    }
  }
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const step = options.spanMs / options.rooms;
  return Array.from({ length: options.rooms }, (_, index) => {
    const registeredAt = new Date(options.start.getTime() + Math.floor(index * step + random() * step));
    const openFor = shortest + Math.floor(random() * (longest - shortest + 1));
    const finishes = random() >= unfinishedShare;
    return {
      roomId: makeRoomId(`live-${seed}-${index}`),
      registeredAt,
      ...(finishes ? { finishesAt: new Date(registeredAt.getTime() + openFor) } : {}),
      finalStatus: random() < chatbotShare ? '4' : '2',
      openStatus: pick(random, ['-2', '-1', '0', '1']),
      messageCount: randomInt(random, 2, 6),
    };
  });
}

/** `YYYY-MM-DD HH:mm:ss` in Seoul (UTC+9, no daylight saving), as HappyTalk writes times. */
export function seoulDatetime(time: Date): string {
  return new Date(time.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The room of a plan as it is once registered: open, with its messages so far.
 *
 * @throws InvalidSimRoomError for an open status that is not one
 */
export function openLiveRoom(plan: LiveRoomPlan): SimRoom {
  const status = plan.openStatus ?? '1';
  if (!OPEN_ROOM_STATUSES.has(status)) {
    throw new InvalidSimRoomError(`openStatus must be -2, -1, 0 or 1, received ${JSON.stringify(status)}`);
  }
  return generateRoom({
    roomId: plan.roomId,
    messageCount: plan.messageCount ?? 4,
    status,
    regDate: seoulDatetime(plan.registeredAt),
  });
}

/**
 * A copy of an open room, finished at `at`: its status (`"2"` or `"4"`), its
 * `complate_date`, and a last message that closes it (the customer leaving,
 * or the chatbot ending the chat), sent at that time.
 *
 * @throws InvalidSimRoomError when the room is not open or the status is not a final one
 */
export function finishRoom(room: SimRoom, status: string, at: Date): SimRoom {
  if (!FINAL_STATUSES.has(status)) {
    throw new InvalidSimRoomError(`a room finishes with status 2 or 4, received ${JSON.stringify(status)}`);
  }
  if (!OPEN_ROOM_STATUSES.has(String(room.chat.status))) {
    throw new InvalidSimRoomError(
      `room ${String(room.chat.id)} is not open (status ${JSON.stringify(room.chat.status)})`,
    );
  }
  const when = seoulDatetime(at);
  const customer = String(room.chat.customer_uuid ?? '');
  const counselor = room.message.find((message) => message.user_type === 'H')?.from_id ?? 'happytalk_bot';
  const lastId = room.message.reduce((highest, message) => {
    const id = Number(message.id);
    return Number.isSafeInteger(id) && id > highest ? id : highest;
  }, 0);
  const byBot = status === '4';
  const closing = {
    id: String(lastId + 1),
    from_id: byBot ? 'happytalk_bot' : customer,
    to_id: byBot ? customer : counselor,
    type: 'C',
    user_type: byBot ? 'B' : 'C',
    contents_type: 'text',
    contents: byBot ? '챗봇 상담이 종료되었습니다.' : '고객님이 종료하였습니다.',
    send_date: when,
    read_date: when,
  };
  return {
    chat: { ...room.chat, status, complate_date: when },
    message: [...room.message.map((message) => ({ ...message })), closing],
  };
}
