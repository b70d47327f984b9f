import { z } from 'zod';
import { RedactedTranscriptSchema } from '../redaction/schema.js';
import { TRANSCRIPT_SCHEMA_VERSION, TranscriptSchema } from './schema.js';

/** The `$id` of the published JSON Schema of transcript v1. */
export const TRANSCRIPT_JSON_SCHEMA_ID = `urn:happytalk-archive:transcript:v${TRANSCRIPT_SCHEMA_VERSION}`;

/**
 * The JSON Schema (draft 2020-12) of transcript v1, derived from
 * {@link TranscriptSchema}: what `docs/transcript.v1.schema.json` holds
 * (written by `scripts/gen-schema.ts`, checked by a unit test).
 */
export function transcriptJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(TranscriptSchema, { target: 'draft-2020-12' });
  const { $schema, description, ...rest } = generated;
  return {
    $schema,
    $id: TRANSCRIPT_JSON_SCHEMA_ID,
    title: `HappyTalk transcript v${TRANSCRIPT_SCHEMA_VERSION}`,
    description,
    ...rest,
  };
}

/** Where the published JSON Schema lives, relative to the repository root. */
export const TRANSCRIPT_JSON_SCHEMA_FILE = `docs/transcript.v${TRANSCRIPT_SCHEMA_VERSION}.schema.json`;

/** The exact content of {@link TRANSCRIPT_JSON_SCHEMA_FILE}: pretty-printed, with a trailing newline. */
export function transcriptJsonSchemaText(): string {
  return `${JSON.stringify(transcriptJsonSchema(), null, 2)}\n`;
}

/** The `$id` of the published JSON Schema of the redacted copy of transcript v1. */
export const REDACTED_TRANSCRIPT_JSON_SCHEMA_ID = `urn:happytalk-archive:transcript-redacted:v${TRANSCRIPT_SCHEMA_VERSION}`;

/** Where the published JSON Schema of the redacted copy lives, relative to the repository root. */
export const REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE = `docs/transcript-redacted.v${TRANSCRIPT_SCHEMA_VERSION}.schema.json`;

/**
 * The JSON Schema of the redacted copy (`RedactedTranscriptSchema`): the
 * transcript's, and the `redaction` block. What
 * {@link REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE} holds and the `rooms_redacted`
 * table's columns derive from.
 */
export function redactedTranscriptJsonSchemaText(): string {
  const generated = z.toJSONSchema(RedactedTranscriptSchema, { target: 'draft-2020-12' });
  const { $schema, description, ...rest } = generated;
  const schema = {
    $schema,
    $id: REDACTED_TRANSCRIPT_JSON_SCHEMA_ID,
    title: `HappyTalk transcript v${TRANSCRIPT_SCHEMA_VERSION}, redacted`,
    description,
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
