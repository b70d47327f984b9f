import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_COUNTS_PATH } from '../../dev/aws/s3/front.js';
import { type LocalS3, startLocalS3 } from '../../dev/aws/s3/index.js';
import { MIN_PART_BYTES } from '../../dev/aws/s3/multipart.js';
import { createS3Client } from '../../lib/aws.js';

const BUCKET = 'local-s3-test';
let directory: string;
let s3: LocalS3;
let client: S3Client;

async function start(): Promise<void> {
  s3 = await startLocalS3({ directory, bucket: BUCKET });
  client = createS3Client({
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
}

async function stop(): Promise<void> {
  client.destroy();
  await s3.close();
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'happytalk-local-s3-'));
  await start();
});

afterEach(async () => {
  await stop();
  await rm(directory, { recursive: true, force: true });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function put(key: string, body: string, conditions: { IfNoneMatch?: string; IfMatch?: string } = {}) {
  return client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      Body: body,
      ContentType: 'application/json; charset=utf-8',
      Metadata: { sha256: sha256(body) },
      ...conditions,
    }),
  );
}

async function read(key: string, versionId?: string) {
  const output = await client.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
  );
  return { body: (await output.Body?.transformToString('utf8')) ?? '', output };
}

async function statusOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
    return { name: 'ok', status: 200 };
  } catch (error) {
    return {
      name: (error as Error).name,
      status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
    };
  }
}

describe('the local S3', () => {
  it('honours If-None-Match: * and If-Match on PutObject', async () => {
    // Prepare
    const first = await put('k.json', '"one"', { IfNoneMatch: '*' });

    // Act
    const again = await statusOf(put('k.json', '"two"', { IfNoneMatch: '*' }));
    const stale = await statusOf(put('k.json', '"two"', { IfMatch: '"not-the-etag"' }));
    const current = await statusOf(put('k.json', '"two"', { IfMatch: first.ETag ?? '' }));
    const missing = await statusOf(put('none.json', '"x"', { IfMatch: first.ETag ?? '' }));

    // Assess
    expect(again).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect(stale).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect(current).toEqual({ name: 'ok', status: 200 });
    expect(missing.status).toBe(404);
    expect((await read('k.json')).body).toBe('"two"');
    expect(s3.preconditionFailures).toBe(3);
  });

  it('keeps every version, reads each by its id, and lists them newest first', async () => {
    // Prepare
    const v1 = (await put('room.json', '"first"')).VersionId;
    const v2 = (await put('room.json', '"second"')).VersionId;
    await put('other.json', '"other"');

    // Act
    const older = await read('room.json', v1);
    const latest = await read('room.json');
    const head = await client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'room.json', VersionId: v1 }),
    );
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'room' }));

    // Assess
    expect(v1).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(v2).not.toBe(v1);
    expect(older.body).toBe('"first"');
    expect(older.output).toMatchObject({ VersionId: v1, Metadata: { sha256: sha256('"first"') } });
    expect(latest).toMatchObject({ body: '"second"', output: { VersionId: v2 } });
    expect(head).toMatchObject({ VersionId: v1, ContentLength: 7, Metadata: { sha256: sha256('"first"') } });
    expect(listed.Versions?.map((version) => [version.Key, version.VersionId, version.IsLatest])).toEqual([
      ['room.json', v2, true],
      ['room.json', v1, false],
    ]);
  });

  it('answers 404 NoSuchVersion for a version that does not exist', async () => {
    // Prepare
    await put('room.json', '"only"');

    // Act
    const get = await statusOf(read('room.json', 'garbage'));
    const head = await statusOf(
      client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'room.json', VersionId: 'garbage' })),
    );

    // Assess
    expect(get).toEqual({ name: 'NoSuchVersion', status: 404 });
    expect(head).toEqual({ name: 'NotFound', status: 404 });
  });

  it('never lets a read see a write half done: bytes and metadata always agree', async () => {
    // Prepare
    const bodies = Array.from({ length: 20 }, (_, index) =>
      JSON.stringify({ n: index, pad: 'x'.repeat(index * 500) }),
    );
    await put('busy.json', '"start"');

    // Act: writes and reads of one key, all at once
    const reads: Promise<Awaited<ReturnType<typeof read>>>[] = [];
    const writes = bodies.map(async (body) => {
      const written = put('busy.json', body);
      reads.push(read('busy.json'));
      return written;
    });
    await Promise.all(writes);
    const seen = await Promise.all(reads);

    // Assess
    for (const { body, output } of seen) expect(output.Metadata?.sha256).toBe(sha256(body));
    expect(s3.versions.filter((version) => version.key === 'busy.json')).toHaveLength(21);
  });

  it('adds a delete marker on DeleteObject, and removing it brings the object back', async () => {
    // Prepare
    const v1 = (await put('gone.json', '"kept"')).VersionId;

    // Act
    const deleted = await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone.json' }));
    const afterDelete = await statusOf(read('gone.json'));
    const pinned = await read('gone.json', v1);
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'gone' }));
    await client.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone.json', VersionId: deleted.VersionId }),
    );
    const restored = await read('gone.json');

    // Assess
    expect(deleted.DeleteMarker).toBe(true);
    expect(afterDelete.status).toBe(404);
    expect(pinned.body).toBe('"kept"');
    expect(listed.DeleteMarkers?.map((marker) => [marker.VersionId, marker.IsLatest])).toEqual([
      [deleted.VersionId, true],
    ]);
    expect(listed.Versions?.map((version) => [version.VersionId, version.IsLatest])).toEqual([[v1, false]]);
    expect(restored).toMatchObject({ body: '"kept"', output: { VersionId: v1 } });
  });

  it('keeps the versions across a restart on the same directory', async () => {
    // Prepare
    const v1 = (await put('durable.json', '"v1"')).VersionId;
    await put('durable.json', '"v2"');

    // Act
    await stop();
    await start();
    const older = await read('durable.json', v1);
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'durable' }));

    // Assess
    expect(older.body).toBe('"v1"');
    expect(listed.Versions).toHaveLength(2);
  });

  it('keeps a copy of an object onto itself as a new version, and honours x-amz-copy-source-if-match', async () => {
    // Prepare
    const first = await put('attachments/a', 'image bytes');
    const copy = (ifMatch: string) =>
      client.send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'attachments/a',
          CopySource: `${BUCKET}/attachments/a`,
          MetadataDirective: 'REPLACE',
          ContentType: 'image/png',
          Metadata: { sha256: sha256('image bytes'), 'linked-at': '2026-01-02' },
          CopySourceIfMatch: ifMatch,
        }),
      );

    // Act
    const copied = await copy(first.ETag ?? '');
    const stale = copy('"not-the-etag"');

    // Assess
    await expect(stale).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    expect(copied.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(copied.VersionId).not.toBe(first.VersionId);
    const versions = await client.send(
      new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'attachments/' }),
    );
    expect(versions.Versions?.map((version) => [version.VersionId, version.IsLatest])).toEqual([
      [copied.VersionId, true],
      [first.VersionId, false],
    ]);
    const latest = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'attachments/a' }));
    expect(latest.Metadata).toEqual({ sha256: sha256('image bytes'), 'linked-at': '2026-01-02' });
    expect(latest.VersionId).toBe(copied.VersionId);
  });

  describe('multipart uploads', () => {
    /** Uploads `parts` as one multipart upload of `key`, completed under `conditions`. */
    async function uploadInParts(
      key: string,
      parts: readonly Buffer[],
      conditions: { IfNoneMatch?: string; IfMatch?: string } = {},
    ) {
      const { UploadId } = await client.send(
        new CreateMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          ContentType: 'application/json; charset=utf-8',
          Metadata: { sha256: 'multipart' },
        }),
      );
      const uploaded: { PartNumber: number; ETag: string | undefined }[] = [];
      for (const [index, body] of parts.entries()) {
        const { ETag } = await client.send(
          new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: index + 1, Body: body }),
        );
        uploaded.push({ PartNumber: index + 1, ETag });
      }
      const complete = () =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: BUCKET,
            Key: key,
            UploadId,
            MultipartUpload: { Parts: uploaded },
            ...conditions,
          }),
        );
      return { uploadId: UploadId as string, complete };
    }

    const first = Buffer.alloc(MIN_PART_BYTES, 'a');
    const last = Buffer.from('tail of the object');

    it('assembles the parts into one object, kept as a version with the metadata of its creation', async () => {
      // Prepare
      const { complete } = await uploadInParts('big.json', [first, last], { IfNoneMatch: '*' });

      // Act
      const completed = await complete();
      const { body, output } = await read('big.json');

      // Assess
      expect(body).toBe(Buffer.concat([first, last]).toString('utf8'));
      expect(output.Metadata).toEqual({ sha256: 'multipart' });
      expect(output.ContentType).toBe('application/json; charset=utf-8');
      expect(completed.VersionId).toBe(output.VersionId);
      expect(completed.ETag).toBe(output.ETag);
      expect(s3.versions.filter((version) => version.key === 'big.json')).toHaveLength(1);
    });

    it('honours If-None-Match: * and If-Match on CompleteMultipartUpload, and keeps a refused upload until it is aborted', async () => {
      // Prepare
      const existing = await put('taken.json', 'first');
      const refusedNew = await uploadInParts('taken.json', [last], { IfNoneMatch: '*' });
      const refusedMatch = await uploadInParts('taken.json', [last], { IfMatch: '"not-the-etag"' });
      const missing = await uploadInParts('absent.json', [last], { IfMatch: existing.ETag ?? '' });
      const matching = await uploadInParts('taken.json', [last], { IfMatch: existing.ETag ?? '' });

      // Act
      const outcomes = [
        await statusOf(refusedNew.complete()),
        await statusOf(refusedMatch.complete()),
        await statusOf(missing.complete()),
        await statusOf(matching.complete()),
      ];
      const aborted = await statusOf(
        client.send(
          new AbortMultipartUploadCommand({
            Bucket: BUCKET,
            Key: 'taken.json',
            UploadId: refusedNew.uploadId,
          }),
        ),
      );
      const abortedTwice = await statusOf(
        client.send(
          new AbortMultipartUploadCommand({
            Bucket: BUCKET,
            Key: 'taken.json',
            UploadId: refusedNew.uploadId,
          }),
        ),
      );

      // Assess
      expect(outcomes).toEqual([
        { name: 'PreconditionFailed', status: 412 },
        { name: 'PreconditionFailed', status: 412 },
        { name: 'NoSuchKey', status: 404 },
        { name: 'ok', status: 200 },
      ]);
      expect((await read('taken.json')).body).toBe('tail of the object');
      expect(aborted).toEqual({ name: 'ok', status: 200 });
      expect(abortedTwice).toEqual({ name: 'NoSuchUpload', status: 404 });
    });

    it('refuses a part below 5 MiB that is not the last, and parts named out of order', async () => {
      // Prepare
      const small = await uploadInParts('small.json', [last, last]);
      const { UploadId } = await client.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'order.json' }),
      );
      const parts: { PartNumber: number; ETag: string | undefined }[] = [];
      for (const PartNumber of [1, 2]) {
        const { ETag } = await client.send(
          new UploadPartCommand({ Bucket: BUCKET, Key: 'order.json', UploadId, PartNumber, Body: first }),
        );
        parts.push({ PartNumber, ETag });
      }

      // Act
      const tooSmall = await statusOf(small.complete());
      const outOfOrder = await statusOf(
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: BUCKET,
            Key: 'order.json',
            UploadId,
            MultipartUpload: { Parts: [...parts].reverse() },
          }),
        ),
      );

      // Assess
      expect(tooSmall).toEqual({ name: 'EntityTooSmall', status: 400 });
      expect(outOfOrder).toEqual({ name: 'InvalidPartOrder', status: 400 });
      expect(await statusOf(read('small.json'))).toEqual({ name: 'NoSuchKey', status: 404 });
    });
  });

  it('counts the requests it receives by operation, in process and over HTTP', async () => {
    // Prepare
    await put('counted.json', 'one');
    await read('counted.json');
    await statusOf(read('missing.json'));
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'counted.json' }));

    // Act
    const overHttp = (await (await fetch(`${s3.endpoint}${REQUEST_COUNTS_PATH}`)).json()) as unknown;
    const afterReset = (await (
      await fetch(`${s3.endpoint}${REQUEST_COUNTS_PATH}`, { method: 'DELETE' })
    ).json()) as unknown;

    // Assess
    expect(overHttp).toEqual({ GetObject: 2, HeadObject: 1, PutObject: 1 });
    expect(afterReset).toEqual({});
    expect(s3.requests.size).toBe(0);
  });
});
