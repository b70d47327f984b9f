/**
 * The redacted copy's schema: the transcript v1, and its `redaction` block.
 * The Glue table of the copies (`rooms_redacted`) and the published JSON
 * Schema (`docs/transcript-redacted.v1.schema.json`) derive from it. Classic
 * zod: for the CLI, the stack and the tests, never a Lambda bundle.
 */
import { z } from 'zod';
import { REDACTION_MASKS } from '../contract/redaction.js';
import { TranscriptSchema } from '../transcript/schema.js';
import { ENTITY_TYPES } from './types.js';

/** What a finding can be, as the block counts it (see `FindingType`). */
export const FINDING_TYPES = [...ENTITY_TYPES, 'CUSTOMER_ID', 'COUNSELOR', 'TOO_DEEP'] as const;

/** What the copy says of its redaction: versions and counts, never a value (see `RedactionBlock`). */
export const RedactionBlockSchema = z
  .looseObject({
    redactor_version: z.string().min(1).meta({
      description: 'The version of the redactor that made this copy; reindex makes older ones again.',
    }),
    mask: z
      .enum(REDACTION_MASKS)
      .meta({ description: 'What a finding was replaced by: "[TYPE]" or "[PII]".' }),
    counts: z
      .partialRecord(z.enum(FINDING_TYPES), z.number().int().nonnegative())
      .meta({ description: 'Findings replaced, per type, e.g. {"PHONE": 2, "RRN": 1}.' }),
    pseudonymized: z
      .array(z.string())
      .meta({ description: 'The fields whose values were replaced by keyed pseudonyms.' }),
    pseudonym_key_id: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .meta({
        description: 'A public fingerprint of the pseudonym key: pseudonyms compare only under one key id.',
      }),
    counselors: z
      .enum(['kept', 'pseudonymized'])
      .meta({ description: 'Whether counselor names and ids were kept or pseudonymized.' }),
    names: z.boolean().meta({ description: 'Whether names before honorifics (P2) were looked for.' }),
  })
  .meta({ id: 'Redaction', description: 'How this copy was redacted: versions and counts, never a value.' });

/** The redacted copy of a transcript v1 (`redacted/year=…/<room_id>.json`). */
export const RedactedTranscriptSchema = TranscriptSchema.extend({ redaction: RedactionBlockSchema }).meta({
  description:
    'The redacted copy of a HappyTalk transcript v1, for analytics: the same schema, personal data found in ' +
    'free text replaced by [TYPE] or [PII], the customer ids by keyed pseudonyms, and a redaction block.',
});
