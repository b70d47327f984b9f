import type { Transcript } from '../transcript/schema.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a transcript line the archive wrote itself, for display: UTF-8 JSON
 * with the envelope of a transcript v1. The full schema check is `verify`'s
 * (and the CLI's): it needs classic zod, which the read-only Lambda does not
 * load. The reason never quotes the content (transcripts hold personal data).
 */
export function readStoredTranscript(
  body: Uint8Array,
): { ok: true; transcript: Transcript } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(STRICT_UTF8.decode(body));
  } catch {
    return { ok: false, reason: `not UTF-8 JSON (${body.byteLength} bytes)` };
  }
  if (!isTranscriptEnvelope(json)) return { ok: false, reason: 'not a transcript v1' };
  return { ok: true, transcript: json };
}

function isTranscriptEnvelope(value: unknown): value is Transcript {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.schema_version === 1 &&
    typeof record.room_id === 'string' &&
    isObject(record.chat) &&
    Array.isArray(record.messages) &&
    record.messages.every(isObject) &&
    isObject(record.stats) &&
    Array.isArray(record.warnings) &&
    isObject(record.source)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
