import { attachmentKey } from '../contract/keys.js';
import type { Transcript } from '../transcript/schema.js';

/**
 * An archived attachment of a message, as the transcript names it
 * (`messages[].attachments: [{key, sha256, content_type}]`, a schema addition).
 */
export interface AttachmentRef {
  /** Index of the message in `messages`. */
  readonly message: number;
  /** The object to read: the transcript's `key` when it lies under `attachments/`, else `attachments/<sha256>`. */
  readonly key: string;
  /** Hex SHA-256 of the attachment's bytes. */
  readonly sha256: string;
  readonly contentType: string | null;
}

const SHA256 = /^[0-9a-f]{64}$/;
// A plain key below attachments/: no empty, `.` or `..` segment, no control characters.
const SAFE_ATTACHMENT_KEY =
  /^attachments\/(?:[A-Za-z0-9_=+-][A-Za-z0-9_.=+-]*\/)*[A-Za-z0-9_=+-][A-Za-z0-9_.=+-]*$/;

/**
 * The attachments the messages of `transcript` name. Transcripts written
 * before attachments were archived have none; an entry without a hex SHA-256
 * is returned in `invalid` (its message index), never read.
 */
export function attachmentRefsOf(transcript: Transcript): { refs: AttachmentRef[]; invalid: number[] } {
  const refs: AttachmentRef[] = [];
  const invalid: number[] = [];
  transcript.messages.forEach((message, index) => {
    const entries: unknown = (message as Record<string, unknown>).attachments;
    if (entries === undefined || entries === null) return;
    if (!Array.isArray(entries)) {
      invalid.push(index);
      return;
    }
    for (const entry of entries) {
      const fields = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
      const { key, sha256, content_type: contentType } = fields;
      if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
        invalid.push(index);
        continue;
      }
      refs.push({
        message: index,
        key: typeof key === 'string' && SAFE_ATTACHMENT_KEY.test(key) ? key : attachmentKey(sha256),
        sha256,
        contentType: typeof contentType === 'string' ? contentType : null,
      });
    }
  });
  return { refs, invalid };
}
