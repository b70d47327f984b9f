/**
 * The redacted copy the archive writes beside each transcript
 * (`redacted/year=…/<room_id>.json`, for analytics): the transcript through
 * {@link redactTranscript} under the pseudonym key, as one JSON line.
 */
import type { RedactionConfig } from '../config.js';
import type { SecretsManagerPort } from '../credentials/provider.js';
import { ArchiveError } from '../errors.js';
import { sha256Hex } from '../shared/hash.js';
import { encodeTranscriptLine } from '../transcript/line-encoder.js';
import type { Transcript } from '../transcript/schema.js';
import { InvalidRedactionKeyError } from './errors.js';
import { loadPseudonymizer, type RedactionKeySource } from './key.js';
import type { Pseudonymizer } from './pseudonym.js';
import type { CounselorOption, MaskStyle } from './redact.js';
import { REDACTOR_VERSION } from './version.js';

/**
 * Why a redacted copy could not be made: the transcript is archived without
 * it, the index says so (`redaction_pending`), and the next archive of the
 * room or `reindex` makes it. Fixed words, never a value:
 *
 * - `REDACTION_KEY_NOT_CONFIGURED`: no key was named (the CLI without
 *   `REDACTION_KEY_SECRET_ID` or `REDACTION_KEY`);
 * - `REDACTION_KEY_UNAVAILABLE`: Secrets Manager is throttling or unreachable;
 * - `REDACTION_KEY_ACCESS`: the secret does not exist or may not be read;
 * - `REDACTION_KEY_INVALID`: the secret is empty, malformed or shorter than 32 bytes;
 * - `REDACTION_FAILED`: the redactor failed on this transcript (a defect to report).
 */
export type RedactionPendingReason =
  | 'REDACTION_KEY_NOT_CONFIGURED'
  | 'REDACTION_KEY_UNAVAILABLE'
  | 'REDACTION_KEY_ACCESS'
  | 'REDACTION_KEY_INVALID'
  | 'REDACTION_FAILED';

/** One redacted copy, ready to be written. */
export interface RedactedCopy {
  /** The redacted transcript as one line of JSON, UTF-8. */
  readonly line: Uint8Array;
  /** Hex SHA-256 of `line`, as the index records it. */
  readonly sha256: string;
  /** The redactor that made it (`redaction.redactor_version`). */
  readonly redactorVersion: string;
  /** The public fingerprint of the pseudonym key (`redaction.pseudonym_key_id`). */
  readonly keyId: string;
}

/** A copy, or why there is none now. */
export type CopyOutcome = { readonly copy: RedactedCopy } | { readonly pending: RedactionPendingReason };

/** What the archive and `reindex` make copies with. */
export interface RedactedCopyMaker {
  /** The pseudonym key's fingerprint, or why the key cannot be read now. */
  keyId(): Promise<{ readonly keyId: string } | { readonly pending: RedactionPendingReason }>;
  /** The redacted copy of a (final) transcript, which it neither modifies nor keeps. */
  make(transcript: Transcript): Promise<CopyOutcome>;
}

export interface RedactedCopiesOptions {
  /** Where the pseudonym key is; undefined when none is configured (every copy is then pending). */
  readonly key: RedactionKeySource | undefined;
  /** The Secrets Manager client, made on first use (only a secret needs one). */
  readonly secretsManager?: () => SecretsManagerPort;
  /** `[TYPE]` (default) or `[PII]`. */
  readonly mask?: MaskStyle;
  /** Counselor names and ids kept (default) or pseudonymized. */
  readonly counselors?: CounselorOption;
}

/**
 * Makes redacted copies under one pseudonym key, read once (its secret read
 * on the first copy and kept for the life of the process; a failed read is
 * not kept, so the next copy tries again). A copy is never made without the
 * key: when it cannot be read, the outcome says why, in fixed words.
 */
export class RedactedCopies implements RedactedCopyMaker {
  readonly #options: RedactedCopiesOptions;
  #pseudonymizer: Promise<Pseudonymizer> | undefined;

  constructor(options: RedactedCopiesOptions) {
    this.#options = options;
  }

  async keyId(): Promise<{ keyId: string } | { pending: RedactionPendingReason }> {
    const key = await this.#key();
    return 'pending' in key ? key : { keyId: key.pseudonymizer.keyId };
  }

  async make(transcript: Transcript): Promise<CopyOutcome> {
    const key = await this.#key();
    if ('pending' in key) return key;
    const { pseudonymizer } = key;
    let line: Uint8Array;
    try {
      // The detectors are loaded at the first copy, not at a cold start: a room archived unchanged needs none.
      const { redactTranscript } = await import('./redact.js');
      const redacted = redactTranscript(transcript, pseudonymizer, {
        mask: this.#options.mask ?? 'type',
        counselors: this.#options.counselors ?? 'keep',
      });
      line = encodeTranscriptLine(redacted);
    } catch {
      // Whatever failed, the transcript is archived; its message could name a value, so only the reason goes on.
      return { pending: 'REDACTION_FAILED' };
    }
    return {
      copy: { line, sha256: sha256Hex(line), redactorVersion: REDACTOR_VERSION, keyId: pseudonymizer.keyId },
    };
  }

  async #key(): Promise<{ pseudonymizer: Pseudonymizer } | { pending: RedactionPendingReason }> {
    const source = this.#options.key;
    if (source === undefined) return { pending: 'REDACTION_KEY_NOT_CONFIGURED' };
    if (this.#pseudonymizer === undefined) {
      const loading = loadPseudonymizer(source, () => {
        const client = this.#options.secretsManager?.();
        if (!client)
          throw new InvalidRedactionKeyError('no Secrets Manager client to read the redaction key');
        return client;
      });
      this.#pseudonymizer = loading;
      loading.catch(() => {
        if (this.#pseudonymizer === loading) this.#pseudonymizer = undefined;
      });
    }
    try {
      return { pseudonymizer: await this.#pseudonymizer };
    } catch (error) {
      return { pending: pendingReasonOf(error) };
    }
  }
}

/** The copies the settings ask for: undefined when they are off. */
export function redactedCopiesFor(
  config: RedactionConfig,
  secretsManager: (() => SecretsManagerPort) | undefined,
): RedactedCopies | undefined {
  if (!config.enabled) return undefined;
  return new RedactedCopies({
    key: config.key,
    ...(secretsManager ? { secretsManager } : {}),
    mask: config.mask,
    counselors: config.counselors,
  });
}

/** Why the key could not be read, from the error that said so. */
export function pendingReasonOf(error: unknown): RedactionPendingReason {
  if (error instanceof InvalidRedactionKeyError) return 'REDACTION_KEY_INVALID';
  if (error instanceof ArchiveError && error.code === 'SECRET_ACCESS') return 'REDACTION_KEY_ACCESS';
  // Throttling, an outage, or anything else: the key may be readable at the next archive.
  return 'REDACTION_KEY_UNAVAILABLE';
}
