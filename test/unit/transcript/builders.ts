import type { RawChat, RawMessage, RawRoom } from '../../../lib/happytalk/schema.js';
import {
  type NormalizeRoomOptions,
  normalizeRoom,
  type TranscriptSource,
} from '../../../lib/transcript/normalize.js';
import type { Transcript, Warning } from '../../../lib/transcript/schema.js';

/** A complete, valid chat record, as in the spec's Success example but with known codes everywhere. */
export function rawChat(overrides: Record<string, unknown> = {}): RawChat {
  return {
    id: 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG',
    title: '1:1 채팅 상담 문의 드립니다.',
    counselor_name: 'test-lc',
    counselor_nickname: 'test-lc',
    customer_uuid: '1000225570_testuser',
    users_id: 'testuser',
    category_id: '75345',
    division_id: '75346',
    cate_name1: '상품문의(샘플)',
    cate_name2: '일반상담(샘플)',
    etc_assign: '',
    reg_date: '2022-05-26 10:26:31',
    complate_date: '2022-05-26 10:31:06',
    out_api: '0',
    status: '2',
    order_number: '',
    product_number: '',
    parcel_number: '',
    parcel_companycode: '',
    app_ver: '',
    phone_os: '',
    phone_model: '',
    phone_osver: '',
    phone_telecomm: '',
    app_hash: '',
    parameter1: '',
    parameter2: '',
    parameter3: '',
    parameter4: '',
    parameter5: '',
    parameter6: '',
    parameter7: '',
    parameter8: '',
    parameter9: '',
    parameter10: '',
    vote_score: null,
    vote_comment: null,
    ...overrides,
  };
}

/** A complete, valid text message from the customer. */
export function rawMessage(overrides: Record<string, unknown> = {}): RawMessage {
  return {
    id: '562834',
    from_id: '1000225570_testuser',
    to_id: 'test-lc',
    type: 'C',
    user_type: 'C',
    contents_type: 'text',
    contents: '안녕하세요',
    send_date: '2022-05-26 10:30:00',
    read_date: '2022-05-26 10:30:05',
    ...overrides,
  };
}

export function rawRoom(parts: { chat?: RawChat; message?: RawMessage[] | null } = {}): RawRoom {
  return {
    chat: parts.chat ?? rawChat(),
    message: parts.message === undefined ? [rawMessage()] : parts.message,
  };
}

/** A copy of `record` without `field`, for "the key is absent" cases. */
export function without<T extends Record<string, unknown>>(record: T, field: string): T {
  const copy = { ...record };
  delete copy[field];
  return copy;
}

export const SOURCE: TranscriptSource = {
  endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
  fetchedAt: new Date('2022-05-26T01:31:07.250Z'),
  sha256: 'ab'.repeat(32),
};

export function normalize(room: RawRoom, options?: NormalizeRoomOptions): Transcript {
  return normalizeRoom(room, SOURCE, options);
}

/** The warnings at `path`, without their reasons (whose wording may change). */
export function warningsAt(transcript: Transcript, path: string): Pick<Warning, 'path' | 'value'>[] {
  return transcript.warnings
    .filter((warning) => warning.path === path)
    .map(({ path, value }) => ({ path, value }));
}

/** A message by id: the transcript's order is asserted elsewhere. */
export function messageById(transcript: Transcript, id: string): Transcript['messages'][number] {
  const message = transcript.messages.find((candidate) => candidate.id === id);
  if (message === undefined) {
    throw new Error(`no message ${id} in the transcript`);
  }
  return message;
}
