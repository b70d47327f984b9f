import type { IndexRecord } from '../archive/index-record.js';
import type { ListedObject, ObjectHead, StoredObject } from '../archive/s3-objects.js';

/**
 * What retrieval reads the archive through: the index, listings and single
 * objects (any version). `S3ArchiveStore` is one; tests pass fakes.
 */
export interface ArchiveReader {
  /** The bucket's name, for messages. */
  readonly bucket: string;
  /** @throws CorruptArchiveError when the index is not an index record */
  readIndex(roomId: string): Promise<IndexRecord | undefined>;
  /** The objects under `prefix`, a page at a time, in key order. */
  listObjects(prefix: string): AsyncIterable<readonly ListedObject[]>;
  /** The latest version of `key`, or `versionId`; undefined when it does not exist. */
  readObject(key: string, versionId?: string): Promise<StoredObject | undefined>;
  /** The metadata of the latest version of `key`, or `versionId`; undefined when it does not exist. */
  headObject(key: string, versionId?: string): Promise<ObjectHead | undefined>;
}
