import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { S3Port } from '../archive/s3-objects.js';
import { keyBeside } from '../contract/keys.js';
import { RoomNotArchivedError } from './errors.js';
import type { ArchiveReader } from './reader.js';

/** One archived version of a room's transcript. */
export interface ArchivedVersion {
  /** The S3 version id; null when the bucket is not versioned. */
  readonly version_id: string | null;
  /** When this version was written (UTC ISO 8601). */
  readonly archived_at: string | null;
  /** SHA-256 of the raw HappyTalk answer this version was made from. */
  readonly sha256: string | null;
  /** When HappyTalk gave that answer. */
  readonly fetched_at: string | null;
  readonly bytes: number | null;
  /** The version the archive serves (the newest). */
  readonly latest: boolean;
}

/** Versions listed at the most, newest first. */
export const MAX_VERSIONS = 100;

/**
 * Every archived version of a room's transcript, newest first, each with the
 * SHA-256 and fetch time it carries as metadata. On storage without
 * versioning, the one current object. For a room whose last answer could not
 * be normalized, the versions of its earlier transcripts (maybe none).
 *
 * @throws RoomNotArchivedError when the room has no index
 */
export async function listTranscriptVersions(
  s3: S3Port,
  reader: ArchiveReader,
  roomId: string,
): Promise<{ room_id: string; key: string; versions: ArchivedVersion[] }> {
  const index = await reader.readIndex(roomId);
  if (!index) throw new RoomNotArchivedError(`room ${roomId} is not archived in ${reader.bucket}`);
  // An unprocessable answer has no transcript; earlier transcripts of the room stay beside its raw object.
  const key = index.transcript_key ?? keyBeside(index.raw_key, 'transcripts');
  const listed = await listVersionIds(s3, reader.bucket, key);
  const versions = await Promise.all(
    (listed ?? [{ versionId: undefined, latest: true }])
      .slice(0, MAX_VERSIONS)
      .map(async ({ versionId, latest }) => {
        const head = await reader.headObject(key, versionId);
        // Storage without versions, and no transcript at all: nothing to list.
        if (head === undefined && versionId === undefined) return undefined;
        return {
          version_id: head?.versionId ?? versionId ?? null,
          archived_at: head?.lastModified?.toISOString() ?? null,
          sha256: head?.metadata.sha256 ?? null,
          fetched_at: head?.metadata['fetched-at'] ?? null,
          bytes: head?.size ?? null,
          latest,
        };
      }),
  );
  return {
    room_id: roomId,
    key,
    versions: versions.filter((version): version is ArchivedVersion => version !== undefined),
  };
}

/** The version ids of exactly `key`, newest first; undefined when the storage does not list versions. */
async function listVersionIds(
  s3: S3Port,
  bucket: string,
  key: string,
): Promise<Array<{ versionId: string | undefined; latest: boolean }> | undefined> {
  try {
    const output = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, MaxKeys: 1000 }),
    );
    return (output.Versions ?? [])
      .filter((version) => version.Key === key)
      .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0))
      .map((version) => ({ versionId: version.VersionId, latest: version.IsLatest === true }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 501 || status === 405 || (error as Error).name === 'NotImplemented') return undefined;
    throw error;
  }
}
