/** What `verify` checks of a room's redacted copy (see `VerifyCheck`: `redacted.*`). */
import type { TranscriptIndexRecord } from '../archive/index-record.js';
import { sha256Hex } from '../shared/hash.js';
import type { ArchiveReader } from './reader.js';
import { parseTranscriptLine } from './scan.js';
import type { RoomVerification, VerifyCheck } from './verify.js';

/**
 * The redacted copy the index records: there, with the SHA-256 the index
 * records, of the indexed answer. Its content is the redactor's and the key's:
 * it is not derived again here (that needs the key; `reindex` does it).
 */
export async function checkRedactedCopy(
  reader: ArchiveReader,
  index: TranscriptIndexRecord,
  mismatch: (check: VerifyCheck, expected: string, found: string) => void,
): Promise<RoomVerification['redacted_copy']> {
  if (index.redacted_key === undefined) return index.redaction_pending ? 'pending' : 'missing';
  const object = await reader.readObject(index.redacted_key, index.redacted_version_id);
  if (!object) {
    mismatch('redacted.present', describeObject(index.redacted_key, index.redacted_version_id), 'missing');
    return undefined;
  }
  const sha256 = sha256Hex(object.body);
  if (index.redacted_sha256 !== undefined && sha256 !== index.redacted_sha256) {
    mismatch('redacted.sha256', index.redacted_sha256, sha256);
  }
  const parsed = parseTranscriptLine(object.body);
  const source = parsed.ok ? parsed.transcript.source.sha256 : `unreadable: ${parsed.reason}`;
  if (source !== index.sha256) mismatch('redacted.source-sha256', index.sha256, source);
  return undefined;
}

/** An object as a mismatch names it: its key, and the version pinned. */
export function describeObject(key: string, versionId: string | undefined): string {
  return versionId ? `${key} (version ${versionId})` : key;
}
