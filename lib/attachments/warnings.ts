import type { Message, Transcript, Warning } from '../transcript/schema.js';

/** How the reason of every warning about an attachment not archived begins. */
export const ATTACHMENT_WARNING_PREFIX = 'attachment not archived: ';

// The raw message's contents (an image message) or the image_url inside them (a button or template).
const ATTACHMENT_WARNING_PATH = /^message\[(?:\d+|\?)\]\.contents(?:\.image_url)?$/;

/**
 * Whether a transcript warning is one the archive adds when an attachment
 * could not be archived (`{path: "message[3].contents", value: url, reason:
 * "attachment not archived: …"}`): not the normalizer's, and retried at the
 * room's next archive.
 */
export function isAttachmentWarning(warning: unknown): warning is Warning {
  if (typeof warning !== 'object' || warning === null) return false;
  const { path, reason } = warning as { path?: unknown; reason?: unknown };
  return (
    typeof path === 'string' &&
    ATTACHMENT_WARNING_PATH.test(path) &&
    typeof reason === 'string' &&
    reason.startsWith(ATTACHMENT_WARNING_PREFIX)
  );
}

/**
 * Whether the attachment step has anything to do on this transcript: a
 * message whose image is not linked yet, or an earlier step's warnings to
 * replace. A room without either never loads the step's code.
 */
export function attachmentStepNeeded(transcript: Transcript): boolean {
  return transcript.warnings.some(isAttachmentWarning) || transcript.messages.some(imageNotLinked);
}

/** A message with an image whose attachment is not linked yet: what the attachment step archives. */
export function imageNotLinked(message: Message): message is Message & { image_url: string } {
  return (
    message.image_url !== null &&
    !(message.attachments ?? []).some((attachment) => attachment.url === message.image_url)
  );
}
