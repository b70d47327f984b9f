import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CorruptArchiveError, StorageAccessError, StorageUnavailableError } from './errors.js';
import { indexKey } from './keys.js';

/** `index/rooms/<room_id>.json`: what was archived last for a room. */
export interface IndexRecord {
  readonly room_id: string;
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
}

/** One room's archive: both objects and the index that points at them. */
export interface ArchiveEntry {
  readonly index: IndexRecord;
  /** The exact bytes HappyTalk returned. */
  readonly raw: Uint8Array;
  /** The transcript as one line of JSON. */
  readonly transcriptLine: string;
}

/** The port the use case writes through. */
export interface ArchiveStore {
  readIndex(roomId: string): Promise<IndexRecord | undefined>;
  write(entry: ArchiveEntry): Promise<void>;
  readTranscript(roomId: string): Promise<{ index: IndexRecord; body: string } | undefined>;
  readRaw(roomId: string): Promise<{ index: IndexRecord; body: Uint8Array } | undefined>;
}

/** The part of the S3 client this module uses. */
export type S3Port = Pick<S3Client, 'send'>;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The archive in one S3 bucket. The raw bytes and the transcript are written
 * first and the index last, so the index never points at objects that are not
 * there. Encryption and retention are the bucket's defaults (SSE-KMS, Object Lock).
 */
export class S3ArchiveStore implements ArchiveStore {
  readonly bucket: string;
  readonly #s3: S3Port;

  constructor(options: { client: S3Port; bucket: string }) {
    this.#s3 = options.client;
    this.bucket = options.bucket;
  }

  async readIndex(roomId: string): Promise<IndexRecord | undefined> {
    const key = indexKey(roomId);
    const body = await this.#getText(key);
    if (body === undefined) return undefined;
    return parseIndex(body, key);
  }

  async write(entry: ArchiveEntry): Promise<void> {
    const { index } = entry;
    const metadata = {
      'room-id': index.room_id,
      sha256: index.sha256,
      'schema-version': String(index.schema_version),
    };
    await Promise.all([
      this.#put(index.raw_key, entry.raw, metadata),
      this.#put(index.transcript_key, entry.transcriptLine, metadata),
    ]);
    await this.#put(indexKey(index.room_id), JSON.stringify(index), metadata);
  }

  async readTranscript(roomId: string): Promise<{ index: IndexRecord; body: string } | undefined> {
    const index = await this.readIndex(roomId);
    if (!index) return undefined;
    const body = await this.#getText(index.transcript_key);
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
    const output = await this.#get(index.raw_key);
    if (!output?.Body) {
      throw new CorruptArchiveError(`index of room ${roomId} points at ${index.raw_key}, which is missing`);
    }
    return { index, body: await output.Body.transformToByteArray() };
  }

  async #put(key: string, body: string | Uint8Array, metadata: Record<string, string>): Promise<void> {
    try {
      await this.#s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: JSON_CONTENT_TYPE,
          Metadata: metadata,
        }),
      );
    } catch (error) {
      throw translateS3Error(error, `write s3://${this.bucket}/${key}`);
    }
  }

  async #get(key: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.#s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
  }

  async #getText(key: string): Promise<string | undefined> {
    const output = await this.#get(key);
    if (!output?.Body) return undefined;
    return output.Body.transformToString('utf-8');
  }
}

function parseIndex(body: string, key: string): IndexRecord {
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
  return (
    typeof record.room_id === 'string' &&
    typeof record.transcript_key === 'string' &&
    typeof record.raw_key === 'string' &&
    typeof record.sha256 === 'string' &&
    typeof record.archived_at === 'string' &&
    typeof record.schema_version === 'number'
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
