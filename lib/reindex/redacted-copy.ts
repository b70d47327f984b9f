/**
 * The redacted copy, as `reindex` keeps it: made for a room that has none (it
 * was pending, or the room was archived before copies were written), made
 * again when the redactor of the copy is older than this one or the pseudonym
 * key changed, and always made again with a transcript derived again.
 */
import { type TranscriptIndexRecord, withoutRedactedCopy } from '../archive/index-record.js';
import { redactedCopyMetadata, redactedSha256Of } from '../archive/store.js';
import { keyBeside } from '../contract/keys.js';
import type { RedactedCopyMaker } from '../redaction/copy.js';
import { REDACTOR_VERSION } from '../redaction/redact.js';
import { compareDottedVersions } from '../shared/dotted-version.js';
import type { Transcript } from '../transcript/schema.js';
import { ReindexConflictError, refuseNewerAnswer } from './errors.js';
import type { ReindexStore } from './reindex.js';

/** What became (or, with `--dry-run`, would become) of a room's redacted copy. */
export interface RedactedCopyResult {
  /**
   * `created`: the room had none; `rederived`: made again (an older redactor,
   * another key, or a transcript derived again); `current`: kept as it is;
   * `pending`: not made, the pseudonym key cannot be read (`reason`).
   */
  readonly status: 'created' | 'rederived' | 'current' | 'pending';
  /** The redactor of the copy before, when it had one. */
  readonly redactor_version?: string;
  readonly current_redactor_version: string;
  readonly reason?: string;
}

/** Whether the copy an index records must be made (again), and why. */
export async function copyDecision(
  index: TranscriptIndexRecord,
  maker: RedactedCopyMaker,
  transcriptChanged: boolean,
): Promise<RedactedCopyResult> {
  const before = index.redacted_key === undefined ? undefined : index.redactor_version;
  const result = (status: RedactedCopyResult['status'], reason?: string): RedactedCopyResult => ({
    status,
    ...(before === undefined ? {} : { redactor_version: before }),
    current_redactor_version: REDACTOR_VERSION,
    ...(reason === undefined ? {} : { reason }),
  });
  const missing = index.redacted_key === undefined;
  const older = before === undefined || compareDottedVersions(before, REDACTOR_VERSION) < 0;
  const key = await maker.keyId();
  if ('pending' in key) {
    // Without the key, a copy of this redactor and of the transcript as it is stays as it is.
    return missing || older || transcriptChanged ? result('pending', key.pending) : result('current');
  }
  if (missing) return result('created');
  if (transcriptChanged || older || index.redaction_key_id !== key.keyId) return result('rederived');
  return result('current');
}

/**
 * Makes the copy of `transcript` (the one the index will point at) and writes
 * it beside it: over the key's latest version (`If-Match`), or as the first
 * (`If-None-Match: *`); a copy already holding these very bytes is not
 * written again. Returns the index fields that record it, or why it is pending.
 *
 * @throws ReindexConflictError when the copy changed under the reindex
 */
export async function writeRedactedCopy(
  store: ReindexStore,
  maker: RedactedCopyMaker,
  index: TranscriptIndexRecord,
  transcript: Transcript,
  base: Readonly<Record<string, string>>,
): Promise<{ fields: Partial<TranscriptIndexRecord> } | { pending: string }> {
  const outcome = await maker.make(transcript);
  if ('pending' in outcome) return { pending: outcome.pending };
  const { copy } = outcome;
  const key = keyBeside(index.transcript_key, 'redacted');
  const fields = (left: { versionId?: string | undefined; etag?: string | undefined }) => ({
    redacted_key: key,
    ...(left.versionId ? { redacted_version_id: left.versionId } : {}),
    ...(left.etag ? { redacted_etag: left.etag } : {}),
    redacted_sha256: copy.sha256,
    redactor_version: copy.redactorVersion,
    redaction_key_id: copy.keyId,
  });
  const current = await store.headObject(key);
  if (current && redactedSha256Of(current.metadata) === copy.sha256) return { fields: fields(current) };
  refuseNewerAnswer(
    current,
    index.fetched_at ?? index.archived_at,
    `the redacted copy of room ${index.room_id}`,
  );
  const metadata = redactedCopyMetadata(base, copy);
  const written = current?.etag
    ? await store.putIfMatch(key, copy.line, metadata, current.etag)
    : await store.putIfNoneMatch(key, copy.line, metadata);
  if (written.outcome === 'conflict') {
    throw new ReindexConflictError(
      `the redacted copy of room ${index.room_id} changed while it was reindexed`,
    );
  }
  return { fields: fields(written) };
}

/** The index with what it says of the copy replaced by `copy` (the fields, or the pending reason). */
export function withCopy(
  index: TranscriptIndexRecord,
  copy: { fields: Partial<TranscriptIndexRecord> } | { pending: string } | undefined,
): TranscriptIndexRecord {
  if (copy === undefined) return index;
  const kept = withoutRedactedCopy(index);
  return 'pending' in copy ? { ...kept, redaction_pending: copy.pending } : { ...kept, ...copy.fields };
}

/** What became of the copy: as decided, or pending when it could not be made after all. */
export function copyResult(
  decided: RedactedCopyResult,
  copy: { fields: Partial<TranscriptIndexRecord> } | { pending: string },
): RedactedCopyResult {
  if (!('pending' in copy)) return decided;
  return { ...decided, status: 'pending', reason: copy.pending };
}
