import { ArchiveError } from '../errors.js';

/**
 * Why an attachment was not archived. The message is a short reason fit for a
 * transcript warning (`attachment not archived: <message>`): it never holds a
 * URL, a header or a body, only what the rule saw (a scheme, an address class,
 * a status, a content type).
 */
export abstract class AttachmentError extends ArchiveError {}

/** A download rule refused the URL, a redirect, the address or the answer: trying again gives the same. */
export class AttachmentRefusedError extends AttachmentError {
  readonly code = 'ATTACHMENT_REFUSED';
  readonly retryable = false;
}

/** The download failed (DNS, connection, timeout, HTTP status): trying again later may succeed. */
export class AttachmentDownloadError extends AttachmentError {
  readonly code = 'ATTACHMENT_DOWNLOAD_FAILED';
  readonly retryable = true;
}
