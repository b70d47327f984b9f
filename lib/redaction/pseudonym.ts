import { createHmac } from 'node:crypto';
import { InvalidRedactionKeyError } from './errors.js';

/** The shortest pseudonym key accepted, in bytes (256 bits, HMAC-SHA256's block of security). */
export const MIN_KEY_BYTES = 32;

/** What a pseudonym stands for: values of different kinds never share a pseudonym. */
export type PseudonymKind = 'customer' | 'user_id' | 'counselor';

/**
 * Keyed pseudonyms (HMAC-SHA256): the same value and key always give the same
 * pseudonym (so analytics can count per customer across rooms) and, without
 * the key, a pseudonym cannot be turned back into the value or checked
 * against a guess.
 */
export class Pseudonymizer {
  readonly #key: Buffer;
  /** A short public fingerprint of the key, recorded beside the pseudonyms it made. */
  readonly keyId: string;

  constructor(key: string | Uint8Array) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    if (bytes.byteLength < MIN_KEY_BYTES) {
      throw new InvalidRedactionKeyError(
        `the redaction key must be at least ${MIN_KEY_BYTES} bytes, received ${bytes.byteLength}`,
      );
    }
    this.#key = bytes;
    this.keyId = this.#digest('key-id', 'happytalk-archive/redaction').slice(0, 16);
  }

  /** `ps_` and 32 hex digits (128 bits of the HMAC of the kind and the value). */
  pseudonym(kind: PseudonymKind, value: string): string {
    return `ps_${this.#digest(kind, value).slice(0, 32)}`;
  }

  #digest(kind: string, value: string): string {
    return createHmac('sha256', this.#key).update(kind).update('\u0000').update(value).digest('hex');
  }
}
