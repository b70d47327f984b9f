import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { StorageAccessError, StorageUnavailableError } from './errors.js';

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

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The size of each part of a body written in parts: at least S3's smallest
 * part (5 MiB, the last excepted), small enough that a part is all of the
 * body held at once.
 */
export const PART_BYTES = 8 * 1024 * 1024;

/**
 * A body produced in parts on demand (a large transcript, encoded as it is
 * uploaded): each part but the last at least {@link PART_BYTES}. `parts()`
 * produces them again from the start at each call, for a write made again
 * after a lost race. A body of one part is written with one PutObject; a
 * longer one as a multipart upload, one part held at a time, completed under
 * the same condition a PutObject would carry.
 */
export interface PartedBody {
  parts(): Iterable<Uint8Array>;
}

/** What an archive object is written from. */
export type ObjectBody = string | Uint8Array | PartedBody;

/** A body's bytes, its parts joined: for a reader that wants it whole. */
export function bodyBytes(body: ObjectBody): Uint8Array {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  return Buffer.concat([...body.parts()]);
}

/**
 * The objects of one bucket, as the archive reads and writes them: reads that
 * tell a missing object from a refusal, listings, and conditional PUTs whose
 * lost races are answers, not errors. SDK errors are translated here into
 * StorageAccessError and StorageUnavailableError.
 */
export class S3Objects {
  readonly bucket: string;
  protected readonly s3: S3Port;

  constructor(options: { client: S3Port; bucket: string }) {
    this.s3 = options.client;
    this.bucket = options.bucket;
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
    body: ObjectBody,
    metadata: Readonly<Record<string, string>>,
    etag: string,
  ): Promise<ConditionalPutResult> {
    const written = await this.conditionalPut(key, body, metadata, { IfMatch: etag });
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
    body: ObjectBody,
    metadata: Readonly<Record<string, string>>,
  ): Promise<ConditionalPutResult> {
    const written = await this.conditionalPut(key, body, metadata, { IfNoneMatch: '*' });
    return written ? { outcome: 'written', ...written } : { outcome: 'conflict' };
  }

  /**
   * A PUT of an archive object under a condition (`If-Match` or
   * `If-None-Match: *`); undefined when someone else wrote (or removed) the key
   * first (412, 409, or 404 for `If-Match`). A {@link PartedBody} of more than
   * one part is a multipart upload whose completion carries the condition (S3
   * honours `If-None-Match` and `If-Match` on CompleteMultipartUpload: API
   * reference, CompleteMultipartUpload; User Guide, "Conditional writes"); an
   * upload that is not completed is aborted.
   *
   * @throws StorageAccessError, StorageUnavailableError; what producing a part throws, as it is
   */
  protected async conditionalPut(
    key: string,
    body: ObjectBody,
    metadata: Readonly<Record<string, string>>,
    condition: { IfMatch: string } | { IfNoneMatch: '*' },
  ): Promise<{ versionId?: string; etag?: string } | undefined> {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      return this.#put(key, body, metadata, condition);
    }
    const parts = body.parts()[Symbol.iterator]();
    const first = parts.next();
    const firstPart = first.done ? new Uint8Array(0) : first.value;
    const second = first.done ? first : parts.next();
    if (second.done) return this.#put(key, firstPart, metadata, condition);
    return this.#putInParts(key, [firstPart, second.value], parts, metadata, condition);
  }

  async #put(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
    condition: { IfMatch: string } | { IfNoneMatch: '*' },
  ): Promise<{ versionId?: string; etag?: string } | undefined> {
    try {
      const output = await this.s3.send(
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
   * A multipart upload of `first` (the parts already produced) and the rest of
   * `parts`, each uploaded and let go before the next is produced. Every part
   * carries a CRC32 (S3 requires an integrity check on a bucket with Object
   * Lock), named again in the completion.
   */
  async #putInParts(
    key: string,
    first: readonly Uint8Array[],
    rest: Iterator<Uint8Array>,
    metadata: Readonly<Record<string, string>>,
    condition: { IfMatch: string } | { IfNoneMatch: '*' },
  ): Promise<{ versionId?: string; etag?: string } | undefined> {
    const action = `write s3://${this.bucket}/${key}`;
    let uploadId: string | undefined;
    // A failure to produce a part is the body's, not S3's: it is thrown as it is.
    let producing = false;
    try {
      const created = await this.s3.send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: JSON_CONTENT_TYPE,
          Metadata: { ...metadata },
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      uploadId = created.UploadId;
      if (!uploadId) throw new StorageUnavailableError(`cannot ${action}: S3 started no multipart upload`);
      const completed: CompletedPart[] = [];
      const upload = async (part: Uint8Array) => {
        const PartNumber = completed.length + 1;
        const output = await this.s3.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber,
            Body: part,
            ChecksumAlgorithm: 'CRC32',
          }),
        );
        completed.push({
          PartNumber,
          ETag: output.ETag,
          ...(output.ChecksumCRC32 ? { ChecksumCRC32: output.ChecksumCRC32 } : {}),
        });
      };
      for (const part of first) await upload(part);
      for (;;) {
        producing = true;
        const next = rest.next();
        producing = false;
        if (next.done) break;
        await upload(next.value);
      }
      const output = await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: completed },
          ...condition,
        }),
      );
      uploadId = undefined;
      return { ...versionOf({ versionId: output.VersionId }), ...(output.ETag ? { etag: output.ETag } : {}) };
    } catch (error) {
      if (uploadId !== undefined) await this.#abort(key, uploadId);
      if (producing || error instanceof StorageUnavailableError) throw error;
      if (isLostRace(error)) return undefined;
      throw translateS3Error(error, action);
    }
  }

  /** Aborts an upload not completed; a failure is left to the bucket's lifecycle rule (7 days). */
  async #abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch {
      // The lifecycle rule `abort-incomplete-multipart-uploads` removes it.
    }
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
        output = await this.s3.send(
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
      output = await this.s3.send(
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
      const output = await this.s3.send(
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

  protected async get(key: string, versionId?: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.s3.send(
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

  protected async getText(key: string, versionId?: string): Promise<string | undefined> {
    const output = await this.get(key, versionId);
    if (!output?.Body) return undefined;
    return output.Body.transformToString('utf-8');
  }
}

export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function versionOf(stamp: { versionId?: string | undefined }): { versionId?: string } {
  return stamp.versionId ? { versionId: stamp.versionId } : {};
}

/** Someone else wrote (or removed) the key between our read and our conditional write. */
export function isLostRace(error: unknown): boolean {
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

export function isNotFound(error: unknown): boolean {
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

export function translateS3Error(error: unknown, action: string): Error {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (ACCESS_ERRORS.has(name) || status === 403) {
    return new StorageAccessError(`cannot ${action}: ${name}`, { cause: error });
  }
  return new StorageUnavailableError(`cannot ${action}: ${name}${status ? ` (HTTP ${status})` : ''}`, {
    cause: error,
  });
}
