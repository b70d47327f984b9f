/** Where archived attachments live: `attachments/<sha256>`, content-addressed. */
export const ATTACHMENT_KEY_PREFIX = 'attachments/';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The key of the attachment whose bytes have this hex SHA-256.
 *
 * @throws TypeError when `sha256` is not 64 lowercase hex digits (never a path)
 */
export function attachmentKey(sha256: string): string {
  if (!SHA256.test(sha256)) throw new TypeError('an attachment key needs a hex SHA-256');
  return `${ATTACHMENT_KEY_PREFIX}${sha256}`;
}
