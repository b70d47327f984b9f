import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChatData } from '../../../lib/happytalk/client.js';
import { redactTranscript } from '../../../lib/redaction/redact.js';
import { RedactedTranscriptSchema, RedactionBlockSchema } from '../../../lib/redaction/schema.js';
import {
  REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE,
  redactedTranscriptJsonSchemaText,
  TRANSCRIPT_JSON_SCHEMA_FILE,
  TRANSCRIPT_JSON_SCHEMA_ID,
  transcriptJsonSchema,
  transcriptJsonSchemaText,
} from '../../../lib/transcript/json-schema.js';
import { transcriptOf } from '../../../lib/transcript/normalize.js';
import { TRANSCRIPT_SCHEMA_VERSION, TranscriptSchema } from '../../../lib/transcript/schema.js';

const EXAMPLE = new Uint8Array(
  readFileSync(new URL('../../fixtures/chat-data-example.json', import.meta.url)),
);
const ROOT = new URL('../../../', import.meta.url);

interface JsonSchemaObject {
  properties?: Record<string, JsonSchemaObject>;
  required?: string[];
  $defs?: Record<string, JsonSchemaObject>;
  $ref?: string;
}

function asSchema(value: unknown): JsonSchemaObject {
  return value as JsonSchemaObject;
}

function normalizedExample() {
  return transcriptOf({
    ...parseChatData(EXAMPLE),
    endpoint: 'https://h/x',
    fetchedAt: new Date('2022-05-26T01:31:07Z'),
    sha256: createHash('sha256').update(EXAMPLE).digest('hex'),
  });
}

describe('transcriptJsonSchema', () => {
  it('matches the published file', () => {
    // Prepare
    const published = readFileSync(new URL(TRANSCRIPT_JSON_SCHEMA_FILE, ROOT), 'utf8');

    // Act
    const generated = transcriptJsonSchemaText();

    // Assess
    expect(published, `${TRANSCRIPT_JSON_SCHEMA_FILE} is stale: run npx tsx scripts/gen-schema.ts`).toBe(
      generated,
    );
  });

  it('is a draft 2020-12 schema with an id, a title and a description', () => {
    // Act
    const schema = transcriptJsonSchema();

    // Assess
    expect(TRANSCRIPT_JSON_SCHEMA_FILE).toBe('docs/transcript.v1.schema.json');
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: TRANSCRIPT_JSON_SCHEMA_ID,
      title: 'HappyTalk transcript v1',
      type: 'object',
    });
    expect(schema.description).toEqual(expect.stringContaining('HappyTalk'));
    expect(Object.keys(schema).slice(0, 4)).toEqual(['$schema', '$id', 'title', 'description']);
  });

  it('describes and requires every documented field, in the order of the contract', () => {
    // Act
    const schema = asSchema(transcriptJsonSchema());

    // Assess
    const chat = schema.properties?.chat;
    const message = schema.$defs?.Message;
    expect(Object.keys(schema.properties ?? {})).toEqual([
      'schema_version',
      'room_id',
      'chat',
      'messages',
      'stats',
      'warnings',
      'source',
    ]);
    expect(schema.required).toEqual(Object.keys(schema.properties ?? {}));
    expect(chat?.required).toEqual([
      'id',
      'title',
      'status',
      'channel',
      'counselor',
      'customer',
      'category',
      'division',
      'subcategory',
      'registered_at',
      'completed_at',
      'order',
      'device',
      'parameters',
      'rating',
      'extra',
    ]);
    expect(chat?.properties?.order?.required).toEqual([
      'order_number',
      'product_number',
      'parcel_number',
      'parcel_company',
    ]);
    expect(chat?.properties?.device?.required).toEqual([
      'app_version',
      'os',
      'os_version',
      'model',
      'telecom',
      'app_hash',
    ]);
    expect(message?.required).toEqual([
      'id',
      'from_id',
      'to_id',
      'type',
      'sender',
      'content_type',
      'text',
      'image_url',
      'links',
      'contents',
      'sent_at',
      'read_at',
      'extra',
    ]);
    expect(schema.properties?.stats?.required).toEqual([
      'message_count',
      'by_sender',
      'first_message_at',
      'last_message_at',
      'duration_seconds',
    ]);
    expect(schema.properties?.source?.required).toEqual([
      'endpoint',
      'fetched_at',
      'sha256',
      'archiver_version',
    ]);
    expect(schema.$defs?.Code?.required).toEqual(['code', 'label', 'name']);
    expect(schema.$defs?.Warning?.required).toEqual(['path', 'value', 'reason']);
  });

  it('lets objects carry fields added by later versions', () => {
    // Act
    const schema = transcriptJsonSchema();

    // Assess
    expect(schema.additionalProperties).toEqual({});
    expect(asSchema(schema).$defs?.Message).toMatchObject({ additionalProperties: {} });
  });
});

describe('TranscriptSchema', () => {
  it('accepts the normalized example', () => {
    // Prepare
    const transcript = JSON.parse(JSON.stringify(normalizedExample()));

    // Act
    const result = TranscriptSchema.safeParse(transcript);

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts fields a later version adds, at the top, in chat and in messages', () => {
    // Prepare
    const transcript = normalizedExample();
    const extended = {
      ...transcript,
      export_id: 'e-1',
      chat: { ...transcript.chat, tags: ['vip'] },
      messages: transcript.messages.map((message) => ({ ...message, reactions: [{ emoji: '👍' }] })),
    };

    // Act
    const result = TranscriptSchema.safeParse(extended);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.messages[0]?.reactions).toEqual([{ emoji: '👍' }]);
  });

  it.each([
    ['a missing field', (t: Record<string, unknown>) => ({ ...t, stats: undefined })],
    [
      'another schema version',
      (t: Record<string, unknown>) => ({ ...t, schema_version: TRANSCRIPT_SCHEMA_VERSION + 1 }),
    ],
    [
      'a time without offset',
      (t: Record<string, unknown>) => ({
        ...t,
        source: { ...(t.source as object), fetched_at: '2022-05-26T01:31:07' },
      }),
    ],
    [
      'nine parameters',
      (t: Record<string, unknown>) => ({
        ...t,
        chat: { ...(t.chat as object), parameters: Array(9).fill(null) },
      }),
    ],
  ])('rejects %s', (_case, change) => {
    // Prepare
    const transcript = change(normalizedExample());

    // Act
    const result = TranscriptSchema.safeParse(transcript);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('the JSON Schema of the redacted copy', () => {
  it('matches the published file', () => {
    const published = readFileSync(new URL(REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE, ROOT), 'utf8');

    expect(
      published,
      `${REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE} is stale: run npx tsx scripts/gen-schema.ts`,
    ).toBe(redactedTranscriptJsonSchemaText());
  });

  it("is the transcript's, in its order, and the redaction block after", () => {
    const redacted = JSON.parse(redactedTranscriptJsonSchemaText()) as JsonSchemaObject & { $id: string };
    const transcript = asSchema(transcriptJsonSchema());

    expect(REDACTED_TRANSCRIPT_JSON_SCHEMA_FILE).toBe('docs/transcript-redacted.v1.schema.json');
    expect(redacted.$id).toBe('urn:happytalk-archive:transcript-redacted:v1');
    expect(Object.keys(redacted.properties ?? {})).toEqual([
      ...Object.keys(transcript.properties ?? {}),
      'redaction',
    ]);
    expect(redacted.required).toEqual([...(transcript.required ?? []), 'redaction']);
    expect(redacted.$defs?.Redaction?.required).toEqual([
      'redactor_version',
      'mask',
      'counts',
      'pseudonymized',
      'pseudonym_key_id',
      'counselors',
      'names',
    ]);
  });

  it('accepts the copy the redactor writes, whose block has exactly the documented members', () => {
    // Prepare
    const transcript = normalizedExample();

    // Act
    const copy = redactTranscript(transcript, 'json-schema-test-redaction-key-0123456789');
    const parsed = RedactedTranscriptSchema.safeParse(JSON.parse(JSON.stringify(copy)));

    // Assess
    expect(parsed.success, parsed.error?.message).toBe(true);
    expect(Object.keys(copy.redaction).sort()).toEqual(Object.keys(RedactionBlockSchema.shape).sort());
  });
});
