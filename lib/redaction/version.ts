/**
 * The redactor's own version, recorded in every redacted copy and in the
 * index: bump it whenever what the redactor finds or keeps changes, and
 * `reindex` derives the copies of an older version again.
 *
 * - 1.0.0: the first.
 * - 1.1.0: `chat.order`'s order, product and parcel numbers kept when they are one identifier token.
 */
export const REDACTOR_VERSION = '1.1.0';
