import {
  CopyObjectCommand,
  type CopyObjectCommandInput,
  HeadObjectCommand,
  type HeadObjectCommandInput,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StorageAccessError } from '../../../lib/archive/errors.js';
import { S3ArchiveStore } from '../../../lib/archive/store.js';

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 1095;
const SHA = 'ef'.repeat(32);
const KEY = `attachments/${SHA}`;
const image = { sha256: SHA, body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' };

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

interface Version {
  readonly versionId: string;
  readonly createdAt: Date;
  readonly retainUntil: Date;
  readonly etag: string;
  readonly contentType: string | undefined;
  readonly metadata: Record<string, string>;
  readonly body: Uint8Array;
}

/**
 * A versioned bucket with Object Lock default retention and an expiration
 * lifecycle rule, as S3 documents them: every new version (a PUT or a copy)
 * is locked for the default retention from its creation; the lifecycle
 * expires a key's current version that many days after its creation, at the
 * next midnight UTC; a copy of an object onto itself must change something.
 */
class LockedBucket {
  readonly versions = new Map<string, Version[]>();
  now = new Date('2024-03-01T10:00:00Z');
  #sequence = 0;

  constructor(readonly retentionDays: number) {}

  current(key: string): Version | undefined {
    return this.versions.get(key)?.at(-1);
  }

  /** When the key's latest version stops being locked: how long the key is certainly kept. */
  lockedUntil(key: string): Date {
    const latest = Math.max(
      ...(this.versions.get(key) ?? []).map((version) => version.retainUntil.getTime()),
    );
    return new Date(latest);
  }

  /** When the lifecycle's expiration hides the key (a delete marker over the current version). */
  expiresAt(key: string): Date {
    const current = this.current(key);
    if (!current) throw new Error(`${key} has no version`);
    const due = new Date(current.createdAt.getTime() + this.retentionDays * DAY_MS);
    return new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth(), due.getUTCDate() + 1));
  }

  put(input: PutObjectCommandInput): { VersionId: string; ETag: string } {
    const key = String(input.Key);
    if (input.IfNoneMatch === '*' && this.current(key)) throw s3Error('PreconditionFailed', 412);
    return this.#add(key, input.Body as Uint8Array, input.ContentType, input.Metadata ?? {});
  }

  head(input: HeadObjectCommandInput): { LastModified: Date; ETag: string; ContentType?: string } {
    const current = this.current(String(input.Key));
    if (!current) throw s3Error('NotFound', 404);
    return {
      LastModified: current.createdAt,
      ETag: current.etag,
      ...(current.contentType ? { ContentType: current.contentType } : {}),
    };
  }

  copy(input: CopyObjectCommandInput): { VersionId: string } {
    const key = String(input.Key);
    const [sourceBucket, ...sourceKey] = String(input.CopySource).split('/');
    const source = this.current(sourceKey.join('/'));
    if (sourceBucket !== input.Bucket || !source) throw s3Error('NoSuchKey', 404);
    if (input.CopySourceIfMatch !== undefined && input.CopySourceIfMatch !== source.etag) {
      throw s3Error('PreconditionFailed', 412);
    }
    if (sourceKey.join('/') === key && input.MetadataDirective !== 'REPLACE') {
      throw s3Error('InvalidRequest', 400);
    }
    const metadata = input.MetadataDirective === 'REPLACE' ? (input.Metadata ?? {}) : source.metadata;
    return this.#add(key, source.body, input.ContentType ?? source.contentType, metadata);
  }

  #add(key: string, body: Uint8Array, contentType: string | undefined, metadata: Record<string, string>) {
    this.#sequence += 1;
    const version: Version = {
      versionId: `v${this.#sequence}`,
      createdAt: this.now,
      retainUntil: new Date(this.now.getTime() + this.retentionDays * DAY_MS),
      etag: `"etag-${this.#sequence}"`,
      contentType,
      metadata,
      body,
    };
    this.versions.set(key, [...(this.versions.get(key) ?? []), version]);
    return { VersionId: version.versionId, ETag: version.etag };
  }
}

const s3 = mockClient(S3Client);
let bucket: LockedBucket;
let store: S3ArchiveStore;

beforeEach(() => {
  s3.reset();
  bucket = new LockedBucket(RETENTION_DAYS);
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => bucket.put(input));
  s3.on(HeadObjectCommand).callsFake((input: HeadObjectCommandInput) => bucket.head(input));
  s3.on(CopyObjectCommand).callsFake((input: CopyObjectCommandInput) => bucket.copy(input));
  store = new S3ArchiveStore({
    client: new S3Client({ region: 'ap-northeast-2' }),
    bucket: 'archive',
    now: () => bucket.now,
  });
});

/** A transcript written now into the bucket, as the archive writes one after its attachments. */
function writeTranscript(roomId: string): string {
  const key = `transcripts/year=2024/month=03/day=01/${roomId}.json`;
  bucket.put({ Bucket: 'archive', Key: key, Body: new TextEncoder().encode('{}\n') });
  return key;
}

describe('an attachment linked by a newer transcript', () => {
  it('is kept at least as long as that transcript: a copy onto itself starts a new locked version', async () => {
    // Prepare: room A links the image on 2024-03-01; room B links the same image 200 days later
    await store.writeAttachment(image);
    writeTranscript('roomA');
    bucket.now = new Date(bucket.now.getTime() + 200 * DAY_MS + 3 * 3_600_000);
    const linkedBefore = { lockedUntil: bucket.lockedUntil(KEY), expiresAt: bucket.expiresAt(KEY) };

    // Act
    const result = await store.writeAttachment(image);
    const transcriptB = writeTranscript('roomB');

    // Assess
    expect(result).toEqual({ key: KEY, outcome: 'extended' });
    expect(linkedBefore.expiresAt.getTime()).toBeLessThan(bucket.expiresAt(transcriptB).getTime());
    expect(bucket.expiresAt(KEY)).toEqual(bucket.expiresAt(transcriptB));
    expect(bucket.lockedUntil(KEY).toISOString().slice(0, 10)).toBe(
      bucket.lockedUntil(transcriptB).toISOString().slice(0, 10),
    );
    expect(bucket.lockedUntil(KEY).getTime()).toBeGreaterThan(linkedBefore.lockedUntil.getTime());
    // The first version is still there, locked until its own date; the new one holds the same bytes.
    const versions = bucket.versions.get(KEY) ?? [];
    expect(versions).toHaveLength(2);
    expect(versions[0]?.retainUntil).toEqual(linkedBefore.lockedUntil);
    expect(versions[1]?.body).toEqual(image.body);
    expect(versions[1]?.contentType).toBe('image/png');
    expect(versions[1]?.metadata).toEqual({
      sha256: SHA,
      'content-type': 'image/png',
      'linked-at': bucket.now.toISOString().slice(0, 10),
    });
  });

  it('is copied at most once a day: a second transcript of the same day finds it current', async () => {
    // Prepare
    await store.writeAttachment(image);
    bucket.now = new Date(bucket.now.getTime() + 30 * DAY_MS);
    await store.writeAttachment(image);

    // Act
    bucket.now = new Date(bucket.now.getTime() + 3_600_000);
    const again = await store.writeAttachment(image);

    // Assess
    expect(again).toEqual({ key: KEY, outcome: 'exists' });
    expect(bucket.versions.get(KEY)).toHaveLength(2);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
  });

  it('is not copied when written the same day it is linked again', async () => {
    // Prepare
    await store.writeAttachment(image);

    // Act
    const again = await store.writeAttachment(image);

    // Assess
    expect(again).toEqual({ key: KEY, outcome: 'exists' });
    expect(s3.commandCalls(CopyObjectCommand)).toEqual([]);
  });

  it('takes a concurrent copy of the same day as its own', async () => {
    // Prepare: another archive copies the image between this one's read and its copy
    await store.writeAttachment(image);
    bucket.now = new Date(bucket.now.getTime() + 10 * DAY_MS);
    s3.on(HeadObjectCommand).callsFakeOnce((input: HeadObjectCommandInput) => {
      const seen = bucket.head(input);
      bucket.copy({
        Bucket: 'archive',
        Key: KEY,
        CopySource: `archive/${KEY}`,
        MetadataDirective: 'REPLACE',
        Metadata: {},
      });
      return seen;
    });

    // Act
    const result = await store.writeAttachment(image);

    // Assess
    expect(result).toEqual({ key: KEY, outcome: 'exists' });
    expect(bucket.versions.get(KEY)).toHaveLength(2);
  });

  it('writes the image again when its key vanished between the write and the read', async () => {
    // Prepare: the 412 came from a version a lifecycle delete marker has hidden since
    s3.on(PutObjectCommand)
      .rejectsOnce(s3Error('PreconditionFailed', 412))
      .callsFake((input: PutObjectCommandInput) => bucket.put(input));

    // Act
    const result = await store.writeAttachment(image);

    // Assess
    expect(result).toEqual({ key: KEY, outcome: 'written' });
    expect(bucket.versions.get(KEY)).toHaveLength(1);
  });

  it('reports a copy S3 refuses as a storage error, never as archived', async () => {
    // Prepare
    await store.writeAttachment(image);
    bucket.now = new Date(bucket.now.getTime() + 10 * DAY_MS);
    s3.on(CopyObjectCommand).rejects(s3Error('AccessDenied', 403));

    // Act
    const act = store.writeAttachment(image);

    // Assess
    await expect(act).rejects.toThrow(StorageAccessError);
  });
});
