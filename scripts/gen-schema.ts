/**
 * Writes `docs/transcript.v1.schema.json`, the published JSON Schema of the
 * transcript, from the zod schema in `lib/transcript/schema.ts`, and
 * `docs/transcript-redacted.v1.schema.json`, that of its redacted copy (the
 * transcript's and the redaction block of `lib/redaction/schema.ts`). Run
 * after any change to either: `npx tsx scripts/gen-schema.ts` (a unit test
 * fails while a file is stale).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE,
  redactedTranscriptJsonSchemaText,
  TRANSCRIPT_JSON_SCHEMA_FILE,
  transcriptJsonSchemaText,
} from '../lib/transcript/json-schema.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Writes the published JSON Schema file from the zod schema. */
export async function writeTranscriptJsonSchema(): Promise<void> {
  await writeFile(`${root}${TRANSCRIPT_JSON_SCHEMA_FILE}`, transcriptJsonSchemaText());
  await writeFile(`${root}${REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE}`, redactedTranscriptJsonSchemaText());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeTranscriptJsonSchema();
  console.log(`wrote ${TRANSCRIPT_JSON_SCHEMA_FILE} and ${REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE}`);
}
