import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StorageAccessError, StorageUnavailableError } from '../../../lib/archive/errors.js';
import type { IndexRecord } from '../../../lib/archive/index-record.js';
import { S3ArchiveStore } from '../../../lib/archive/store.js';

const s3 = mockClient(S3Client);
const store = new S3ArchiveStore({ client: new S3Client({ region: 'ap-northeast-2' }), bucket: 'archive' });
const SHA = 'ab'.repeat(32);
const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function putInputs() {
  return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
}

describe('S3ArchiveStore.writeAttachment', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('writes the bytes once at attachments/<sha256>, with their content type and no URL', async () => {
    s3.on(PutObjectCommand).resolves({});

    const result = await store.writeAttachment({ sha256: SHA, body: bytes, contentType: 'image/png' });

    expect(result).toEqual({ key: `attachments/${SHA}`, outcome: 'written' });
    expect(putInputs()).toEqual([
      {
        Bucket: 'archive',
        Key: `attachments/${SHA}`,
        Body: bytes,
        ContentType: 'image/png',
        Metadata: { sha256: SHA, 'content-type': 'image/png' },
        IfNoneMatch: '*',
      },
    ]);
    expect(s3.commandCalls(HeadObjectCommand)).toEqual([]);
  });

  it('answers exists on 412: the content is already archived, today', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(HeadObjectCommand).resolves({ LastModified: new Date(), ETag: '"e"' });

    await expect(
      store.writeAttachment({ sha256: SHA, body: bytes, contentType: 'image/png' }),
    ).resolves.toEqual({
      key: `attachments/${SHA}`,
      outcome: 'exists',
    });
    expect(putInputs()).toHaveLength(1);
  });

  it('tries again after 409, a concurrent write of the same key', async () => {
    s3.on(PutObjectCommand)
      .rejectsOnce(s3Error('ConditionalRequestConflict', 409))
      .rejectsOnce(s3Error('PreconditionFailed', 412));
    s3.on(HeadObjectCommand).resolves({ LastModified: new Date(), ETag: '"e"' });

    const result = await store.writeAttachment({ sha256: SHA, body: bytes, contentType: 'image/png' });

    expect(result.outcome).toBe('exists');
    expect(putInputs()).toHaveLength(2);
  });

  it.each([
    ['AccessDenied', 403, StorageAccessError],
    ['InternalError', 500, StorageUnavailableError],
  ])('translates %s', async (name, status, errorClass) => {
    s3.on(PutObjectCommand).rejects(s3Error(name, status));
    await expect(
      store.writeAttachment({ sha256: SHA, body: bytes, contentType: 'image/png' }),
    ).rejects.toThrow(errorClass);
  });

  it('refuses a key that is not a SHA-256', async () => {
    await expect(
      store.writeAttachment({ sha256: '../index/rooms/r1.json', body: bytes, contentType: 'image/png' }),
    ).rejects.toThrow(TypeError);
    expect(putInputs()).toEqual([]);
  });
});

describe('S3ArchiveStore.write with attachments pending', () => {
  const FETCHED_AT = '2026-01-01T00:00:00.000Z';
  const index: IndexRecord = {
    room_id: 'r1',
    transcript_key: 'transcripts/year=2022/month=05/day=26/r1.json',
    raw_key: 'raw/year=2022/month=05/day=26/r1.json',
    sha256: 'cd'.repeat(32),
    archived_at: '2026-01-02T00:00:00.000Z',
    schema_version: 1,
    message_count: 3,
    chat_status: '2',
    completed_at: null,
    fetched_at: FETCHED_AT,
  };
  const entry = (pending: number) => ({
    index: pending > 0 ? { ...index, attachments_pending: pending } : index,
    raw: new TextEncoder().encode('{}'),
    transcriptLine: '{}\n',
  });
  const head = (pending: number | undefined, etag: string) => ({
    ETag: etag,
    Metadata: {
      sha256: index.sha256,
      'fetched-at': FETCHED_AT,
      ...(pending === undefined ? {} : { 'attachments-pending': String(pending) }),
    },
  });

  beforeEach(() => {
    s3.reset();
  });

  it('marks the transcript and the index, not the raw object, with the pending count', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    s3.on(PutObjectCommand).resolves({});

    const result = await store.write(entry(2));

    expect(result.outcome).toBe('written');
    expect(result.index.attachments_pending).toBe(2);
    const byArea = Object.fromEntries(putInputs().map((input) => [input.Key?.split('/')[0], input]));
    expect(byArea.raw?.Metadata).not.toHaveProperty('attachments-pending');
    expect(byArea.transcripts?.Metadata).toMatchObject({ 'attachments-pending': '2' });
    expect(byArea.index?.Metadata).toMatchObject({ 'attachments-pending': '2' });
    expect(JSON.parse(String(byArea.index?.Body))).toMatchObject({ attachments_pending: 2 });
  });

  it('rewrites the transcript and the index of the same answer when fewer attachments are pending', async () => {
    s3.on(HeadObjectCommand, { Key: index.raw_key }).resolves(head(undefined, '"e-raw"'));
    s3.on(HeadObjectCommand, { Key: index.transcript_key }).resolves(head(2, '"e-t"'));
    s3.on(HeadObjectCommand, { Key: 'index/rooms/r1.json' }).resolves(head(2, '"e-i"'));
    s3.on(PutObjectCommand).resolves({});

    const result = await store.write(entry(0));

    expect(result.outcome).toBe('written');
    expect(putInputs().map((input) => [input.Key, input.IfMatch])).toEqual([
      [index.transcript_key, '"e-t"'],
      ['index/rooms/r1.json', '"e-i"'],
    ]);
    const written = JSON.parse(String(putInputs()[1]?.Body));
    expect(written).not.toHaveProperty('attachments_pending');
    expect(putInputs()[1]?.Metadata).not.toHaveProperty('attachments-pending');
  });

  it.each([
    ['as many', 2],
    ['more', 3],
  ])('writes nothing when the stored transcript has %s pending', async (_case, pending) => {
    s3.on(HeadObjectCommand).resolves(head(2, '"e"'));
    s3.on(HeadObjectCommand, { Key: index.raw_key }).resolves(head(undefined, '"e-raw"'));

    const result = await store.write(entry(pending));

    expect(result.outcome).toBe('unchanged');
    expect(putInputs()).toEqual([]);
  });

  it('writes the same answer with fewer pending over a copy fetched later by a concurrent delivery', async () => {
    const later = {
      ETag: '"e-later"',
      Metadata: { sha256: index.sha256, 'fetched-at': '2026-06-01T00:00:00.000Z' },
    };
    s3.on(HeadObjectCommand).resolves({
      ...later,
      Metadata: { ...later.Metadata, 'attachments-pending': '2' },
    });
    s3.on(HeadObjectCommand, { Key: index.raw_key }).resolves(later);
    s3.on(PutObjectCommand).resolves({});

    const result = await store.write(entry(1));

    expect(result.outcome).toBe('written');
    expect(putInputs().map((input) => [input.Key, input.IfMatch])).toEqual([
      [index.transcript_key, '"e-later"'],
      ['index/rooms/r1.json', '"e-later"'],
    ]);
  });

  it('indexes the pending count of the transcript it points at, when a better one won the race', async () => {
    s3.on(HeadObjectCommand, { Key: index.raw_key }).resolves(head(undefined, '"e-raw"'));
    s3.on(HeadObjectCommand, { Key: index.transcript_key }).resolves(head(1, '"e-t"'));
    s3.on(HeadObjectCommand, { Key: 'index/rooms/r1.json' }).resolves(head(3, '"e-i"'));
    s3.on(PutObjectCommand).resolves({});

    const result = await store.write(entry(2));

    expect(putInputs().map((input) => input.Key)).toEqual(['index/rooms/r1.json']);
    expect(result.index.attachments_pending).toBe(1);
    expect(putInputs()[0]?.Metadata).toMatchObject({ 'attachments-pending': '1' });
  });
});
