import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CorruptArchiveError,
  StorageAccessError,
  StorageUnavailableError,
} from '../../../lib/archive/errors.js';
import type { IndexRecord, UnprocessableIndexRecord } from '../../../lib/archive/index-record.js';
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

    function head(sha256: string, fetchedAt: string, etag: string, versionId?: string) {
      return {
        ETag: etag,
        Metadata: { sha256, 'fetched-at': fetchedAt },
        ...(versionId ? { VersionId: versionId } : {}),
      };
    }

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
