import type { RawChat, RawMessage, RawRoom } from '../../../lib/happytalk/schema.js';
import {
  type NormalizeRoomOptions,
  normalizeRoom,
  type TranscriptSource,
} from '../../../lib/transcript/normalize.js';
import type { Transcript, Warning } from '../../../lib/transcript/schema.js';
import { SPEC_EXAMPLE_ROOM } from '../../fixtures/spec-example.js';

/** A complete, valid chat record: the spec's Success example with known codes everywhere. */
export function rawChat(overrides: Record<string, unknown> = {}): RawChat {
  return { ...SPEC_EXAMPLE_ROOM.chat, parcel_companycode: '', ...overrides };
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
