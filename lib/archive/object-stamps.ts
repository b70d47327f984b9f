/**
 * What an archive object holds, as its metadata says: the SHA-256 of the raw
 * answer it is of, when HappyTalk gave it, the attachments it still lacks,
 * whether it marks an unprocessable answer, and (a redacted copy, and the
 * index that records one) the redactor and pseudonym key it was made with.
 * The store decides by these whether a write is new, better, the same or
 * older; `reindex` writes the same metadata.
 */
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { compareDottedVersions } from '../shared/dotted-version.js';
import type { TranscriptIndexRecord } from './index-record.js';
import type { WriteOutcome } from './store.js';

/** The redactor and pseudonym key a redacted copy (or the index that records it) was made with. */
export interface RedactionStamp {
  readonly version: string;
  readonly keyId: string;
}

/**
 * The content an object holds: the SHA-256 of the raw answer, when HappyTalk
 * gave it, how many attachments it (transcript, redacted copy, index) still
 * lacks, and (redacted copy, index) the redaction it holds or records.
 */
export interface ContentStamp {
  readonly sha256: string;
  readonly fetchedAt: string;
  readonly pending: number;
  /** An index of an answer without a transcript. */
  readonly unprocessable: boolean;
  readonly redaction?: RedactionStamp;
  /** A redacted copy: the SHA-256 of its bytes. */
  readonly bodySha256?: string;
}

export interface ObjectStamp {
  readonly etag: string;
  readonly sha256?: string;
  readonly fetchedAt?: string;
  readonly versionId?: string;
  readonly pending: number;
  readonly unprocessable: boolean;
  readonly redaction?: RedactionStamp;
  readonly bodySha256?: string;
}

/** What a conditional write left at its key: written there, or what was already there. */
export interface PutResult {
  readonly outcome: WriteOutcome;
  readonly versionId?: string;
  /** Its entity tag, which the index records for the next write over it (`If-Match`). */
  readonly etag?: string;
  readonly pending: number;
  readonly redaction?: RedactionStamp;
  readonly bodySha256?: string;
}

/** Object metadata: the transcript's (and its index's) `attachments_pending`, when above 0. */
export const PENDING_METADATA = 'attachments-pending';

/** Object metadata of an index marking an unprocessable answer. */
export const UNPROCESSABLE_METADATA = 'unprocessable';

/** Object metadata of a redacted copy and of the index that records one: its redactor, its key's fingerprint. */
const REDACTOR_VERSION_METADATA = 'redactor-version';
const REDACTION_KEY_ID_METADATA = 'redaction-key-id';
/** Object metadata of a redacted copy: the SHA-256 of its own bytes. */
const REDACTED_SHA256_METADATA = 'redacted-sha256';

/** The metadata every object of a room's answer carries (and its attachments pending, when above 0). */
export function metadataOf(index: TranscriptIndexRecord, pending = 0): Record<string, string> {
  return {
    'room-id': index.room_id,
    sha256: index.sha256,
    'fetched-at': index.fetched_at ?? index.archived_at,
    'schema-version': String(index.schema_version),
    ...(pending > 0 ? { [PENDING_METADATA]: String(pending) } : {}),
  };
}

export function stampOf(index: TranscriptIndexRecord, pending: number): ContentStamp {
  return {
    sha256: index.sha256,
    fetchedAt: index.fetched_at ?? index.archived_at,
    pending,
    unprocessable: false,
  };
}

function redactionMetadata(redaction: RedactionStamp): Record<string, string> {
  return { [REDACTOR_VERSION_METADATA]: redaction.version, [REDACTION_KEY_ID_METADATA]: redaction.keyId };
}

/**
 * The metadata of a redacted copy: its transcript's (`base`), its redactor,
 * its pseudonym key's fingerprint and the SHA-256 of its own bytes; what the
 * archive compares before writing over a copy (`reindex` writes it too).
 */
export function redactedCopyMetadata(
  base: Readonly<Record<string, string>>,
  copy: { readonly redactorVersion: string; readonly keyId: string; readonly sha256: string },
): Record<string, string> {
  return {
    ...base,
    ...redactionMetadata({ version: copy.redactorVersion, keyId: copy.keyId }),
    [REDACTED_SHA256_METADATA]: copy.sha256,
  };
}

/** The SHA-256 of a redacted copy's bytes, as its metadata records it. */
export function redactedSha256Of(metadata: Readonly<Record<string, string>>): string | undefined {
  return metadata[REDACTED_SHA256_METADATA];
}

/** The metadata of an index: its transcript's (`base`), and the redactor of the copy it records, if any. */
export function indexMetadata(
  base: Readonly<Record<string, string>>,
  index: TranscriptIndexRecord,
): Record<string, string> {
  const redaction = redactionOfIndex(index);
  return redaction ? { ...base, ...redactionMetadata(redaction) } : { ...base };
}

/** What an object holds, as a write reports it. */
export function leftOf(stamp: {
  pending: number;
  redaction?: RedactionStamp | undefined;
  bodySha256?: string | undefined;
}): Pick<PutResult, 'pending' | 'redaction' | 'bodySha256'> {
  return {
    pending: stamp.pending,
    ...(stamp.redaction ? { redaction: stamp.redaction } : {}),
    ...(stamp.bodySha256 ? { bodySha256: stamp.bodySha256 } : {}),
  };
}

/**
 * A copy of a newer redactor is better than an older one (never the reverse),
 * and of the same redactor under another pseudonym key (the key in use now)
 * better too; any copy is better than none.
 */
export function isBetterRedaction(
  current: RedactionStamp | undefined,
  next: RedactionStamp | undefined,
): boolean {
  if (next === undefined) return false;
  if (current === undefined) return true;
  const order = compareDottedVersions(next.version, current.version);
  return order > 0 || (order === 0 && next.keyId !== current.keyId);
}

/** The index fields of the redacted copy a write left at `key`. */
export function copyFields(key: string, left: PutResult): Partial<TranscriptIndexRecord> {
  return {
    redacted_key: key,
    ...(left.versionId ? { redacted_version_id: left.versionId } : {}),
    ...(left.etag ? { redacted_etag: left.etag } : {}),
    ...(left.bodySha256 ? { redacted_sha256: left.bodySha256 } : {}),
    ...(left.redaction
      ? { redactor_version: left.redaction.version, redaction_key_id: left.redaction.keyId }
      : {}),
  };
}

/** What an index records of an object: where it is, its version and entity tag, what it holds. */
export interface RecordedObject {
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly redaction?: RedactionStamp;
  readonly bodySha256?: string;
}

/** The redactor and pseudonym key of the copy an index records, if any. */
export function redactionOfIndex(index: TranscriptIndexRecord): RedactionStamp | undefined {
  return index.redactor_version && index.redaction_key_id
    ? { version: index.redactor_version, keyId: index.redaction_key_id }
    : undefined;
}

/** The redacted copy an index records (see {@link copyFields}), or undefined. */
export function recordedCopyOf(index: TranscriptIndexRecord): RecordedObject | undefined {
  if (index.redacted_key === undefined) return undefined;
  const redaction = redactionOfIndex(index);
  return {
    key: index.redacted_key,
    ...(index.redacted_version_id ? { versionId: index.redacted_version_id } : {}),
    ...(index.redacted_etag ? { etag: index.redacted_etag } : {}),
    ...(redaction ? { redaction } : {}),
    ...(index.redacted_sha256 ? { bodySha256: index.redacted_sha256 } : {}),
  };
}

/** How many attachments an object's metadata says are pending (0 when it says none, or nothing readable). */
export function pendingOf(metadata: Readonly<Record<string, string>>): number {
  const pending = Number(metadata[PENDING_METADATA] ?? 0);
  return Number.isSafeInteger(pending) && pending > 0 ? pending : 0;
}

/** What `HeadObject` says an object holds. */
export function objectStampOf(output: HeadObjectCommandOutput): ObjectStamp {
  const metadata = output.Metadata ?? {};
  const version = metadata[REDACTOR_VERSION_METADATA];
  const keyId = metadata[REDACTION_KEY_ID_METADATA];
  return {
    etag: output.ETag ?? '',
    ...(metadata.sha256 ? { sha256: metadata.sha256 } : {}),
    ...(metadata['fetched-at'] ? { fetchedAt: metadata['fetched-at'] } : {}),
    ...(output.VersionId ? { versionId: output.VersionId } : {}),
    pending: pendingOf(metadata),
    unprocessable: metadata[UNPROCESSABLE_METADATA] === 'true',
    ...(version && keyId ? { redaction: { version, keyId } } : {}),
    ...(metadata[REDACTED_SHA256_METADATA] ? { bodySha256: metadata[REDACTED_SHA256_METADATA] } : {}),
  };
}
