import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StorageAccessError, StorageUnavailableError } from '../../../lib/archive/errors.js';
import { S3ArchiveStore } from '../../../lib/archive/store.js';

const s3 = mockClient(S3Client);
const store = new S3ArchiveStore({ client: new S3Client({ region: 'ap-northeast-2' }), bucket: 'archive' });

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function body(text: string) {
  return { transformToByteArray: async () => new TextEncoder().encode(text) };
}

describe('S3ArchiveStore reads for retrieval', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('lists a prefix page by page, following the continuation tokens', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      Contents: [
        { Key: 'transcripts/a.json', Size: 3 },
        { Key: 'transcripts/b.json', Size: 4 },
      ],
      IsTruncated: true,
      NextContinuationToken: 'page-2',
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }).resolves({
      Contents: [{ Key: 'transcripts/c.json', Size: 5 }],
      IsTruncated: false,
    });

    const pages = [];
    for await (const page of store.listObjects('transcripts/', { pageSize: 2 })) pages.push(page);

    expect(pages).toEqual([
      [
        { key: 'transcripts/a.json', size: 3 },
        { key: 'transcripts/b.json', size: 4 },
      ],
      [{ key: 'transcripts/c.json', size: 5 }],
    ]);
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'archive', Prefix: 'transcripts/', MaxKeys: 2 },
      { Bucket: 'archive', Prefix: 'transcripts/', MaxKeys: 2, ContinuationToken: 'page-2' },
    ]);
  });

  it('yields one empty page for an empty prefix', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

    const pages = [];
    for await (const page of store.listObjects('raw/year=2024/')) pages.push(page);

    expect(pages).toEqual([[]]);
  });

  it('reports a missing bucket as an access error when listing', async () => {
    s3.on(ListObjectsV2Command).rejects(s3Error('NoSuchBucket', 404));

    const listing = store.listObjects('raw/')[Symbol.asyncIterator]().next();

    await expect(listing).rejects.toThrow(StorageAccessError);
  });

  it('reads the version asked for, with its metadata', async () => {
    const lastModified = new Date('2026-01-02T03:04:05Z');
    s3.on(GetObjectCommand, { Key: 'raw/r1.json', VersionId: 'v1' }).resolves({
      Body: body('{"a":1}') as never,
      Metadata: { sha256: 'ab', 'room-id': 'r1' },
      VersionId: 'v1',
      ContentLength: 7,
      LastModified: lastModified,
    });

    const object = await store.readObject('raw/r1.json', 'v1');

    expect(object).toEqual({
      key: 'raw/r1.json',
      metadata: { sha256: 'ab', 'room-id': 'r1' },
      versionId: 'v1',
      size: 7,
      lastModified,
      body: new TextEncoder().encode('{"a":1}'),
    });
  });

  it.each([
    ['NoSuchKey', 404, undefined],
    ['NoSuchVersion', 404, 'v9'],
    ['InvalidArgument', 400, 'not-a-version'],
  ])('reads nothing when S3 answers %s', async (name, status, versionId) => {
    s3.on(GetObjectCommand).rejects(s3Error(name, status));
    s3.on(HeadObjectCommand).rejects(s3Error(name, status));

    expect(await store.readObject('raw/r1.json', versionId)).toBeUndefined();
    expect(await store.headObject('raw/r1.json', versionId)).toBeUndefined();
  });

  it('fails on a bad request without a version, and on a missing bucket', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('InvalidArgument', 400));
    await expect(store.readObject('raw/r1.json')).rejects.toThrow(StorageUnavailableError);
    s3.on(HeadObjectCommand).rejects(s3Error('NoSuchBucket', 404));
    await expect(store.headObject('raw/r1.json', 'v1')).rejects.toThrow(StorageAccessError);
  });

  it('heads the latest version without asking for one', async () => {
    s3.on(HeadObjectCommand).resolves({ Metadata: { sha256: 'cd' }, VersionId: 'v2', ContentLength: 9 });

    const head = await store.headObject('transcripts/r1.json');

    expect(head).toEqual({
      key: 'transcripts/r1.json',
      metadata: { sha256: 'cd' },
      versionId: 'v2',
      size: 9,
    });
    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'archive',
      Key: 'transcripts/r1.json',
    });
  });
});
