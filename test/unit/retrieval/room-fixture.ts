import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DOCUMENTED_V2_TEMPLATE } from '../../../dev/simulator/index.js';
import type { TranscriptIndexRecord, UnprocessableIndexRecord } from '../../../lib/archive/index-record.js';
import { parseChatData } from '../../../lib/happytalk/client.js';
import { transcriptOf } from '../../../lib/transcript/normalize.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import type { FakeArchive } from './fake-archive.js';

export const ROOM_ID = 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG';
export const EXAMPLE = readFileSync(new URL('../../fixtures/chat-data-example.json', import.meta.url));
export const RAW_KEY = `raw/year=2022/month=05/day=26/${ROOM_ID}.json`;
export const TRANSCRIPT_KEY = `transcripts/year=2022/month=05/day=26/${ROOM_ID}.json`;
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The transcript the archive writes for `raw`, fetched at `fetchedAt`. */
export function transcriptFor(raw: Uint8Array, fetchedAt: string): Transcript {
  return transcriptOf(
    {
      ...parseChatData(raw, ROOM_ID),
      endpoint: ENDPOINT,
      fetchedAt: new Date(fetchedAt),
      sha256: sha256(raw),
    },
    { roomId: ROOM_ID, timeZone: 'Asia/Seoul' },
  );
}

/**
 * Archives `options.raw` (default the spec's example) into the fake bucket as the store does (raw, transcript, then
 * the index pinning both versions), or, with `index: false`, writes the two
 * objects only, as an archive interrupted before its index.
 */
export function archive(
  bucket: FakeArchive,
  options: {
    raw?: Uint8Array;
    fetchedAt?: string;
    index?: boolean;
    transform?: (transcript: Transcript) => unknown;
  } = {},
): { index: TranscriptIndexRecord; transcriptLine: string } {
  const raw = options.raw ?? EXAMPLE;
  const fetchedAt = options.fetchedAt ?? '2026-01-02T03:04:05.000Z';
  const transcript = transcriptFor(raw, fetchedAt);
  const digest = sha256(raw);
  const metadata = { 'room-id': ROOM_ID, sha256: digest, 'fetched-at': fetchedAt, 'schema-version': '1' };
  const transcriptLine = `${JSON.stringify(options.transform ? options.transform(transcript) : transcript)}\n`;
  const rawVersion = bucket.put(RAW_KEY, raw, metadata);
  const transcriptVersion = bucket.put(TRANSCRIPT_KEY, transcriptLine, metadata);
  const index: TranscriptIndexRecord = {
    room_id: ROOM_ID,
    transcript_key: TRANSCRIPT_KEY,
    raw_key: RAW_KEY,
    sha256: digest,
    archived_at: '2026-01-02T03:04:06.000Z',
    schema_version: 1,
    message_count: transcript.stats.message_count,
    chat_status: transcript.chat.status?.code ?? null,
    completed_at: transcript.chat.completed_at,
    fetched_at: fetchedAt,
    raw_version_id: rawVersion,
    transcript_version_id: transcriptVersion,
  };
  if (options.index !== false) bucket.putIndex(index);
  return { index, transcriptLine };
}

/** The example response with its completion time moved a second: another answer for the same room. */
export function changedExample(): Uint8Array {
  const text = EXAMPLE.toString('utf8');
  const changed = text.replace('2022-05-26 10:31:06', '2022-05-26 10:31:07');
  if (changed === text) throw new Error('the example changed nothing');
  return new TextEncoder().encode(changed);
}

/** A room nested deeper than the normalizer takes: the example's first message with a value 600 levels deep. */
export function poisonExample(): Uint8Array {
  const text = EXAMPLE.toString('utf8');
  const poisoned = text.replace(
    '"id": "562834",',
    `"id": "562834", "x": ${'['.repeat(600)}${']'.repeat(600)},`,
  );
  if (poisoned === text) throw new Error('the example was not poisoned');
  return new TextEncoder().encode(poisoned);
}

/** Archives `raw` as the store archives an answer it cannot normalize: the raw object, then an unprocessable index. */
export function archiveUnprocessable(
  bucket: FakeArchive,
  options: { raw?: Uint8Array; fetchedAt?: string; reason?: string } = {},
): UnprocessableIndexRecord {
  const raw = options.raw ?? poisonExample();
  const fetchedAt = options.fetchedAt ?? '2026-02-02T03:04:05.000Z';
  const digest = sha256(raw);
  const rawVersion = bucket.put(RAW_KEY, raw, {
    'room-id': ROOM_ID,
    sha256: digest,
    'fetched-at': fetchedAt,
  });
  const index: UnprocessableIndexRecord = {
    room_id: ROOM_ID,
    status: 'unprocessable',
    transcript_key: null,
    raw_key: RAW_KEY,
    sha256: digest,
    archived_at: '2026-02-02T03:04:06.000Z',
    fetched_at: fetchedAt,
    endpoint: ENDPOINT,
    raw_version_id: rawVersion,
    reason: options.reason ?? 'nested 605 levels deep, beyond the limit of 512',
    archiver_version: '0.1.0',
  };
  bucket.putIndex(index);
  return index;
}

/** The spec's example with its one message turned into HappyTalk's documented template V2 example. */
export function v2Example(extra: Record<string, unknown> = {}): Uint8Array {
  const contents = JSON.stringify({ ...JSON.parse(DOCUMENTED_V2_TEMPLATE), ...extra });
  const text = EXAMPLE.toString('utf8');
  const changed = text
    .replace('"contents_type": "text"', '"contents_type": "template"')
    .replace('"contents": "고객님이 종료하였습니다."', `"contents": ${JSON.stringify(contents)}`);
  if (!changed.includes('"template"') || !changed.includes('buttonList'))
    throw new Error('the example changed nothing');
  return new TextEncoder().encode(changed);
}

/**
 * The transcript archiver 0.1.0 wrote for a room whose messages are template
 * V2: no chat.tags, no buttons, and the V2 text, image and links not read.
 */
export function asPreviousRelease(transcript: Transcript, version = '0.1.0'): unknown {
  const { tags: _tags, ...chat } = transcript.chat;
  return {
    ...transcript,
    chat,
    messages: transcript.messages.map(({ buttons: _buttons, ...message }) => ({
      ...message,
      text: null,
      image_url: null,
      links: [],
    })),
    source: { ...transcript.source, archiver_version: version },
  };
}
