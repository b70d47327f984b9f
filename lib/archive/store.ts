import {
  CopyObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AttachmentStore } from '../attachments/archive-attachments.js';
import { attachmentKey, indexKey } from '../contract/keys.js';
import { CorruptArchiveError, StorageAccessError, StorageUnavailableError } from './errors.js';

/**
 * `index/rooms/<room_id>.json`: what was archived last for a room. Either a
 * transcript and the raw answer it was made from, or (`status:
 * "unprocessable"`) only a raw answer the normalizer could not process.
 */
export type IndexRecord = TranscriptIndexRecord | UnprocessableIndexRecord;

/** The index of a room whose last archived answer was normalized into a transcript. */
export interface TranscriptIndexRecord {
  readonly room_id: string;
  /** Absent: this record is of a transcript. */
  readonly status?: undefined;
  readonly transcript_key: string;
  readonly raw_key: string;
  /** Hex SHA-256 of the raw response bytes. */
  readonly sha256: string;
  /** UTC ISO 8601 time of the archive. */
  readonly archived_at: string;
  readonly schema_version: number;
  readonly message_count: number;
  /** The room's status code at archive time (e.g. "2" completed), or null. */
  readonly chat_status: string | null;
  /** The room's completion time (ISO 8601 with offset), or null while open. */
  readonly completed_at: string | null;
  /** When HappyTalk answered (UTC ISO 8601): the archive keeps the newest answer. */
  readonly fetched_at?: string;
  /** The S3 versions the index points at, when the bucket is versioned. */
  readonly raw_version_id?: string;
  readonly transcript_version_id?: string;
  /** When `reindex` last derived the transcript again from the raw response (UTC ISO 8601). */
  readonly reindexed_at?: string;
  /**
   * Messages of the transcript whose image is not archived yet, each named by
   * an `attachment not archived` warning: the next archive of the room retries
   * them, even when HappyTalk's answer is unchanged. Absent when there are none.
   */
  readonly attachments_pending?: number;
}

/**
 * The index of a room whose last archived answer could not be normalized (see
 * `UnprocessableResponseError`): the raw bytes are archived as evidence, and
 * there is no transcript of them. Archiving the room again normalizes the
 * answer again, even when it is unchanged: a later normalizer may process it.
 */
export interface UnprocessableIndexRecord {
  readonly room_id: string;
  readonly status: 'unprocessable';
  /** No transcript holds this answer. */
  readonly transcript_key: null;
  readonly raw_key: string;
  /** Hex SHA-256 of the raw response bytes. */
  readonly sha256: string;
  /** UTC ISO 8601 time of the archive. */
  readonly archived_at: string;
  /** When HappyTalk answered (UTC ISO 8601). */
  readonly fetched_at: string;
  /** The URL that was called (a transcript derived later records it as its source). */
  readonly endpoint: string;
  readonly raw_version_id?: string;
  /** Why the answer could not be normalized, in fixed words. */
  readonly reason: string;
  /** The archiver version that could not normalize it. */
  readonly archiver_version: string;
}

/** Whether the index is of an unprocessable answer (no transcript). */
export function isUnprocessable(index: IndexRecord): index is UnprocessableIndexRecord {
  return index.status === 'unprocessable';
}

/**
 * What a write did: `written` (new objects), `unchanged` (the archive already
 * held this content, e.g. written by a concurrent delivery of the same room),
 * or `superseded` (the archive already holds a newer answer for the room, so
 * nothing older was written over it).
 */
export type WriteOutcome = 'written' | 'unchanged' | 'superseded';

/** One room's archive: both objects and the index that points at them. */
export interface ArchiveEntry {
  readonly index: TranscriptIndexRecord;
  /** The exact bytes HappyTalk returned. */
  readonly raw: Uint8Array;
  /** The transcript as one line of JSON: UTF-8 bytes (`encodeTranscriptLine`), or a string. */
  readonly transcriptLine: string | Uint8Array;
  /**
   * The room has no index yet: write each object as new (`If-None-Match: *`)
   * before reading it, which saves a round trip per object on a first archive;
   * a 412 falls back to reading the key and deciding as usual.
   */
  readonly expectNew?: boolean;
}

/** An answer that could not be normalized: its raw bytes, and the index that marks it. */
export interface UnprocessableEntry {
  readonly index: UnprocessableIndexRecord;
  readonly raw: Uint8Array;
  /** The room has no index yet (see {@link ArchiveEntry.expectNew}). */
  readonly expectNew?: boolean;
}

/** The port the use case writes through. */
export interface ArchiveStore {
  readIndex(roomId: string): Promise<IndexRecord | undefined>;
  write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }>;
  writeUnprocessable(entry: UnprocessableEntry): Promise<{ outcome: WriteOutcome; index: IndexRecord }>;
  /** The transcript the index points at; undefined without an index or a transcript (unprocessable). */
  readTranscript(roomId: string): Promise<{ index: TranscriptIndexRecord; body: string } | undefined>;
  readRaw(roomId: string): Promise<{ index: IndexRecord; body: Uint8Array } | undefined>;
}

/** One object of a listing (`ListObjectsV2`): the latest version of its key. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  /** When its latest version was written. */
  readonly lastModified?: Date;
}

/** What `HeadObject` says of an object (its user metadata keys lowercase, e.g. `sha256`, `room-id`). */
export interface ObjectHead {
  readonly key: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** The S3 version id, when the bucket is versioned. */
  readonly versionId?: string;
  readonly size?: number;
  /** When this version was written. */
  readonly lastModified?: Date;
  /** The entity tag, for a conditional write over this version (`If-Match`). */
  readonly etag?: string;
}

/** What a conditional PUT did: written (with the new version and entity tag), or refused by its condition. */
export type ConditionalPutResult =
  | { readonly outcome: 'written'; readonly versionId?: string; readonly etag?: string }
  | { readonly outcome: 'conflict' };

/** One object read whole, with its metadata. */
export interface StoredObject extends ObjectHead {
  readonly body: Uint8Array;
}

/** The part of the S3 client this module uses. */
export type S3Port = Pick<S3Client, 'send'>;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The archive in one S3 bucket. The raw bytes and the transcript are written
 * first and the index last, so the index never points at objects that are not
 * there. Encryption and retention are the bucket's defaults (SSE-KMS, Object Lock).
 *
 * Every write is conditional (`If-None-Match: *` for a new key, `If-Match` with
 * the ETag just read otherwise), so duplicate and concurrent deliveries of one
 * room leave one version per distinct content, and an older answer from
 * HappyTalk never overwrites a newer one (objects carry the answer's time as
 * `fetched-at` metadata). A lost race (412, 409) re-reads and decides again.
 */
export class S3ArchiveStore implements ArchiveStore, AttachmentStore {
  readonly bucket: string;
  readonly #s3: S3Port;
  readonly #maxConflicts: number;

  readonly #now: () => Date;

  /** @param options.now the clock that decides whether an attachment is linked on a later day (tests) */
  constructor(options: { client: S3Port; bucket: string; maxConflicts?: number; now?: () => Date }) {
    this.#s3 = options.client;
    this.bucket = options.bucket;
    this.#maxConflicts = options.maxConflicts ?? 5;
    this.#now = options.now ?? (() => new Date());
  }

  async readIndex(roomId: string): Promise<IndexRecord | undefined> {
    const key = indexKey(roomId);
    const body = await this.#getText(key);
    if (body === undefined) return undefined;
    return parseIndex(body, key);
  }

  /**
   * Writes the room's objects, then its index. A transcript (and an index)
   * with the same SHA-256 as the stored one is still written when it has fewer
   * `attachments_pending` (`attachments-pending` metadata): a retried
   * attachment step that archived more of the room's images.
   */
  async write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }> {
    const { index } = entry;
    const stamp = (pending: number): ContentStamp => ({
      sha256: index.sha256,
      fetchedAt: index.fetched_at ?? index.archived_at,
      pending,
      unprocessable: false,
    });
    const metadata = {
      'room-id': index.room_id,
      sha256: index.sha256,
      'fetched-at': stamp(0).fetchedAt,
      'schema-version': String(index.schema_version),
    };
    const withPending = (pending: number) =>
      pending > 0 ? { ...metadata, [PENDING_METADATA]: String(pending) } : metadata;
    const { attachments_pending: _, ...unpinned } = index;
    const pending = index.attachments_pending ?? 0;
    const expectNew = entry.expectNew === true;
    const [raw, transcript] = await Promise.all([
      this.#putNewest(index.raw_key, entry.raw, metadata, stamp(0), expectNew),
      this.#putNewest(
        index.transcript_key,
        entry.transcriptLine,
        withPending(pending),
        stamp(pending),
        expectNew,
      ),
    ]);
    if (raw.outcome === 'superseded' || transcript.outcome === 'superseded') {
      return { outcome: 'superseded', index };
    }
    // The index tells what the transcript it points at holds, whoever wrote that transcript.
    const pinned: TranscriptIndexRecord = {
      ...unpinned,
      ...(raw.versionId ? { raw_version_id: raw.versionId } : {}),
      ...(transcript.versionId ? { transcript_version_id: transcript.versionId } : {}),
      ...(transcript.pending > 0 ? { attachments_pending: transcript.pending } : {}),
    };
    const written = await this.#putNewest(
      indexKey(index.room_id),
      JSON.stringify(pinned),
      withPending(transcript.pending),
      stamp(transcript.pending),
      expectNew,
    );
    if (written.outcome === 'superseded') return { outcome: 'superseded', index };
    const outcome = written.outcome === 'unchanged' && raw.outcome === 'unchanged' ? 'unchanged' : 'written';
    return { outcome, index: pinned };
  }

  /**
   * Writes the raw bytes of an answer that could not be normalized, then an
   * index that marks it `unprocessable` (no transcript is written). The index
   * of a transcript of the same answer is never replaced by it, and it gives
   * way to one: archiving the same answer once it can be normalized rewrites
   * the index (the index object carries `unprocessable` metadata for that).
   */
  async writeUnprocessable(
    entry: UnprocessableEntry,
  ): Promise<{ outcome: WriteOutcome; index: IndexRecord }> {
    const { index } = entry;
    const expectNew = entry.expectNew === true;
    const stamp: ContentStamp = {
      sha256: index.sha256,
      fetchedAt: index.fetched_at,
      pending: 0,
      unprocessable: false,
    };
    const metadata = { 'room-id': index.room_id, sha256: index.sha256, 'fetched-at': index.fetched_at };
    const raw = await this.#putNewest(index.raw_key, entry.raw, metadata, stamp, expectNew);
    if (raw.outcome === 'superseded') return { outcome: 'superseded', index };
    const { raw_version_id: _, ...unpinned } = index;
    const pinned: UnprocessableIndexRecord = {
      ...unpinned,
      ...(raw.versionId ? { raw_version_id: raw.versionId } : {}),
    };
    const written = await this.#putNewest(
      indexKey(index.room_id),
      JSON.stringify(pinned),
      { ...metadata, [UNPROCESSABLE_METADATA]: 'true' },
      { ...stamp, unprocessable: true },
      expectNew,
    );
    if (written.outcome === 'superseded') return { outcome: 'superseded', index };
    const outcome = written.outcome === 'unchanged' && raw.outcome === 'unchanged' ? 'unchanged' : 'written';
    return { outcome, index: pinned };
  }

  /**
   * Writes `body` at `key` only if the latest version of the key still has the
   * entity tag `etag` (`If-Match`): `conflict` when someone wrote (or removed)
   * the key since it was read. The object carries `metadata` and the JSON
   * content type, as every object of the archive.
   *
   * @throws StorageAccessError, StorageUnavailableError
   */
  async putIfMatch(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
    etag: string,
  ): Promise<ConditionalPutResult> {
    const written = await this.#conditionalPut(key, body, metadata, { IfMatch: etag });
    return written ? { outcome: 'written', ...written } : { outcome: 'conflict' };
  }

  /**
   * Writes `body` at `key` only if the key has no object yet (`If-None-Match:
   * *`): `conflict` when someone wrote it first.
   *
   * @throws StorageAccessError, StorageUnavailableError
   */
  async putIfNoneMatch(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
  ): Promise<ConditionalPutResult> {
    const written = await this.#conditionalPut(key, body, metadata, { IfNoneMatch: '*' });
    return written ? { outcome: 'written', ...written } : { outcome: 'conflict' };
  }

  /**
   * A PUT of an archive object under a condition (`If-Match` or
   * `If-None-Match: *`); undefined when someone else wrote (or removed) the key
   * first (412, 409, or 404 for `If-Match`).
   */
  async #conditionalPut(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
    condition: { IfMatch: string } | { IfNoneMatch: '*' },
  ): Promise<{ versionId?: string; etag?: string } | undefined> {
    try {
      const output = await this.#s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: JSON_CONTENT_TYPE,
          Metadata: { ...metadata },
          ...condition,
        }),
      );
      return { ...versionOf({ versionId: output.VersionId }), ...(output.ETag ? { etag: output.ETag } : {}) };
    } catch (error) {
      if (isLostRace(error)) return undefined;
      throw translateS3Error(error, `write s3://${this.bucket}/${key}`);
    }
  }

  /**
   * Writes content-addressed attachment bytes at `attachments/<sha256>` with
   * `If-None-Match: *`: written once, and a 412 means the object is already
   * there (`exists`). The object carries its `ContentType` and the metadata
   * `sha256` and `content-type`, nothing else (no URL).
   *
   * An image already archived is kept at least as long as the transcript that
   * links it now: when its current version was written on an earlier UTC day,
   * it is copied onto itself (`extended`; see `#keepAttachment`).
   *
   * @throws StorageAccessError, StorageUnavailableError
   */
  async writeAttachment(attachment: {
    sha256: string;
    body: Uint8Array;
    contentType: string;
  }): Promise<{ key: string; outcome: 'written' | 'exists' | 'extended' }> {
    const key = attachmentKey(attachment.sha256);
    for (let attempt = 1; attempt <= this.#maxConflicts; attempt++) {
      try {
        await this.#s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: attachment.body,
            ContentType: attachment.contentType,
            Metadata: { sha256: attachment.sha256, 'content-type': attachment.contentType },
            IfNoneMatch: '*',
          }),
        );
        return { key, outcome: 'written' };
      } catch (error) {
        const status = httpStatusOf(error);
        if (status === 412 || (error instanceof Error && error.name === 'PreconditionFailed')) {
          const kept = await this.#keepAttachment(key, attachment);
          // Gone between the write and the read (an expiry's delete marker): write it again.
          if (kept !== 'missing') return { key, outcome: kept };
          continue;
        }
        // 409: a concurrent write of the same key is in flight; the next attempt sees it done (412).
        if (status !== 409) throw translateS3Error(error, `write s3://${this.bucket}/${key}`);
      }
    }
    throw new StorageUnavailableError(
      `cannot write s3://${this.bucket}/${key}: ${this.#maxConflicts} conflicting writes in a row`,
    );
  }

  /**
   * Keeps an attachment that a new transcript links at least as long as that
   * transcript. Every version is locked by the bucket's default retention from
   * its creation, and the lifecycle expires the current version that long after
   * its creation, so an image stored once would expire with the first
   * transcript that linked it. When the current version was written on an
   * earlier UTC day than today, a copy onto itself starts a new version: locked
   * for the whole default retention from now, and the lifecycle's clock starts
   * again (S3 Lifecycle counts whole days from creation, rounded to the next
   * midnight UTC, so a copy a day is as long as any transcript of that day).
   * The older version stays locked until its own date, then expires as
   * noncurrent. A copy needs no permission beyond reading and writing
   * `attachments/`, and works in GOVERNANCE and COMPLIANCE mode alike (AWS S3
   * User Guide, "Object Lock considerations" and "Locking objects with Object
   * Lock": default retention applies to every new object version; a retention
   * can be extended, never shortened; Lifecycle never deletes a locked version).
   */
  async #keepAttachment(
    key: string,
    attachment: { sha256: string; contentType: string },
  ): Promise<'exists' | 'extended' | 'missing'> {
    let head: { lastModified?: Date; contentType?: string; etag?: string };
    try {
      const output = await this.#s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      head = {
        ...(output.LastModified ? { lastModified: output.LastModified } : {}),
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
        ...(output.ETag ? { etag: output.ETag } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return 'missing';
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
    const today = utcDay(this.#now());
    if (head.lastModified !== undefined && utcDay(head.lastModified) >= today) return 'exists';
    try {
      await this.#s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: `${this.bucket}/${key}`,
          // S3 refuses to copy an object onto itself unchanged: the new metadata says when and why.
          MetadataDirective: 'REPLACE',
          ContentType: head.contentType ?? attachment.contentType,
          Metadata: {
            sha256: attachment.sha256,
            'content-type': head.contentType ?? attachment.contentType,
            'linked-at': today,
          },
          ...(head.etag ? { CopySourceIfMatch: head.etag } : {}),
        }),
      );
    } catch (error) {
      // Someone copied or rewrote it since the read: a version of today's is there.
      if (httpStatusOf(error) === 412 || (error instanceof Error && error.name === 'PreconditionFailed')) {
        return 'exists';
      }
      throw translateS3Error(error, `copy s3://${this.bucket}/${key}`);
    }
    return 'extended';
  }

  /**
   * Writes `body` at `key` unless the object there already holds this content
   * (`unchanged`: the same SHA-256, with no more attachments pending) or a
   * newer one (`superseded`), with a conditional PUT that fails if someone else
   * wrote the key since it was read. `pending` is what the object left holds.
   */
  async #putNewest(
    key: string,
    body: string | Uint8Array,
    metadata: Record<string, string>,
    content: ContentStamp,
    expectNew: boolean,
  ): Promise<{ outcome: WriteOutcome; versionId?: string; pending: number }> {
    for (let attempt = 1; attempt <= this.#maxConflicts; attempt++) {
      const current = expectNew && attempt === 1 ? undefined : await this.#head(key);
      if (current?.sha256 === content.sha256) {
        // A transcript of an answer is better than none; the same answer with fewer attachments
        // missing is better; either is written whenever the answer was fetched.
        const better =
          (current.unprocessable && !content.unprocessable) ||
          (!content.unprocessable && content.pending < current.pending);
        if (!better) return { outcome: 'unchanged', ...versionOf(current), pending: current.pending };
      } else if (current?.fetchedAt && current.fetchedAt > content.fetchedAt) {
        return { outcome: 'superseded', pending: current.pending };
      }
      const written = await this.#conditionalPut(
        key,
        body,
        metadata,
        current ? { IfMatch: current.etag } : { IfNoneMatch: '*' },
      );
      if (written) return { outcome: 'written', ...written, pending: content.pending };
    }
    throw new StorageUnavailableError(
      `cannot write s3://${this.bucket}/${key}: ${this.#maxConflicts} conflicting writes in a row`,
    );
  }

  async #head(key: string): Promise<ObjectStamp | undefined> {
    try {
      const output = await this.#s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        etag: output.ETag ?? '',
        ...(output.Metadata?.sha256 ? { sha256: output.Metadata.sha256 } : {}),
        ...(output.Metadata?.['fetched-at'] ? { fetchedAt: output.Metadata['fetched-at'] } : {}),
        ...(output.VersionId ? { versionId: output.VersionId } : {}),
        pending: pendingOf(output.Metadata?.[PENDING_METADATA]),
        unprocessable: output.Metadata?.[UNPROCESSABLE_METADATA] === 'true',
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
  }

  async readTranscript(roomId: string): Promise<{ index: TranscriptIndexRecord; body: string } | undefined> {
    const index = await this.readIndex(roomId);
    if (!index || isUnprocessable(index)) return undefined;
    const body = await this.#getText(index.transcript_key, index.transcript_version_id);
    if (body === undefined) {
      throw new CorruptArchiveError(
        `index of room ${roomId} points at ${index.transcript_key}, which is missing`,
      );
    }
    return { index, body };
  }

  async readRaw(roomId: string): Promise<{ index: IndexRecord; body: Uint8Array } | undefined> {
    const index = await this.readIndex(roomId);
    if (!index) return undefined;
    const output = await this.#get(index.raw_key, index.raw_version_id);
    if (!output?.Body) {
      throw new CorruptArchiveError(`index of room ${roomId} points at ${index.raw_key}, which is missing`);
    }
    return { index, body: await output.Body.transformToByteArray() };
  }

  /**
   * The objects under `prefix`, a page (at most `pageSize`, default 1,000) at a
   * time, in key order, following `ListObjectsV2` continuation tokens.
   *
   * @throws StorageAccessError, StorageUnavailableError
   */
  async *listObjects(prefix: string, options: { pageSize?: number } = {}): AsyncGenerator<ListedObject[]> {
    let continuationToken: string | undefined;
    do {
      let output: ListObjectsV2CommandOutput;
      try {
        output = await this.#s3.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(options.pageSize === undefined ? {} : { MaxKeys: options.pageSize }),
            ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
          }),
        );
      } catch (error) {
        throw translateS3Error(error, `list s3://${this.bucket}/${prefix}`);
      }
      yield (output.Contents ?? []).flatMap((item) =>
        item.Key === undefined
          ? []
          : [
              {
                key: item.Key,
                size: item.Size ?? 0,
                ...(item.LastModified ? { lastModified: item.LastModified } : {}),
              },
            ],
      );
      continuationToken = output.IsTruncated ? output.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  /**
   * Reads one object whole: the latest version, or `versionId`.
   *
   * @returns undefined when the key, or that version of it, does not exist (S3
   *   answers a malformed version id with 400 `InvalidArgument`: undefined too)
   * @throws StorageAccessError, StorageUnavailableError
   */
  async readObject(key: string, versionId?: string): Promise<StoredObject | undefined> {
    let output: GetObjectCommandOutput;
    try {
      output = await this.#s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
    } catch (error) {
      if (isMissingObject(error, versionId)) return undefined;
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
    if (!output.Body) return undefined;
    return {
      ...headOf(key, output),
      body: await output.Body.transformToByteArray(),
    };
  }

  /**
   * The metadata of one object (`HeadObject`): the latest version, or `versionId`.
   *
   * @returns undefined when the key, or that version of it, does not exist
   * @throws StorageAccessError, StorageUnavailableError
   */
  async headObject(key: string, versionId?: string): Promise<ObjectHead | undefined> {
    try {
      const output = await this.#s3.send(
        new HeadObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
      return headOf(key, output);
    } catch (error) {
      if (isMissingObject(error, versionId)) return undefined;
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
  }

  async #get(key: string, versionId?: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.#s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
  }

  async #getText(key: string, versionId?: string): Promise<string | undefined> {
    const output = await this.#get(key, versionId);
    if (!output?.Body) return undefined;
    return output.Body.transformToString('utf-8');
  }
}

/**
 * The content an object holds: the SHA-256 of the raw answer, when HappyTalk
 * gave it, and (transcript and index) how many attachments it still lacks.
 */
interface ContentStamp {
  readonly sha256: string;
  readonly fetchedAt: string;
  readonly pending: number;
  /** An index of an answer without a transcript. */
  readonly unprocessable: boolean;
}

interface ObjectStamp {
  readonly etag: string;
  readonly sha256?: string;
  readonly fetchedAt?: string;
  readonly versionId?: string;
  readonly pending: number;
  readonly unprocessable: boolean;
}

/** Object metadata: the transcript's (and its index's) `attachments_pending`, when above 0. */
const PENDING_METADATA = 'attachments-pending';

/** Object metadata of an index marking an unprocessable answer. */
const UNPROCESSABLE_METADATA = 'unprocessable';

function pendingOf(value: string | undefined): number {
  const pending = Number(value ?? 0);
  return Number.isSafeInteger(pending) && pending > 0 ? pending : 0;
}

/** `YYYY-MM-DD` of a time, in UTC: the granularity of S3 Lifecycle. */
function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function versionOf(stamp: { versionId?: string | undefined }): { versionId?: string } {
  return stamp.versionId ? { versionId: stamp.versionId } : {};
}

/** Someone else wrote (or removed) the key between our read and our conditional write. */
function isLostRace(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    error.name === 'PreconditionFailed' ||
    error.name === 'ConditionalRequestConflict' ||
    status === 412 ||
    status === 409 ||
    (status === 404 && error.name !== 'NoSuchBucket')
  );
}

/**
 * Reads an index object's text as an index record.
 *
 * @throws CorruptArchiveError when it is not one
 */
export function parseIndex(body: string, key: string): IndexRecord {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isIndexRecord(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new CorruptArchiveError(`${key} is not an index record`);
}

function isIndexRecord(value: unknown): value is IndexRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const located =
    typeof record.room_id === 'string' &&
    typeof record.raw_key === 'string' &&
    typeof record.sha256 === 'string' &&
    typeof record.archived_at === 'string';
  if (record.status === 'unprocessable') {
    return (
      located &&
      record.transcript_key === null &&
      typeof record.fetched_at === 'string' &&
      typeof record.endpoint === 'string' &&
      typeof record.reason === 'string'
    );
  }
  return (
    located &&
    record.status === undefined &&
    typeof record.transcript_key === 'string' &&
    typeof record.schema_version === 'number'
  );
}

function headOf(
  key: string,
  output: {
    Metadata?: Record<string, string>;
    VersionId?: string;
    ContentLength?: number;
    LastModified?: Date;
    ETag?: string;
  },
): ObjectHead {
  return {
    key,
    metadata: output.Metadata ?? {},
    ...(output.VersionId ? { versionId: output.VersionId } : {}),
    ...(output.ContentLength === undefined ? {} : { size: output.ContentLength }),
    ...(output.LastModified ? { lastModified: output.LastModified } : {}),
    ...(output.ETag ? { etag: output.ETag } : {}),
  };
}

/**
 * The key (or the version asked for) does not exist. Unlike {@link isNotFound},
 * a missing bucket is not a missing object: it is reported as an access error.
 */
function isMissingObject(error: unknown, versionId: string | undefined): boolean {
  if (!(error instanceof Error) || error.name === 'NoSuchBucket') return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (versionId && (error.name === 'InvalidArgument' || status === 400)) return true;
  return (
    error.name === 'NoSuchKey' ||
    error.name === 'NoSuchVersion' ||
    error.name === 'NotFound' ||
    status === 404
  );
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || status === 404;
}

const ACCESS_ERRORS = new Set([
  'AccessDenied',
  'NoSuchBucket',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'KMS.DisabledException',
  'KMS.NotFoundException',
  'AllAccessDisabled',
]);

function translateS3Error(error: unknown, action: string): Error {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (ACCESS_ERRORS.has(name) || status === 403) {
    return new StorageAccessError(`cannot ${action}: ${name}`, { cause: error });
  }
  return new StorageUnavailableError(`cannot ${action}: ${name}${status ? ` (HTTP ${status})` : ''}`, {
    cause: error,
  });
}
