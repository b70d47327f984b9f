import {
  COUNSELOR_OPTIONS,
  type CounselorOption,
  REDACTION_MASKS,
  type RedactionMask,
} from '../contract/redaction.js';
import type { Transcript } from '../transcript/schema.js';
import type { DetectOptions } from './detect.js';
import { Pseudonymizer } from './pseudonym.js';
import type { EntityType } from './types.js';
import { REDACTOR_VERSION } from './version.js';
import { Walker } from './walker.js';

export { REDACTOR_VERSION };

/** `type` replaces a finding by `[PHONE]`, `[RRN]`, …; `pii` by `[PII]` whatever it is. */
export type MaskStyle = RedactionMask;
export const MASK_STYLES: readonly MaskStyle[] = REDACTION_MASKS;

/** Counselors' names and ids: kept, or replaced by pseudonyms. */
export { COUNSELOR_OPTIONS, type CounselorOption };

/**
 * What a finding is: a detector's type, or a known identifier of the room met
 * in free text (the customer's uuid or user id; the counselor's name or id
 * when counselors are pseudonymized), or `TOO_DEEP`: a value nested deeper
 * than any transcript field is, replaced whole without being read.
 */
export type FindingType = EntityType | 'CUSTOMER_ID' | 'COUNSELOR' | 'TOO_DEEP';

export interface RedactionOptions {
  /** Default `type`. */
  readonly mask?: MaskStyle;
  /** Counselor names and ids: kept (default) or replaced by pseudonyms. */
  readonly counselors?: CounselorOption;
  readonly detect?: DetectOptions;
}

/** What the redacted copy says about its redaction: versions and counts, never a value. */
export interface RedactionBlock {
  readonly redactor_version: string;
  readonly mask: MaskStyle;
  /** Findings replaced, per type. */
  readonly counts: Partial<Record<FindingType, number>>;
  /** The fields whose values were replaced by keyed pseudonyms. */
  readonly pseudonymized: readonly string[];
  /** A public fingerprint of the pseudonym key: pseudonyms compare only under the same key id. */
  readonly pseudonym_key_id: string;
  readonly counselors: 'kept' | 'pseudonymized';
  /** Whether names before honorifics (P2) were looked for. */
  readonly names: boolean;
}

export type RedactedTranscript = Transcript & { readonly redaction: RedactionBlock };

/** One finding, as `explain` reports it: where, what, how sure; the value masked (`***-****-****`). */
export interface Finding {
  /** The string of the transcript, e.g. `messages[3].text`, `chat.extra.user_parameter`. */
  readonly path: string;
  /** When that string holds JSON (template `contents`, …): the string inside it, e.g. `$.buttonList[0].pcUrl`. */
  readonly json_path?: string;
  readonly type: FindingType;
  /** UTF-16 code unit offsets into the string (into the JSON string value with `json_path`), end excluded. */
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
  /** The value with every letter and digit replaced by `*`. */
  readonly masked: string;
}

/**
 * The redacted copy of a transcript v1, of the same schema: every free-text
 * string (messages' text, contents, links and buttons, image URLs, title,
 * parameters, rating comment, tags, every string and number under `extra`,
 * warnings' values and reasons, fields added later) has its findings
 * replaced by `[TYPE]` or `[PII]`; the customer's uuid and user id (and the
 * customer's ids in `from_id`/`to_id`) become keyed pseudonyms; counselors
 * are kept or pseudonymized; a `redaction` block says how. Ids, times,
 * codes' labels, the order's identifier tokens, stats and `source` are kept. The input is not modified; the
 * copy shares the input's subtrees that hold no finding (treat both as
 * read-only).
 *
 * Strings holding a JSON object or array (template contents, user parameters)
 * are redacted inside and written back as JSON, so they stay valid JSON; when
 * nothing is found they are kept verbatim.
 *
 * @throws InvalidRedactionKeyError when the key is shorter than 32 bytes
 * @throws InvalidTranscriptError when the transcript already has a `redaction` block
 */
export function redactTranscript(
  transcript: Transcript,
  key: string | Uint8Array | Pseudonymizer,
  options: RedactionOptions = {},
): RedactedTranscript {
  const pseudonymizer = key instanceof Pseudonymizer ? key : new Pseudonymizer(key);
  const walker = new Walker(transcript, options, pseudonymizer, false);
  const redacted = walker.transcript(transcript);
  const redaction: RedactionBlock = {
    redactor_version: REDACTOR_VERSION,
    mask: options.mask ?? 'type',
    counts: walker.counts(),
    pseudonymized: walker.pseudonymizedFields(),
    pseudonym_key_id: pseudonymizer.keyId,
    counselors: options.counselors === 'pseudonymize' ? 'pseudonymized' : 'kept',
    names: options.detect?.names ?? false,
  };
  return { ...redacted, redaction };
}

/** Every finding {@link redactTranscript} would replace, in transcript order, values masked. Needs no key. */
export function explainTranscript(transcript: Transcript, options: RedactionOptions = {}): Finding[] {
  const walker = new Walker(transcript, options, undefined, true);
  walker.transcript(transcript);
  return walker.findings;
}
