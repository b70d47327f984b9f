import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CorruptArchiveError,
  StorageAccessError,
  StorageUnavailableError,
} from '../../../lib/archive/errors.js';
import type {
  IndexRecord,
  TranscriptIndexRecord,
  UnprocessableIndexRecord,
} from '../../../lib/archive/index-record.js';
import { PART_BYTES, type PartedBody } from '../../../lib/archive/s3-objects.js';
import { S3ArchiveStore } from '../../../lib/archive/store.js';

const s3 = mockClient(S3Client);
const store = new S3ArchiveStore({ client: new S3Client({ region: 'ap-northeast-2' }), bucket: 'archive' });

const FETCHED_AT = '2026-01-01T00:00:00.000Z';
const index: IndexRecord = {
  room_id: 'r1',
  transcript_key: 'transcripts/year=2022/month=05/day=26/r1.json',
  raw_key: 'raw/year=2022/month=05/day=26/r1.json',
  sha256: 'ab'.repeat(32),
  archived_at: '2026-01-01T00:00:00.000Z',
  schema_version: 1,
  message_count: 1,
  chat_status: '2',
  completed_at: null,
  fetched_at: FETCHED_AT,
};

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function body(text: string) {
  return {
    Body: {
      transformToString: async () => text,
      transformToByteArray: async () => new TextEncoder().encode(text),
    },
  };
}

/** What HeadObject answers for an object holding this answer. */
function head(sha256: string, fetchedAt: string, etag: string, versionId?: string) {
  return {
    ETag: etag,
    Metadata: { sha256, 'fetched-at': fetchedAt },
    ...(versionId ? { VersionId: versionId } : {}),
  };
}

describe('S3ArchiveStore', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('writes the raw bytes and the transcript before the index', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => {
      await new Promise((resolve) => setTimeout(resolve, input.Key.startsWith('raw/') ? 20 : 1));
      order.push(input.Key.split('/')[0] ?? '');
      return {};
    });

    await store.write({ index, raw: new TextEncoder().encode('{}'), transcriptLine: '{}\n' });

    expect(order.slice(-1)).toEqual(['index']);
    expect(order).toHaveLength(3);
    const calls = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    for (const input of calls) {
      expect(input).toMatchObject({
        Bucket: 'archive',
        ContentType: 'application/json; charset=utf-8',
        Metadata: { 'room-id': 'r1', sha256: index.sha256, 'schema-version': '1', 'fetched-at': FETCHED_AT },
        IfNoneMatch: '*',
      });
    }
  });

  it('does not write the index when a data object fails', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    s3.on(PutObjectCommand).resolves({});
    s3.on(PutObjectCommand, { Key: index.raw_key }).rejects(s3Error('InternalError', 500));

    await expect(store.write({ index, raw: new Uint8Array(), transcriptLine: '' })).rejects.toThrow(
      StorageUnavailableError,
    );

    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).not.toContain('index/rooms/r1.json');
  });

  it('answers undefined for a room without an index', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    await expect(store.readIndex('r1')).resolves.toBeUndefined();
  });

  it.each([
    ['AccessDenied', 403, StorageAccessError],
    ['SlowDown', 503, StorageUnavailableError],
    ['InternalError', 500, StorageUnavailableError],
  ])('translates %s', async (name, status, errorClass) => {
    s3.on(GetObjectCommand).rejects(s3Error(name, status));
    await expect(store.readIndex('r1')).rejects.toThrow(errorClass);
  });

  it('refuses an index that is not an index record', async () => {
    s3.on(GetObjectCommand).resolves(body('{"room_id": 1}') as never);
    await expect(store.readIndex('r1')).rejects.toThrow(CorruptArchiveError);
  });

  it('reports an index that points at a missing transcript', async () => {
    s3.on(GetObjectCommand, { Key: 'index/rooms/r1.json' }).resolves(body(JSON.stringify(index)) as never);
    s3.on(GetObjectCommand, { Key: index.transcript_key }).rejects(s3Error('NoSuchKey', 404));
    await expect(store.readTranscript('r1')).rejects.toThrow(/points at transcripts\/.*which is missing/);
  });

  describe('conditional writes', () => {
    const entry = { index, raw: new TextEncoder().encode('{}'), transcriptLine: '{}\n' };

    function putInputs() {
      return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    }

    it('overwrites an older answer with If-Match and pins the new versions in the index', async () => {
      s3.on(HeadObjectCommand).resolves(head('old', '2025-01-01T00:00:00.000Z', '"e-old"'));
      s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => ({
        VersionId: `v-${input.Key.split('/')[0]}`,
      }));

      const result = await store.write(entry);

      expect(result.outcome).toBe('written');
      expect(putInputs().map((input) => input.IfMatch)).toEqual(['"e-old"', '"e-old"', '"e-old"']);
      expect(result.index).toMatchObject({ raw_version_id: 'v-raw', transcript_version_id: 'v-transcripts' });
      const written = JSON.parse(String(putInputs()[2]?.Body));
      expect(written).toMatchObject({ raw_version_id: 'v-raw', transcript_version_id: 'v-transcripts' });
    });

    it('writes nothing when every object already holds this content (a duplicate delivery)', async () => {
      s3.on(HeadObjectCommand).resolves(head(index.sha256, FETCHED_AT, '"e"', 'v-1'));

      const result = await store.write(entry);

      expect(result.outcome).toBe('unchanged');
      expect(putInputs()).toEqual([]);
    });

    it('never writes an older answer over a newer one', async () => {
      s3.on(HeadObjectCommand).resolves(head('newer', '2026-06-01T00:00:00.000Z', '"e-new"'));

      const result = await store.write(entry);

      expect(result.outcome).toBe('superseded');
      expect(putInputs()).toEqual([]);
    });

    it.each([
      ['412 PreconditionFailed', 'PreconditionFailed', 412],
      ['409 ConditionalRequestConflict', 'ConditionalRequestConflict', 409],
    ])(
      're-reads after %s and finds the same content written by the racing writer',
      async (_name, code, status) => {
        s3.on(HeadObjectCommand)
          .rejectsOnce(s3Error('NotFound', 404))
          .rejectsOnce(s3Error('NotFound', 404))
          .resolves(head(index.sha256, FETCHED_AT, '"e-race"'));
        s3.on(PutObjectCommand).rejects(s3Error(code, status));

        const result = await store.write(entry);

        expect(result.outcome).toBe('unchanged');
        expect(putInputs().map((input) => input.IfNoneMatch)).toEqual(['*', '*']);
      },
    );

    it('retries with the new ETag after losing a race to a different, older answer', async () => {
      s3.on(HeadObjectCommand)
        .rejectsOnce(s3Error('NotFound', 404))
        .resolves(head('older', '2025-01-01T00:00:00.000Z', '"e-2"'));
      s3.on(PutObjectCommand).rejectsOnce(s3Error('PreconditionFailed', 412)).resolves({});

      const result = await store.write(entry);

      expect(result.outcome).toBe('written');
      const conditions = putInputs().map((input) => input.IfNoneMatch ?? input.IfMatch);
      expect(conditions[0]).toBe('*');
      expect(conditions.slice(1)).toEqual(['"e-2"', '"e-2"', '"e-2"']);
    });

    it('gives up with a retryable error when the conflicts do not stop', async () => {
      s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
      s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));

      await expect(store.write(entry)).rejects.toThrow(StorageUnavailableError);
      await expect(store.write(entry)).rejects.toThrow(/5 conflicting writes in a row/);
    });

    it('reads the pinned version of the transcript', async () => {
      const pinned = { ...index, transcript_version_id: 'v-7' };
      s3.on(GetObjectCommand, { Key: 'index/rooms/r1.json' }).resolves(body(JSON.stringify(pinned)) as never);
      s3.on(GetObjectCommand, { Key: index.transcript_key, VersionId: 'v-7' }).resolves(
        body('{"v":7}') as never,
      );

      await expect(store.readTranscript('r1')).resolves.toMatchObject({ body: '{"v":7}' });
    });
    it('writes a first archive as new without reading the keys first', async () => {
      s3.on(PutObjectCommand).resolves({});

      const result = await store.write({ ...entry, expectNew: true });

      expect(result.outcome).toBe('written');
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
      expect(putInputs().map((input) => input.IfNoneMatch)).toEqual(['*', '*', '*']);
    });

    it('falls back to reading a key when a first archive finds it written (412)', async () => {
      s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
      s3.on(HeadObjectCommand).resolves(head(index.sha256, FETCHED_AT, '"e"'));

      const result = await store.write({ ...entry, expectNew: true });

      expect(result.outcome).toBe('unchanged');
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(3);
    });
  });

  describe('unprocessable answers', () => {
    const unprocessable: UnprocessableIndexRecord = {
      room_id: 'r1',
      status: 'unprocessable',
      transcript_key: null,
      raw_key: index.raw_key,
      sha256: index.sha256,
      archived_at: '2026-01-01T00:00:00.000Z',
      fetched_at: FETCHED_AT,
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      reason: 'nested 20005 levels deep, beyond the limit of 512',
      archiver_version: '0.1.0',
    };

    function putInputs() {
      return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    }

    it('writes the raw bytes, then an index marked unprocessable, and no transcript', async () => {
      // Prepare
      s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => ({
        VersionId: `v-${input.Key.split('/')[0]}`,
      }));

      // Act
      const result = await store.writeUnprocessable({
        index: unprocessable,
        raw: new TextEncoder().encode('[[[]]]'),
        expectNew: true,
      });

      // Assess
      expect(result.outcome).toBe('written');
      expect(putInputs().map((input) => input.Key)).toEqual([index.raw_key, 'index/rooms/r1.json']);
      expect(putInputs()[1]?.Metadata).toEqual({
        'room-id': 'r1',
        sha256: index.sha256,
        'fetched-at': FETCHED_AT,
        unprocessable: 'true',
      });
      expect(JSON.parse(String(putInputs()[1]?.Body))).toEqual({ ...unprocessable, raw_version_id: 'v-raw' });
    });

    it('never replaces the index of a transcript of the same answer', async () => {
      // Prepare
      s3.on(HeadObjectCommand).resolves({
        ETag: '"e"',
        Metadata: { sha256: index.sha256, 'fetched-at': FETCHED_AT },
      });

      // Act
      const result = await store.writeUnprocessable({ index: unprocessable, raw: new Uint8Array() });

      // Assess
      expect(result.outcome).toBe('unchanged');
      expect(putInputs()).toEqual([]);
    });

    it('replaces an unprocessable index with the transcript of the same answer', async () => {
      // Prepare
      s3.on(HeadObjectCommand).resolves({
        ETag: '"e"',
        Metadata: { sha256: index.sha256, 'fetched-at': FETCHED_AT },
      });
      s3.on(HeadObjectCommand, { Key: 'index/rooms/r1.json' }).resolves({
        ETag: '"e-index"',
        Metadata: { sha256: index.sha256, 'fetched-at': FETCHED_AT, unprocessable: 'true' },
      });
      s3.on(HeadObjectCommand, { Key: index.transcript_key }).rejects(s3Error('NotFound', 404));
      s3.on(PutObjectCommand).resolves({});

      // Act
      const result = await store.write({ index, raw: new Uint8Array(), transcriptLine: '{}\n' });

      // Assess
      expect(result.outcome).toBe('written');
      expect(putInputs().map((input) => [input.Key, input.IfMatch ?? input.IfNoneMatch])).toEqual([
        [index.transcript_key, '*'],
        ['index/rooms/r1.json', '"e-index"'],
      ]);
    });

    it('reads an unprocessable index back, and has no transcript to read for it', async () => {
      // Prepare
      s3.on(GetObjectCommand, { Key: 'index/rooms/r1.json' }).resolves(
        body(JSON.stringify(unprocessable)) as never,
      );

      // Act
      const read = await store.readIndex('r1');
      const transcript = await store.readTranscript('r1');

      // Assess
      expect(read).toEqual(unprocessable);
      expect(transcript).toBeUndefined();
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    });
  });

  describe('writes that start from the index just read', () => {
    const NEWER = '2026-02-01T00:00:00.000Z';
    const previous: TranscriptIndexRecord = {
      ...(index as TranscriptIndexRecord),
      raw_version_id: 'v-raw-1',
      raw_etag: '"e-raw-1"',
      transcript_version_id: 'v-tr-1',
      transcript_etag: '"e-tr-1"',
    };
    const basis = { index: previous, etag: '"e-index-1"' };
    const next: TranscriptIndexRecord = {
      ...(index as TranscriptIndexRecord),
      sha256: 'cd'.repeat(32),
      fetched_at: NEWER,
    };

    function putInputs() {
      return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    }

    it('reads the index with its entity tag', async () => {
      s3.on(GetObjectCommand, { Key: 'index/rooms/r1.json' }).resolves({
        ...body(JSON.stringify(previous)),
        ETag: '"e-index-1"',
      } as never);

      await expect(store.readIndexEntry('r1')).resolves.toEqual(basis);
    });

    it('writes over the objects the index pins with If-Match on their tags, reading nothing, and pins the new versions and tags', async () => {
      // Prepare
      s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => {
        const kind = input.Key.split('/')[0];
        return { VersionId: `v-${kind}-2`, ETag: `"e-${kind}-2"` };
      });

      // Act
      const result = await store.write({
        index: next,
        raw: new Uint8Array([1]),
        transcriptLine: '{}\n',
        basis,
      });

      // Assess
      expect(result.outcome).toBe('written');
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
      expect(
        putInputs().map((input) => [input.Key?.split('/')[0], input.IfMatch, input.IfNoneMatch]),
      ).toEqual([
        ['raw', '"e-raw-1"', undefined],
        ['transcripts', '"e-tr-1"', undefined],
        ['index', '"e-index-1"', undefined],
      ]);
      expect(JSON.parse(String(putInputs()[2]?.Body))).toEqual({
        ...next,
        raw_version_id: 'v-raw-2',
        raw_etag: '"e-raw-2"',
        transcript_version_id: 'v-transcripts-2',
        transcript_etag: '"e-transcripts-2"',
      });
    });

    it('reads a key when its tag is no longer the latest (412), and decides from what it finds', async () => {
      // Prepare: someone wrote a newer transcript since the index was written
      s3.on(PutObjectCommand).resolves({});
      s3.on(PutObjectCommand, { Key: index.transcript_key, IfMatch: '"e-tr-1"' }).rejects(
        s3Error('PreconditionFailed', 412),
      );
      s3.on(HeadObjectCommand, { Key: index.transcript_key }).resolves({
        ETag: '"e-tr-9"',
        Metadata: { sha256: 'ef'.repeat(32), 'fetched-at': '2026-03-01T00:00:00.000Z' },
      });

      // Act
      const result = await store.write({
        index: next,
        raw: new Uint8Array([1]),
        transcriptLine: '{}\n',
        basis,
      });

      // Assess
      expect(result.outcome).toBe('superseded');
      expect(putInputs().map((input) => input.Key?.split('/')[0])).not.toContain('index');
    });

    it('writes nothing over an index of a newer answer', async () => {
      // Act
      const result = await store.write({
        index: { ...next, fetched_at: '2025-12-01T00:00:00.000Z' },
        raw: new Uint8Array([1]),
        transcriptLine: '{}\n',
        basis,
      });

      // Assess
      expect(result.outcome).toBe('superseded');
      expect(putInputs()).toEqual([]);
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
    });

    it('reads the objects first when the index names no tags (written before it recorded them)', async () => {
      // Prepare
      const { raw_etag: _raw, transcript_etag: _transcript, ...untagged } = previous;
      s3.on(HeadObjectCommand).resolves(head(index.sha256, FETCHED_AT, '"e-head"'));
      s3.on(PutObjectCommand).resolves({});

      // Act
      const result = await store.write({
        index: next,
        raw: new Uint8Array([1]),
        transcriptLine: '{}\n',
        basis: { index: untagged, etag: '"e-index-1"' },
      });

      // Assess
      expect(result.outcome).toBe('written');
      expect(s3.commandCalls(HeadObjectCommand).map((call) => call.args[0].input.Key?.split('/')[0])).toEqual(
        ['raw', 'transcripts'],
      );
      expect(putInputs().map((input) => input.IfMatch)).toEqual(['"e-head"', '"e-head"', '"e-index-1"']);
    });

    const copy = {
      key: 'redacted/year=2022/month=05/day=26/r1.json',
      line: '{"redacted":true}\n',
      sha256: 'ef'.repeat(32),
      redactorVersion: '1.1.0',
      keyId: '0123456789abcdef',
    };

    it('writes the redacted copy with the raw bytes and the transcript, before the index, and pins it', async () => {
      // Prepare
      const order: string[] = [];
      s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => {
        order.push(input.Key.split('/')[0] ?? '');
        return { VersionId: `v-${input.Key.split('/')[0]}`, ETag: `"e-${input.Key.split('/')[0]}"` };
      });

      // Act
      const result = await store.write({
        index: next,
        raw: new Uint8Array([1]),
        transcriptLine: '{}\n',
        expectNew: true,
        redaction: copy,
      });

      // Assess
      expect(order.slice(0, 3).sort()).toEqual(['raw', 'redacted', 'transcripts']);
      expect(order[3]).toBe('index');
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
      expect(putInputs().find((input) => input.Key === copy.key)).toMatchObject({
        IfNoneMatch: '*',
        Metadata: { 'redactor-version': '1.1.0', 'room-id': 'r1', sha256: next.sha256 },
      });
      expect(result.index).toMatchObject({
        redacted_key: copy.key,
        redacted_version_id: 'v-redacted',
        redacted_etag: '"e-redacted"',
        redacted_sha256: copy.sha256,
      });
    });

    it('writes over the copy the index records with If-Match on its recorded tag, reading nothing', async () => {
      // Prepare
      const recorded: TranscriptIndexRecord = {
        ...previous,
        redacted_key: copy.key,
        redacted_version_id: 'v-red-1',
        redacted_etag: '"e-red-1"',
        redacted_sha256: '01'.repeat(32),
        redactor_version: '1.1.0',
        redaction_key_id: '0123456789abcdef',
      };
      s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => ({
        VersionId: `v-${input.Key.split('/')[0]}-2`,
        ETag: `"e-${input.Key.split('/')[0]}-2"`,
      }));

      // Act
      const result = await store.write({
        index: next,
        raw: new Uint8Array([1]),
        transcriptLine: '{}\n',
        basis: { index: recorded, etag: '"e-index-1"' },
        redaction: copy,
      });

      // Assess
      expect(result.outcome).toBe('written');
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
      expect(
        Object.fromEntries(putInputs().map((input) => [input.Key?.split('/')[0], input.IfMatch])),
      ).toEqual({
        raw: '"e-raw-1"',
        transcripts: '"e-tr-1"',
        redacted: '"e-red-1"',
        index: '"e-index-1"',
      });
      expect(result.index).toMatchObject({
        redacted_etag: '"e-redacted-2"',
        redacted_version_id: 'v-redacted-2',
      });
    });

    it('writes a copy the index does not record as new, and reads the key when one is there after all', async () => {
      // Prepare
      s3.on(PutObjectCommand).resolves({ ETag: '"e-other-2"' });
      s3.on(PutObjectCommand, { Key: copy.key })
        .rejectsOnce(
          Object.assign(new Error('precondition'), {
            name: 'PreconditionFailed',
            $metadata: { httpStatusCode: 412 },
          }),
        )
        .resolves({ VersionId: 'v-red-2', ETag: '"e-red-2"' });
      s3.on(HeadObjectCommand, { Key: copy.key }).resolves({
        ETag: '"e-red-0"',
        Metadata: { sha256: previous.sha256, 'fetched-at': '2026-01-01T00:00:00.000Z' },
      });

      // Act
      await store.write({
        index: next,
        raw: new Uint8Array([1]),
        transcriptLine: '{}\n',
        basis,
        redaction: copy,
      });

      // Assess
      const copyPuts = putInputs().filter((input) => input.Key === copy.key);
      expect(copyPuts.map((input) => input.IfNoneMatch ?? input.IfMatch)).toEqual(['*', '"e-red-0"']);
      expect(s3.commandCalls(HeadObjectCommand).map((call) => call.args[0].input.Key)).toEqual([copy.key]);
    });
  });

  describe('a body written in parts', () => {
    /** A body of `count` parts, each part's first byte its number; counts how often it was produced. */
    function parted(count: number, fail?: Error): PartedBody & { produced: number } {
      const body = {
        produced: 0,
        *parts() {
          body.produced += 1;
          for (let part = 1; part <= count; part++) {
            if (fail && part === count) throw fail;
            yield new Uint8Array(part === count ? 10 : PART_BYTES).fill(part);
          }
        },
      };
      return body;
    }

    function stubUpload() {
      s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-1' });
      s3.on(UploadPartCommand).callsFake(async (input: { PartNumber: number }) => ({
        ETag: `"p${input.PartNumber}"`,
        ChecksumCRC32: `c${input.PartNumber}`,
      }));
      s3.on(PutObjectCommand).resolves({ VersionId: 'v-put', ETag: '"e-put"' });
    }

    it('uploads a body of one part with one PutObject', async () => {
      stubUpload();

      const result = await store.putIfNoneMatch('transcripts/r1.json', parted(1), {});

      expect(result).toEqual({ outcome: 'written', versionId: 'v-put', etag: '"e-put"' });
      expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
      expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ IfNoneMatch: '*' });
    });

    it('uploads a longer body part by part, each with its CRC32, and completes it under the condition', async () => {
      // Prepare
      stubUpload();
      s3.on(CompleteMultipartUploadCommand).resolves({ VersionId: 'v-mp', ETag: '"e-mp"' });

      // Act
      const result = await store.putIfMatch('transcripts/r1.json', parted(3), { sha256: 'x' }, '"e-old"');

      // Assess
      expect(result).toEqual({ outcome: 'written', versionId: 'v-mp', etag: '"e-mp"' });
      expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
        Key: 'transcripts/r1.json',
        ContentType: 'application/json; charset=utf-8',
        Metadata: { sha256: 'x' },
        ChecksumAlgorithm: 'CRC32',
      });
      const parts = s3.commandCalls(UploadPartCommand).map((call) => call.args[0].input);
      expect(
        parts.map((part) => [part.PartNumber, (part.Body as Uint8Array)[0], part.ChecksumAlgorithm]),
      ).toEqual([
        [1, 1, 'CRC32'],
        [2, 2, 'CRC32'],
        [3, 3, 'CRC32'],
      ]);
      const complete = s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input;
      expect(complete).toMatchObject({
        UploadId: 'u-1',
        IfMatch: '"e-old"',
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: '"p1"', ChecksumCRC32: 'c1' },
            { PartNumber: 2, ETag: '"p2"', ChecksumCRC32: 'c2' },
            { PartNumber: 3, ETag: '"p3"', ChecksumCRC32: 'c3' },
          ],
        },
      });
      expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
    });

    it('aborts an upload whose completion lost a race, and reports the conflict', async () => {
      // Prepare
      stubUpload();
      s3.on(CompleteMultipartUploadCommand).rejects(s3Error('PreconditionFailed', 412));
      s3.on(AbortMultipartUploadCommand).resolves({});

      // Act
      const result = await store.putIfNoneMatch('transcripts/r1.json', parted(2), {});

      // Assess
      expect(result).toEqual({ outcome: 'conflict' });
      expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
        Key: 'transcripts/r1.json',
        UploadId: 'u-1',
      });
    });

    it('produces the parts again for a write made again after a lost race', async () => {
      // Prepare
      stubUpload();
      s3.on(CompleteMultipartUploadCommand)
        .rejectsOnce(s3Error('PreconditionFailed', 412))
        .resolves({ VersionId: 'v-2', ETag: '"e-2"' });
      s3.on(HeadObjectCommand).resolves(head('older', '2025-01-01T00:00:00.000Z', '"e-theirs"'));
      s3.on(PutObjectCommand).resolves({});
      const transcript = parted(2);

      // Act
      const result = await store.write({
        index,
        raw: new Uint8Array([1]),
        transcriptLine: transcript,
        expectNew: true,
      });

      // Assess
      expect(result.outcome).toBe('written');
      expect(transcript.produced).toBe(2);
      expect(
        s3
          .commandCalls(CompleteMultipartUploadCommand)
          .map((call) => [call.args[0].input.IfNoneMatch, call.args[0].input.IfMatch]),
      ).toEqual([
        ['*', undefined],
        [undefined, '"e-theirs"'],
      ]);
    });

    it('aborts the upload and throws as it is what producing a part throws, writing no index', async () => {
      // Prepare
      stubUpload();
      s3.on(AbortMultipartUploadCommand).resolves({});
      const failure = new RangeError('Invalid string length');

      // Act
      const outcome = await store
        .write({ index, raw: new Uint8Array([1]), transcriptLine: parted(3, failure), expectNew: true })
        .catch((error: unknown) => error);

      // Assess
      expect(outcome).toBe(failure);
      expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
      expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key)).not.toContain(
        'index/rooms/r1.json',
      );
    });
  });

  describe('redacted copies', () => {
    const REDACTED_KEY = 'redacted/year=2022/month=05/day=26/r1.json';
    const copy = {
      key: REDACTED_KEY,
      line: '{"redacted":true}\n',
      sha256: 'cd'.repeat(32),
      redactorVersion: '1.1.0',
      keyId: '0123456789abcdef',
    };
    const entry = { index, raw: new TextEncoder().encode('{}'), transcriptLine: '{}\n' };

    function putInputs() {
      return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    }

    function copyHead(version: string, keyId: string, etag = '"e-copy"') {
      return {
        ETag: etag,
        VersionId: 'v-stored-copy',
        Metadata: {
          sha256: index.sha256,
          'fetched-at': FETCHED_AT,
          'redactor-version': version,
          'redaction-key-id': keyId,
          'redacted-sha256': 'ef'.repeat(32),
        },
      };
    }

    it('writes the copy beside the transcript, before the index, which records it', async () => {
      // Prepare
      const order: string[] = [];
      s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => {
        await new Promise((resolve) => setTimeout(resolve, input.Key.startsWith('redacted/') ? 20 : 1));
        order.push(input.Key.split('/')[0] ?? '');
        return { VersionId: `v-${input.Key.split('/')[0]}` };
      });

      // Act
      const result = await store.write({ ...entry, expectNew: true, redaction: copy });

      // Assess
      expect(result.outcome).toBe('written');
      expect(order).toHaveLength(4);
      expect(order.at(-1)).toBe('index');
      const written = putInputs().find((input) => input.Key === REDACTED_KEY);
      expect(written).toMatchObject({
        Body: copy.line,
        IfNoneMatch: '*',
        ContentType: 'application/json; charset=utf-8',
        Metadata: {
          'room-id': 'r1',
          sha256: index.sha256,
          'fetched-at': FETCHED_AT,
          'schema-version': '1',
          'redactor-version': '1.1.0',
          'redaction-key-id': '0123456789abcdef',
          'redacted-sha256': copy.sha256,
        },
      });
      const recorded = {
        redacted_key: REDACTED_KEY,
        redacted_version_id: 'v-redacted',
        redacted_sha256: copy.sha256,
        redactor_version: '1.1.0',
        redaction_key_id: '0123456789abcdef',
      };
      expect(result.index).toMatchObject(recorded);
      const indexPut = putInputs().find((input) => input.Key === 'index/rooms/r1.json');
      expect(JSON.parse(String(indexPut?.Body))).toMatchObject(recorded);
      expect(indexPut?.Metadata).toMatchObject({
        'redactor-version': '1.1.0',
        'redaction-key-id': '0123456789abcdef',
      });
    });

    it('writes no copy when it is pending, and the index says why', async () => {
      // Prepare
      s3.on(PutObjectCommand).resolves({});

      // Act
      const result = await store.write({
        ...entry,
        index: { ...index, redacted_key: 'stale', redactor_version: '0.9.0' },
        expectNew: true,
        redaction: { pending: 'REDACTION_KEY_UNAVAILABLE' },
      });

      // Assess
      expect(putInputs().map((input) => input.Key)).toEqual([
        index.raw_key,
        index.transcript_key,
        'index/rooms/r1.json',
      ]);
      const written = JSON.parse(String(putInputs()[2]?.Body));
      expect(written.redaction_pending).toBe('REDACTION_KEY_UNAVAILABLE');
      expect(written).not.toHaveProperty('redacted_key');
      expect(written).not.toHaveProperty('redactor_version');
      expect(result.index.redaction_pending).toBe('REDACTION_KEY_UNAVAILABLE');
    });

    it('leaves a copy of the same answer, redactor and key alone, and the index records the stored one', async () => {
      // Prepare
      s3.on(HeadObjectCommand).resolves({
        ETag: '"e"',
        Metadata: { sha256: index.sha256, 'fetched-at': FETCHED_AT },
      });
      s3.on(HeadObjectCommand, { Key: REDACTED_KEY }).resolves(copyHead('1.1.0', copy.keyId));
      s3.on(PutObjectCommand).resolves({});

      // Act
      const result = await store.write({ ...entry, redaction: copy });

      // Assess
      expect(putInputs().map((input) => input.Key)).toEqual(['index/rooms/r1.json']);
      expect(result.index).toMatchObject({
        redacted_version_id: 'v-stored-copy',
        redacted_sha256: 'ef'.repeat(32),
        redactor_version: '1.1.0',
      });
    });

    it('replaces a copy of an older redactor, or of another pseudonym key, with If-Match', async () => {
      // Prepare
      s3.on(HeadObjectCommand).resolves({
        ETag: '"e"',
        Metadata: { sha256: index.sha256, 'fetched-at': FETCHED_AT },
      });
      s3.on(HeadObjectCommand, { Key: REDACTED_KEY })
        .resolvesOnce(copyHead('1.0.0', copy.keyId, '"e-old"'))
        .resolves(copyHead('1.1.0', 'fedcba9876543210', '"e-other-key"'));
      s3.on(PutObjectCommand).resolves({ VersionId: 'v-new-copy' });

      // Act
      await store.write({ ...entry, redaction: copy });
      await store.write({ ...entry, redaction: copy });

      // Assess
      const copies = putInputs().filter((input) => input.Key === REDACTED_KEY);
      expect(copies.map((input) => input.IfMatch)).toEqual(['"e-old"', '"e-other-key"']);
    });

    it('never replaces a copy of a newer redactor with an older one', async () => {
      // Prepare
      s3.on(HeadObjectCommand).resolves({
        ETag: '"e"',
        Metadata: { sha256: index.sha256, 'fetched-at': FETCHED_AT },
      });
      s3.on(HeadObjectCommand, { Key: REDACTED_KEY }).resolves(copyHead('2.0.0', 'fedcba9876543210'));
      s3.on(PutObjectCommand).resolves({});

      // Act
      const result = await store.write({ ...entry, redaction: copy });

      // Assess
      expect(putInputs().filter((input) => input.Key === REDACTED_KEY)).toEqual([]);
      expect(result.index).toMatchObject({ redactor_version: '2.0.0', redaction_key_id: 'fedcba9876543210' });
    });

    it('writes nothing over a copy of a newer answer', async () => {
      // Prepare
      s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
      s3.on(HeadObjectCommand, { Key: REDACTED_KEY }).resolves({
        ETag: '"e-newer"',
        Metadata: { sha256: 'newer', 'fetched-at': '2026-06-01T00:00:00.000Z' },
      });
      s3.on(PutObjectCommand).resolves({});

      // Act
      const result = await store.write({ ...entry, redaction: copy });

      // Assess
      expect(result.outcome).toBe('superseded');
      expect(putInputs().map((input) => input.Key)).not.toContain('index/rooms/r1.json');
    });

    it('completes a copy: the copy, then an index that records it over the one without', async () => {
      // Prepare
      const pinned = {
        ...index,
        raw_version_id: 'v-raw',
        transcript_version_id: 'v-t',
        redaction_pending: 'X',
      };
      s3.on(HeadObjectCommand, { Key: REDACTED_KEY }).rejects(s3Error('NotFound', 404));
      s3.on(HeadObjectCommand, { Key: 'index/rooms/r1.json' }).resolves({
        ETag: '"e-index"',
        Metadata: { sha256: index.sha256, 'fetched-at': FETCHED_AT },
      });
      s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => ({
        VersionId: `v-${input.Key.split('/')[0]}`,
      }));

      // Act
      const result = await store.writeRedacted(pinned, copy);

      // Assess
      expect(result.outcome).toBe('written');
      expect(putInputs().map((input) => [input.Key, input.IfMatch ?? input.IfNoneMatch])).toEqual([
        [REDACTED_KEY, '*'],
        ['index/rooms/r1.json', '"e-index"'],
      ]);
      const written = JSON.parse(String(putInputs()[1]?.Body));
      expect(written).toEqual({
        ...index,
        raw_version_id: 'v-raw',
        transcript_version_id: 'v-t',
        redacted_key: REDACTED_KEY,
        redacted_version_id: 'v-redacted',
        redacted_sha256: copy.sha256,
        redactor_version: '1.1.0',
        redaction_key_id: '0123456789abcdef',
      });
    });
  });
});
