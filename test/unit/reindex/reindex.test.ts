import { describe, expect, it } from 'vitest';
import type { TranscriptIndexRecord } from '../../../lib/archive/index-record.js';
import { type ReindexOptions, reindexRange, reindexRoom } from '../../../lib/reindex/reindex.js';
import { verifyRoom } from '../../../lib/retrieval/verify.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { FakeArchive } from '../retrieval/fake-archive.js';
import {
  archive,
  archiveUnprocessable,
  asPreviousRelease,
  changedExample,
  EXAMPLE,
  RAW_KEY,
  ROOM_ID,
  sha256,
  TRANSCRIPT_KEY,
  v2Example,
} from '../retrieval/room-fixture.js';

const NOW = new Date('2026-11-30T09:00:00.000Z');
const options: ReindexOptions = { timeZone: 'Asia/Seoul', now: () => NOW, retryDelayMs: 1 };
const INDEX_KEY = `index/rooms/${ROOM_ID}.json`;
const IMAGE = 'https://static.happytalk.io/data/chat_data/2026_11_27/aa_w.png';

function latestJson(bucket: FakeArchive, key: string): Record<string, unknown> {
  const version = bucket.versions(key).at(-1);
  if (!version) throw new Error(`no ${key}`);
  return JSON.parse(new TextDecoder().decode(version.body)) as Record<string, unknown>;
}

function latestTranscript(bucket: FakeArchive): Transcript {
  return latestJson(bucket, TRANSCRIPT_KEY) as unknown as Transcript;
}

function latestIndex(bucket: FakeArchive): TranscriptIndexRecord {
  return latestJson(bucket, INDEX_KEY) as unknown as TranscriptIndexRecord;
}

/** A bucket holding the V2 example room as archiver 0.1.0 archived it. */
function previousReleaseArchive(raw = v2Example()): { bucket: FakeArchive; index: TranscriptIndexRecord } {
  const bucket = new FakeArchive();
  const { index } = archive(bucket, { raw, transform: (transcript) => asPreviousRelease(transcript) });
  return { bucket, index };
}

describe('reindexRoom', () => {
  it('derives a V2 room again: a new transcript version and index, the raw object untouched', async () => {
    // Prepare
    const { bucket, index } = previousReleaseArchive();
    const rawVersions = bucket.versions(RAW_KEY).length;

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toEqual({
      room_id: ROOM_ID,
      status: 'reindexed',
      archiver_version: '0.1.0',
      current_version: ARCHIVER_VERSION,
      differences: ['chat.tags', 'messages[0].buttons', 'messages[0].links[0]', 'messages[0].text'],
      transcript_key: TRANSCRIPT_KEY,
      transcript_version_id: 'v4',
    });
    expect(bucket.conditionalPuts).toEqual([TRANSCRIPT_KEY, INDEX_KEY]);
    expect(bucket.versions(RAW_KEY)).toHaveLength(rawVersions);
    const transcript = latestTranscript(bucket);
    expect(transcript.messages[0]).toMatchObject({
      text: '텍스트 + 버튼에 텍스트',
      links: [{ name: '링크', url: 'https://example.com' }],
      buttons: [
        { type: 'WEB_LINK', name: '링크', url: 'https://example.com', mobile_url: 'https://example.com' },
        { type: 'TEXT', name: '봇키워드', url: null, mobile_url: null },
      ],
    });
    expect(transcript.source).toEqual({
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      fetched_at: '2026-01-02T03:04:05.000Z',
      sha256: index.sha256,
      archiver_version: ARCHIVER_VERSION,
      reindexed_at: NOW.toISOString(),
    });
    expect(latestIndex(bucket)).toEqual({
      ...index,
      transcript_version_id: 'v4',
      reindexed_at: NOW.toISOString(),
    });
    expect(bucket.versions(TRANSCRIPT_KEY).at(-1)?.metadata).toEqual({
      'room-id': ROOM_ID,
      sha256: index.sha256,
      'fetched-at': '2026-01-02T03:04:05.000Z',
      'schema-version': '1',
    });
    expect(await verifyRoom(bucket, ROOM_ID, options)).toMatchObject({ ok: true, status: 'ok' });
  });

  it('writes nothing for a transcript this archiver would derive the same way, and nothing the second time', async () => {
    // Prepare
    const current = new FakeArchive();
    archive(current, { raw: v2Example() });
    const { bucket } = previousReleaseArchive();
    await reindexRoom(bucket, ROOM_ID, options);
    bucket.conditionalPuts.length = 0;

    // Act
    const first = await reindexRoom(current, ROOM_ID, options);
    const again = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(first).toEqual({ room_id: ROOM_ID, status: 'unchanged', archiver_version: ARCHIVER_VERSION });
    expect(again).toEqual({ room_id: ROOM_ID, status: 'unchanged', archiver_version: ARCHIVER_VERSION });
    expect([current.conditionalPuts, bucket.conditionalPuts]).toEqual([[], []]);
  });

  it('calls a transcript unchanged when only its archiver version differs', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, {
      transform: (transcript) => ({
        ...transcript,
        source: { ...transcript.source, archiver_version: '0.1.0' },
      }),
    });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toEqual({ room_id: ROOM_ID, status: 'unchanged', archiver_version: '0.1.0' });
    expect(bucket.conditionalPuts).toEqual([]);
  });

  it('reports what it would do in a dry run, and writes nothing', async () => {
    // Prepare
    const { bucket } = previousReleaseArchive();
    const before = bucket.versions(TRANSCRIPT_KEY).length;

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, { ...options, dryRun: true });

    // Assess
    expect(result).toMatchObject({ status: 'reindexed', dry_run: true, archiver_version: '0.1.0' });
    expect(bucket.conditionalPuts).toEqual([]);
    expect(bucket.versions(TRANSCRIPT_KEY)).toHaveLength(before);
  });

  it('keeps what the archive added: attachments, their warnings, and the not-final warning', async () => {
    // Prepare
    const bucket = new FakeArchive();
    const attachment = {
      url: IMAGE,
      key: `attachments/${'a'.repeat(64)}`,
      sha256: 'a'.repeat(64),
      content_type: 'image/png',
      bytes: 10,
    };
    const notFinal = {
      path: 'chat.status',
      value: '1',
      reason: 'room not final after 3 attempts: archived as it is',
    };
    archive(bucket, {
      raw: v2Example({ image: { url: IMAGE } }),
      transform: (transcript) => {
        const previous = asPreviousRelease(transcript) as Transcript;
        return {
          ...previous,
          messages: previous.messages.map((message) => ({ ...message, attachments: [attachment] })),
          warnings: [...previous.warnings, notFinal],
        };
      },
    });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, { ...options, attachmentsEnabled: true });

    // Assess
    expect(result).toMatchObject({ status: 'reindexed' });
    const transcript = latestTranscript(bucket);
    expect(transcript.messages[0]).toMatchObject({ image_url: IMAGE, attachments: [attachment] });
    expect(transcript.warnings.filter((warning) => warning.path !== 'chat.parcel_companycode')).toEqual([
      notFinal,
    ]);
    expect(latestIndex(bucket).attachments_pending).toBeUndefined();
  });

  it('marks an image read for the first time as pending when the archive downloads images, and only then', async () => {
    // Prepare
    const raw = v2Example({ image: { url: IMAGE } });
    const enabled = previousReleaseArchive(raw).bucket;
    const disabled = previousReleaseArchive(raw).bucket;

    // Act
    const withAttachments = await reindexRoom(enabled, ROOM_ID, { ...options, attachmentsEnabled: true });
    const without = await reindexRoom(disabled, ROOM_ID, { ...options, attachmentsEnabled: false });

    // Assess
    expect(withAttachments).toMatchObject({ status: 'reindexed', attachments_pending: 1 });
    const spec = { path: 'chat.parcel_companycode', value: 'W', reason: expect.any(String) };
    expect(latestTranscript(enabled).warnings).toEqual([
      spec,
      {
        path: 'message[0].contents.image_url',
        value: IMAGE,
        reason:
          'attachment not archived: found when the transcript was derived again; the next archive of the room downloads it',
      },
    ]);
    expect(latestIndex(enabled).attachments_pending).toBe(1);
    expect(enabled.versions(TRANSCRIPT_KEY).at(-1)?.metadata['attachments-pending']).toBe('1');
    expect(without).not.toHaveProperty('attachments_pending');
    expect(latestTranscript(disabled).warnings).toEqual([spec]);
    expect(await verifyRoom(enabled, ROOM_ID, options)).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['no index', (bucket: FakeArchive) => bucket, 'NOT_ARCHIVED'],
    [
      'raw bytes that are not the indexed ones',
      (bucket: FakeArchive, index: TranscriptIndexRecord) => {
        const version = bucket.put(RAW_KEY, '{"result":"success","data":[]}', { sha256: index.sha256 });
        bucket.putIndex({ ...index, raw_version_id: version });
        return bucket;
      },
      'RAW_SHA256_MISMATCH',
    ],
    [
      'a missing transcript',
      (_bucket: FakeArchive, index: TranscriptIndexRecord) => {
        const other = new FakeArchive();
        other.put(RAW_KEY, v2Example(), { sha256: index.sha256 });
        other.putIndex({ ...index, raw_version_id: 'v1' });
        return other;
      },
      'ARCHIVE_CORRUPT',
    ],
    [
      'a transcript that does not parse',
      (bucket: FakeArchive, index: TranscriptIndexRecord) => {
        const version = bucket.put(TRANSCRIPT_KEY, '{"schema_version":1}', { sha256: index.sha256 });
        bucket.putIndex({ ...index, transcript_version_id: version });
        return bucket;
      },
      'ARCHIVE_CORRUPT',
    ],
  ])('fails with %s, writing nothing', async (_case, damage, code) => {
    // Prepare
    const { bucket, index } = previousReleaseArchive();
    const damaged =
      code === 'NOT_ARCHIVED'
        ? new FakeArchive()
        : (damage as (b: FakeArchive, i: TranscriptIndexRecord) => FakeArchive)(bucket, index);

    // Act
    const result = await reindexRoom(damaged, ROOM_ID, options);

    // Assess
    expect(result).toMatchObject({ room_id: ROOM_ID, status: 'failed', error: { code } });
    expect(damaged.conditionalPuts).toEqual([]);
  });

  it('fails on raw bytes that hold another room, writing nothing', async () => {
    // Prepare
    const bucket = new FakeArchive();
    const { index } = archive(bucket, { raw: v2Example() });
    const raw = new TextEncoder().encode(
      new TextDecoder().decode(v2Example()).replaceAll(ROOM_ID, 'anotherRoom'),
    );
    const digest = sha256(raw);
    const rawVersion = bucket.put(RAW_KEY, raw, { sha256: digest });
    const transcript = latestTranscript(bucket);
    const transcriptVersion = bucket.put(
      TRANSCRIPT_KEY,
      JSON.stringify({ ...transcript, source: { ...transcript.source, sha256: digest } }),
      { sha256: digest },
    );
    bucket.putIndex({
      ...index,
      sha256: digest,
      raw_version_id: rawVersion,
      transcript_version_id: transcriptVersion,
    });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toMatchObject({ status: 'failed', error: { code: 'RAW_UNREADABLE' } });
    expect(bucket.conditionalPuts).toEqual([]);
  });

  it('does not write over a transcript a newer archiver derived', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, { raw: v2Example(), transform: (transcript) => asPreviousRelease(transcript, '99.0.0') });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toMatchObject({ status: 'failed', error: { code: 'NEWER_ARCHIVER' } });
    expect(bucket.conditionalPuts).toEqual([]);
  });

  it('decides again when a newer answer is archived while it runs, and leaves the newer one in place', async () => {
    // Prepare
    const { bucket } = previousReleaseArchive();
    const newer = v2Example({ message: '새 답변' });
    bucket.beforeConditionalPut = () => {
      archive(bucket, { raw: newer, fetchedAt: '2026-11-30T08:59:00.000Z' });
    };

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toEqual({ room_id: ROOM_ID, status: 'unchanged', archiver_version: ARCHIVER_VERSION });
    expect(bucket.conditionalPuts).toEqual([]);
    expect(latestTranscript(bucket).messages[0]?.text).toBe('새 답변');
    expect(latestIndex(bucket).sha256).toBe(sha256(newer));
  });

  it('points the index at the transcript it wrote when the index changed between the two writes', async () => {
    // Prepare
    const { bucket, index } = previousReleaseArchive();
    bucket.beforeConditionalPut = () => {
      // Another reindex of the room (or a retried attachment step) touched the index in between.
      bucket.beforeConditionalPut = () => bucket.putIndex({ ...index });
    };

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toMatchObject({ status: 'reindexed', transcript_version_id: 'v4' });
    expect(bucket.conditionalPuts).toEqual([TRANSCRIPT_KEY, INDEX_KEY]);
    expect(latestIndex(bucket)).toMatchObject({
      transcript_version_id: 'v4',
      reindexed_at: NOW.toISOString(),
    });
    expect(await verifyRoom(bucket, ROOM_ID, options)).toMatchObject({ status: 'ok' });
  });

  it('repairs an index a reindex could not write, pointing it at the transcript already derived again', async () => {
    // Prepare
    const { bucket, index } = previousReleaseArchive();
    await reindexRoom(bucket, ROOM_ID, options);
    bucket.putIndex(index);
    bucket.conditionalPuts.length = 0;

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toMatchObject({ status: 'reindexed', index_repaired: true, differences: [] });
    expect(bucket.conditionalPuts).toEqual([INDEX_KEY]);
    expect(latestIndex(bucket).transcript_version_id).toBe('v4');
  });

  it('fails with CONFLICT when the room keeps changing, after its attempts', async () => {
    // Prepare
    const { bucket, index } = previousReleaseArchive();
    let meddled = 0;
    const meddle = () => {
      meddled += 1;
      bucket.putIndex({ ...index });
      bucket.beforeConditionalPut = meddle;
    };
    bucket.beforeConditionalPut = meddle;

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, { ...options, maxAttempts: 3 });

    // Assess
    expect(result).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    // The transcript once; the index never, though tried once per attempt.
    expect(bucket.conditionalPuts).toEqual([TRANSCRIPT_KEY]);
    expect(meddled).toBe(4);
  });
});

describe('reindexRange', () => {
  it('reindexes every room with a raw object in the range, once each, by room id', async () => {
    // Prepare
    const { bucket } = previousReleaseArchive();
    bucket.put('raw/year=2022/month=05/day=26/not a room.json', '{}');
    bucket.put('raw/year=2022/month=05/day=27/orphanRoom.json', '{}');
    const progress: number[] = [];

    // Act
    const results = [];
    for await (const result of reindexRange(
      bucket,
      { from: '2022-05-26', to: '2022-05-27' },
      { ...options, onProgress: (p) => progress.push(p.done) },
    )) {
      results.push(result);
    }

    // Assess
    expect(results.map((result) => [result.room_id, result.status])).toEqual([
      ['orphanRoom', 'failed'],
      [ROOM_ID, 'reindexed'],
    ]);
    expect(results[0]).toMatchObject({ error: { code: 'NOT_ARCHIVED' } });
    expect(progress).toEqual([0, 1, 2]);
  });
});

describe('reindexRoom of a room whose archived answer is unprocessable', () => {
  it('derives its first transcript from the raw bytes and replaces the unprocessable index', async () => {
    // Prepare: an earlier archiver could not normalize the spec's own example
    const bucket = new FakeArchive();
    const unprocessable = archiveUnprocessable(bucket, {
      raw: EXAMPLE,
      reason: 'the normalizer failed (RangeError)',
    });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);
    const verified = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul' });

    // Assess
    expect(result).toEqual({
      room_id: ROOM_ID,
      status: 'reindexed',
      archiver_version: '0.1.0',
      current_version: ARCHIVER_VERSION,
      differences: [],
      transcript_key: TRANSCRIPT_KEY,
      was_unprocessable: true,
      transcript_version_id: expect.any(String),
    });
    expect(bucket.versions(RAW_KEY)).toHaveLength(1);
    expect(latestIndex(bucket)).toMatchObject({
      room_id: ROOM_ID,
      transcript_key: TRANSCRIPT_KEY,
      raw_key: RAW_KEY,
      sha256: unprocessable.sha256,
      raw_version_id: unprocessable.raw_version_id,
      transcript_version_id: result.status === 'reindexed' ? result.transcript_version_id : '',
      message_count: 1,
      chat_status: '2',
      reindexed_at: NOW.toISOString(),
    });
    expect(latestIndex(bucket)).not.toHaveProperty('status');
    expect(latestTranscript(bucket).source).toMatchObject({
      sha256: unprocessable.sha256,
      fetched_at: unprocessable.fetched_at,
      endpoint: unprocessable.endpoint,
      archiver_version: ARCHIVER_VERSION,
      reindexed_at: NOW.toISOString(),
    });
    expect(verified).toMatchObject({ ok: true, status: 'ok', mismatches: [] });
  });

  it('writes the transcript over an earlier answer of the room with If-Match', async () => {
    // Prepare: archived while it was another answer, then the last answer was unprocessable
    const bucket = new FakeArchive();
    archive(bucket, { raw: changedExample() });
    archiveUnprocessable(bucket, { raw: EXAMPLE, reason: 'the normalizer failed (RangeError)' });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result.status).toBe('reindexed');
    expect(bucket.versions(TRANSCRIPT_KEY)).toHaveLength(2);
    expect(latestTranscript(bucket).source.sha256).toBe(sha256(EXAMPLE));
  });

  it('fails with UNPROCESSABLE_RESPONSE when this archiver cannot normalize it either, writing nothing', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket);
    const writes = bucket.conditionalPuts.length;

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toEqual({
      room_id: ROOM_ID,
      status: 'failed',
      error: {
        code: 'UNPROCESSABLE_RESPONSE',
        message: `room ${ROOM_ID}: its archived answer still cannot be normalized (nested 605 levels deep, beyond the limit of 512)`,
      },
    });
    expect(bucket.conditionalPuts).toHaveLength(writes);
  });

  it('writes nothing in a dry run', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket, { raw: EXAMPLE, reason: 'the normalizer failed (RangeError)' });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, { ...options, dryRun: true });

    // Assess
    expect(result).toMatchObject({ status: 'reindexed', dry_run: true, was_unprocessable: true });
    expect(bucket.conditionalPuts).toEqual([]);
    expect(bucket.versions(TRANSCRIPT_KEY)).toEqual([]);
  });
});
