/**
 * What reindexing keeps of the stored transcript, and what it writes beside
 * the transcript it derives again: the archive's own additions, the metadata.
 */
import { CorruptArchiveError } from '../archive/errors.js';
import type { TranscriptIndexRecord } from '../archive/index-record.js';
import type { ObjectHead, StoredObject } from '../archive/s3-objects.js';
import { isNotFinalWarning } from '../archive/warnings.js';
import { attachmentWarningPath, rawIndexById } from '../attachments/archive-attachments.js';
import { ATTACHMENT_WARNING_PREFIX, imageNotLinked, isAttachmentWarning } from '../attachments/warnings.js';
import { isRecord } from '../shared/records.js';
import type { Attachment, Transcript, Warning } from '../transcript/schema.js';

/**
 * Carries over, onto a transcript derived again, what the archive added to
 * the stored one after normalizing: each message's archived `attachments`;
 * the warning of a room archived while still open; and the `attachment not
 * archived` warnings of images still not archived. An image the new transcript
 * names that the stored one did not (read from a template the older archiver
 * could not read) gets such a warning when the archive downloads images, so
 * that the room's next archive downloads it.
 */
export function keepArchiveAdditions(
  derived: Transcript,
  storedJson: unknown,
  rawMessages: readonly unknown[],
  attachmentsEnabled: boolean,
): void {
  const stored = isRecord(storedJson) ? storedJson : {};
  const storedMessages = new Map<string, Record<string, unknown>>();
  for (const message of Array.isArray(stored.messages) ? stored.messages : []) {
    if (isRecord(message) && typeof message.id === 'string') storedMessages.set(message.id, message);
  }
  const storedWarnings = Array.isArray(stored.warnings) ? stored.warnings : [];
  const attachmentWarnings = new Map<string, Warning>();
  for (const warning of storedWarnings) {
    if (isAttachmentWarning(warning))
      attachmentWarnings.set(`${warning.path}\n${String(warning.value)}`, warning);
  }
  derived.warnings.push(...(storedWarnings.filter(isNotFinalWarning) as Warning[]));

  const rawIndex = rawIndexById(rawMessages);
  for (const message of derived.messages) {
    const before = storedMessages.get(message.id);
    if (before && Array.isArray(before.attachments)) message.attachments = before.attachments as Attachment[];
    if (!imageNotLinked(message)) continue;
    const url = message.image_url;
    const path = attachmentWarningPath(message, rawIndex);
    const kept = attachmentWarnings.get(`${path}\n${url}`);
    if (kept) {
      derived.warnings.push(kept);
    } else if (attachmentsEnabled && before?.image_url !== url) {
      derived.warnings.push({
        path,
        value: url,
        reason: `${ATTACHMENT_WARNING_PREFIX}found when the transcript was derived again; the next archive of the room downloads it`,
      });
    }
  }
}

/** The metadata of a reindexed transcript and of its index: as the archive writes them. */
export function objectMetadata(
  index: TranscriptIndexRecord,
  latest: StoredObject,
  pending: number,
): Record<string, string> {
  return {
    'room-id': index.room_id,
    sha256: index.sha256,
    'fetched-at': latest.metadata['fetched-at'] ?? index.fetched_at ?? index.archived_at,
    'schema-version': String(index.schema_version),
    ...(pending > 0 ? { 'attachments-pending': String(pending) } : {}),
  };
}

export function etagOf(object: ObjectHead): string {
  if (!object.etag) throw new CorruptArchiveError(`${object.key} has no entity tag to write over it`);
  return object.etag;
}

/** The transcript without the warnings the archive adds (which `transcriptDifferences` leaves out of the stored one). */
export function withoutArchiveWarnings(transcript: Transcript): Transcript {
  return {
    ...transcript,
    warnings: transcript.warnings.filter(
      (warning) => !isNotFinalWarning(warning) && !isAttachmentWarning(warning),
    ),
  };
}

export function withoutReindexedAt(json: unknown): unknown {
  if (!isRecord(json) || !isRecord(json.source)) return json;
  const { reindexed_at: _reindexed, ...source } = json.source;
  return { ...json, source };
}
