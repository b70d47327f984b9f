import { CorruptArchiveError } from '../archive/errors.js';
import { type IndexRecord, isUnprocessable } from '../archive/index-record.js';
import type { StoredObject } from '../archive/s3-objects.js';
import { keyBeside } from '../contract/keys.js';
import { sha256Hex } from '../shared/hash.js';
import { type ImageAttachment, renderTranscriptHtml } from '../view/transcript-html.js';
import { attachmentRefsOf } from './attachments.js';
import {
  NoRedactedCopyError,
  RoomNotArchivedError,
  RoomUnprocessableError,
  UnknownVersionError,
} from './errors.js';
import type { ArchiveReader } from './reader.js';
import { readStoredTranscript } from './stored-transcript.js';

/** What `get` prints: the transcript line, its HTML view, the raw response bytes, or the redacted copy. */
export type RoomFormat = 'json' | 'html' | 'raw' | 'redacted';

export const ROOM_FORMATS: readonly RoomFormat[] = ['json', 'html', 'raw', 'redacted'];

export interface GetRoomOptions {
  readonly format: RoomFormat;
  /**
   * Read this S3 version of the transcript (`json`, `html`), of the raw
   * object (`raw`) or of the redacted copy (`redacted`) instead of the one the
   * index points at.
   */
  readonly versionId?: string;
}

/** One room read back. */
export interface RetrievedRoom {
  readonly roomId: string;
  readonly format: RoomFormat;
  /** The object read. */
  readonly key: string;
  readonly versionId?: string;
  /** The transcript line, the raw bytes or the redacted copy as stored, or the HTML page. */
  readonly body: Uint8Array | string;
}

/**
 * Reads one archived room through its index: the transcript (`json`, the
 * stored line byte for byte), its printable page (`html`, with the archived
 * images of its messages embedded when the transcript names them), the raw
 * response (`raw`, byte for byte), or the transcript's redacted copy
 * (`redacted`, the stored line byte for byte).
 *
 * A room whose last answer could not be normalized (an `unprocessable` index)
 * has its raw bytes only: `raw` reads them, and `json` and `html` need the
 * version of an earlier transcript.
 *
 * @throws RoomNotArchivedError when the room has no index
 * @throws RoomUnprocessableError for `json`, `html` or `redacted` without a version, when the index is `unprocessable`
 * @throws NoRedactedCopyError for `redacted` without a version, when the index records no copy
 * @throws UnknownVersionError when `options.versionId` is not a version of the object
 * @throws CorruptArchiveError when the index points at a missing object, or the transcript does not parse
 */
export async function getRoom(
  reader: ArchiveReader,
  roomId: string,
  options: GetRoomOptions,
): Promise<RetrievedRoom> {
  const index = await reader.readIndex(roomId);
  if (!index) throw new RoomNotArchivedError(`room ${roomId} is not archived in ${reader.bucket}`);
  const object = await readPointed(reader, index, options);
  const read = {
    roomId,
    format: options.format,
    key: object.key,
    ...(object.versionId ? { versionId: object.versionId } : {}),
  };
  if (options.format !== 'html') return { ...read, body: object.body };

  const parsed = readStoredTranscript(object.body);
  if (!parsed.ok) throw new CorruptArchiveError(`${object.key} is ${parsed.reason}`);
  // The index's archive time is that of the version it points at; another version has its own.
  const archivedAt = options.versionId ? object.lastModified : index.archived_at;
  const html = renderTranscriptHtml(parsed.transcript, {
    attachments: await imagesOf(reader, parsed.transcript),
    ...(archivedAt ? { archivedAt } : {}),
  });
  return { ...read, body: html };
}

async function readPointed(
  reader: ArchiveReader,
  index: IndexRecord,
  options: GetRoomOptions,
): Promise<StoredObject> {
  const { key, versionId } = pointedObject(index, options.format, options.versionId);
  const object = await reader.readObject(key, versionId);
  if (object) return object;
  if (options.versionId !== undefined) {
    throw new UnknownVersionError(
      `s3://${reader.bucket}/${key} has no version ${JSON.stringify(options.versionId)}`,
    );
  }
  throw new CorruptArchiveError(`index of room ${index.room_id} points at ${key}, which is missing`);
}

/**
 * The object a format reads, and its version: the one asked for, else the
 * one the index pins.
 *
 * @throws RoomUnprocessableError, NoRedactedCopyError (see {@link getRoom})
 */
export function pointedObject(
  index: IndexRecord,
  format: RoomFormat,
  versionId: string | undefined,
): { key: string; versionId?: string } {
  const at = (key: string, pinned: string | undefined) => {
    const version = versionId ?? pinned;
    return version === undefined ? { key } : { key, versionId: version };
  };
  if (format === 'raw') return at(index.raw_key, index.raw_version_id);
  if (isUnprocessable(index)) {
    if (versionId === undefined) {
      throw new RoomUnprocessableError(
        `room ${index.room_id} has no transcript: HappyTalk's last answer (${index.raw_key}) could not be ` +
          `normalized (${index.reason}); the raw format gives its bytes`,
      );
    }
    return at(keyBeside(index.raw_key, format === 'redacted' ? 'redacted' : 'transcripts'), undefined);
  }
  if (format !== 'redacted') return at(index.transcript_key, index.transcript_version_id);
  if (index.redacted_key === undefined && versionId === undefined) {
    const why = index.redaction_pending
      ? `it is pending (${index.redaction_pending})`
      : 'it was archived before redacted copies were written, or they are off';
    throw new NoRedactedCopyError(
      `room ${index.room_id} has no redacted copy: ${why}; \`happytalk-archive reindex ${index.room_id}\` makes it`,
    );
  }
  return at(index.redacted_key ?? keyBeside(index.transcript_key, 'redacted'), index.redacted_version_id);
}

/**
 * The archived images of the transcript's image messages, keyed by their
 * `image_url` as the view wants them. An attachment that is missing, or whose
 * bytes do not have its SHA-256, is left out: the page shows the URL instead.
 */
async function imagesOf(
  reader: ArchiveReader,
  transcript: Parameters<typeof attachmentRefsOf>[0],
): Promise<Map<string, ImageAttachment>> {
  const images = new Map<string, ImageAttachment>();
  for (const ref of attachmentRefsOf(transcript).refs) {
    const url = transcript.messages[ref.message]?.image_url;
    if (!url || images.has(url) || !ref.contentType?.startsWith('image/')) continue;
    const object = await reader.readObject(ref.key);
    if (!object || sha256Hex(object.body) !== ref.sha256) continue;
    images.set(url, { contentType: ref.contentType, bytes: object.body });
  }
  return images;
}
