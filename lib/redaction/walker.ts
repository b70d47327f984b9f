import { isRecord } from '../shared/records.js';
import type { Transcript } from '../transcript/schema.js';
import { type DetectOptions, detectPii } from './detect.js';
import { InvalidTranscriptError } from './errors.js';
import { child, type PathNode, renderPath } from './paths.js';
import type { Pseudonymizer, PseudonymKind } from './pseudonym.js';
import type { Finding, FindingType, MaskStyle, RedactionOptions } from './redact.js';
import type { Detection } from './types.js';

/** Nesting deeper than this under `extra` or in a JSON string is replaced whole by a mask (it is not data anyone reads). */
const MAX_DEPTH = 64;
/** JSON integers past 2^53 would be rounded by parsing: such strings are redacted as text. */
const LONG_JSON_INTEGER = /[:[,]\s*-?\d{16,}/;
const LETTERS_AND_DIGITS = /[\p{L}\p{N}]/gu;
/** Strings up to this length are remembered with their findings, up to this many per transcript. */
const CACHED_STRING_LENGTH = 2_000;
const CACHED_STRINGS = 50_000;
/**
 * The order's identifiers (`chat.order`): numbers the shop's and the
 * courier's systems assign (HappyTalk's `order_number`, `product_number`,
 * `parcel_number`), not text anyone types. One such token is kept as it is,
 * so analytics can join on it: a bare 13-digit order or parcel number with a
 * valid date is not a 주민등록번호. A value that is not one token (spaces,
 * Hangul, `@`, longer than any identifier) is free text and scanned.
 */
const ORDER_IDENTIFIERS: ReadonlySet<string> = new Set(['order_number', 'product_number', 'parcel_number']);
const IDENTIFIER_TOKEN = /^[A-Za-z0-9]+(?:[-_./#][A-Za-z0-9]+)*$/;
const MAX_IDENTIFIER_LENGTH = 64;

interface Identifier {
  readonly value: string;
  readonly type: FindingType;
  /** Whether the value must not touch ASCII letters, digits or `_` around it. */
  readonly ascii: boolean;
}

/**
 * One walk over a transcript: every string scanned but the structural
 * fields, every finding masked (or, explaining, only noted), the customer's
 * ids pseudonymized, copying only what changes.
 */
export class Walker {
  readonly findings: Finding[] = [];
  readonly #counts = new Map<FindingType, number>();
  readonly #pseudonymized = new Set<string>();
  readonly #mask: MaskStyle;
  readonly #detect: DetectOptions;
  readonly #pseudonymizer: Pseudonymizer | undefined;
  readonly #explain: boolean;
  readonly #pseudonymizeCounselors: boolean;
  readonly #customerUuid: string | null;
  readonly #userId: string | null;
  readonly #customerIds: Set<string>;
  readonly #staffIds: Set<string>;
  readonly #identifiers: Identifier[];

  constructor(
    transcript: Transcript,
    options: RedactionOptions,
    pseudonymizer: Pseudonymizer | undefined,
    explain: boolean,
  ) {
    if (!isRecord(transcript) || !isRecord(transcript.chat) || !Array.isArray(transcript.messages)) {
      throw new InvalidTranscriptError('not a transcript v1: chat or messages missing');
    }
    if ('redaction' in transcript) {
      throw new InvalidTranscriptError(
        'the transcript is already a redacted copy (it has a redaction block)',
      );
    }
    this.#mask = options.mask ?? 'type';
    this.#detect = options.detect ?? {};
    this.#pseudonymizer = pseudonymizer;
    this.#explain = explain;
    this.#pseudonymizeCounselors = options.counselors === 'pseudonymize';
    const customer: Record<string, unknown> = isRecord(transcript.chat.customer)
      ? transcript.chat.customer
      : {};
    this.#customerUuid = typeof customer.uuid === 'string' && customer.uuid !== '' ? customer.uuid : null;
    this.#userId = typeof customer.user_id === 'string' && customer.user_id !== '' ? customer.user_id : null;
    // The customer's ids: the chat's, and whoever sends as the customer. Staff: whoever sends as anything
    // else (counselor, bot, template), and whom the customer writes to. An id that is neither is taken
    // for the customer's, so that an unknown id is never left in clear.
    const messages = transcript.messages.filter(isRecord);
    const fromCustomer = messages.filter(isFromCustomer);
    this.#customerIds = new Set(
      [this.#customerUuid, this.#userId, ...fromCustomer.map((message) => message.from_id)].filter(
        isNonEmptyString,
      ),
    );
    this.#staffIds = new Set(
      [
        ...messages.filter((message) => !isFromCustomer(message)).map((message) => message.from_id),
        ...fromCustomer.map((message) => message.to_id),
      ].filter((id): id is string => isNonEmptyString(id) && !this.#customerIds.has(id)),
    );
    this.#identifiers = [];
    for (const value of [this.#customerUuid, this.#userId]) {
      if (value !== null && value.length >= 5) this.#identifiers.push(identifier(value, 'CUSTOMER_ID'));
    }
    if (this.#pseudonymizeCounselors) {
      const counselor: Record<string, unknown> = isRecord(transcript.chat.counselor)
        ? transcript.chat.counselor
        : {};
      for (const value of [counselor.name, counselor.nickname, ...this.#staffIds]) {
        if (typeof value === 'string' && value.trim().length >= 2)
          this.#identifiers.push(identifier(value, 'COUNSELOR'));
      }
    }
  }

  counts(): Partial<Record<FindingType, number>> {
    return Object.fromEntries([...this.#counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  pseudonymizedFields(): string[] {
    return [...this.#pseudonymized];
  }

  transcript(transcript: Transcript): Transcript {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(transcript)) {
      const path = child(undefined, key);
      switch (key) {
        case 'schema_version':
        case 'room_id':
        case 'stats':
        case 'source':
          result[key] = value;
          break;
        case 'chat':
          result[key] = this.#chat(value as Transcript['chat'], path);
          break;
        case 'messages':
          result[key] = (value as Transcript['messages']).map((message, index) =>
            this.#message(message, child(path, index)),
          );
          break;
        case 'warnings':
          result[key] = Array.isArray(value)
            ? value.map((warning, index) => this.#warning(warning, child(path, index)))
            : this.#any(value, path, 0);
          break;
        default:
          result[key] = this.#any(value, path, 0);
      }
    }
    return result as Transcript;
  }

  #chat(chat: Transcript['chat'], path: PathNode): Transcript['chat'] {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(chat)) {
      const at = child(path, key);
      switch (key) {
        case 'id':
        case 'registered_at':
        case 'completed_at':
          result[key] = value;
          break;
        case 'customer':
          result[key] = this.#customer(value, at);
          break;
        case 'counselor':
          result[key] = this.#counselor(value, at);
          break;
        case 'category':
        case 'division':
          result[key] = isRecord(value) ? this.#record(value, at, 0, ['id']) : this.#any(value, at, 0);
          break;
        case 'order':
          result[key] = isRecord(value)
            ? this.#record(value, at, 0, orderIdentifiersOf(value))
            : this.#any(value, at, 0);
          break;
        default:
          result[key] = this.#any(value, at, 0);
      }
    }
    return result as Transcript['chat'];
  }

  #customer(value: unknown, path: PathNode): unknown {
    if (!isRecord(value)) return this.#any(value, path, 0);
    const result: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const at = child(path, key);
      if (key === 'uuid') result[key] = this.#pseudonym('customer', field, 'chat.customer.uuid');
      else if (key === 'user_id') result[key] = this.#pseudonym('user_id', field, 'chat.customer.user_id');
      else result[key] = this.#any(field, at, 0);
    }
    return result;
  }

  #counselor(value: unknown, path: PathNode): unknown {
    if (!isRecord(value)) return this.#any(value, path, 0);
    const result: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if ((key === 'name' || key === 'nickname') && this.#pseudonymizeCounselors) {
        result[key] = this.#pseudonym('counselor', field, `chat.counselor.${key}`);
      } else if (key === 'name' || key === 'nickname') {
        result[key] = field;
      } else {
        result[key] = this.#any(field, child(path, key), 0);
      }
    }
    return result;
  }

  #message(message: Transcript['messages'][number], path: PathNode): unknown {
    if (!isRecord(message)) return this.#any(message, path, 0);
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(message)) {
      const at = child(path, key);
      switch (key) {
        case 'id':
        case 'sent_at':
        case 'read_at':
          result[key] = value;
          break;
        case 'from_id':
        case 'to_id':
          result[key] = this.#participant(value, `messages[].${key}`);
          break;
        case 'attachments':
          result[key] = Array.isArray(value)
            ? value.map((attachment, index) =>
                isRecord(attachment)
                  ? this.#record(attachment, child(at, index), 0, ['key', 'sha256', 'content_type', 'bytes'])
                  : this.#any(attachment, child(at, index), 0),
              )
            : this.#any(value, at, 0);
          break;
        default:
          result[key] = this.#any(value, at, 0);
      }
    }
    return result;
  }

  #warning(warning: unknown, path: PathNode): unknown {
    return isRecord(warning) ? this.#record(warning, path, 0, ['path']) : this.#any(warning, path, 0);
  }

  /** A sender's or receiver's id: the customer's become pseudonyms; staff ids are counselors'. */
  #participant(value: unknown, field: string): unknown {
    if (typeof value !== 'string' || value === '') return value;
    if (value === this.#userId && value !== this.#customerUuid)
      return this.#pseudonym('user_id', value, field);
    if (this.#staffIds.has(value)) {
      return this.#pseudonymizeCounselors ? this.#pseudonym('counselor', value, field) : value;
    }
    return this.#pseudonym('customer', value, field);
  }

  #pseudonym(kind: PseudonymKind, value: unknown, field: string): unknown {
    if (typeof value !== 'string' || value === '') return value;
    this.#pseudonymized.add(field);
    if (!this.#pseudonymizer) return value;
    // The same few ids recur on every message: each is keyed once.
    const cacheKey = `${kind}\u0000${value}`;
    let pseudonym = this.#pseudonyms.get(cacheKey);
    if (pseudonym === undefined) {
      pseudonym = this.#pseudonymizer.pseudonym(kind, value);
      this.#pseudonyms.set(cacheKey, pseudonym);
    }
    return pseudonym;
  }

  readonly #pseudonyms = new Map<string, string>();

  /** An object whose `kept` keys are structural (ids, hashes, sizes) and whose other values are scanned. */
  #record(value: Record<string, unknown>, path: PathNode, depth: number, kept: readonly string[]): unknown {
    let copy: Record<string, unknown> | undefined;
    for (const key in value) {
      if (!Object.hasOwn(value, key) || kept.includes(key)) continue;
      const field = value[key];
      const redacted = this.#any(field, child(path, key), depth + 1);
      if (redacted !== field) {
        copy ??= { ...value };
        copy[key] = redacted;
      }
    }
    return copy ?? value;
  }

  /** Any value: strings and numbers scanned, arrays and objects walked, the rest kept. */
  #any(value: unknown, path: PathNode, depth: number, jsonPath?: PathNode | null): unknown {
    if (typeof value === 'string') return this.#text(value, path, jsonPath);
    if (typeof value === 'number') return this.#number(value, path, jsonPath);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return this.#maskWhole(path, jsonPath);
    // Copy on write: a subtree without findings is the input's own (the input is never modified).
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const redacted =
          jsonPath === undefined
            ? this.#any(item, child(path, index), depth + 1)
            : this.#any(item, path, depth + 1, child(jsonPath ?? undefined, index));
        if (redacted !== item) {
          copy ??= value.slice();
          copy[index] = redacted;
        }
      }
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const field: unknown = (value as Record<string, unknown>)[key];
      const redacted =
        jsonPath === undefined
          ? this.#any(field, child(path, key), depth + 1)
          : this.#any(field, path, depth + 1, child(jsonPath ?? undefined, key));
      if (redacted !== field) {
        copy ??= { ...value };
        copy[key] = redacted;
      }
    }
    return copy ?? value;
  }

  #maskWhole(path: PathNode, jsonPath: PathNode | null | undefined): string {
    this.#note('TOO_DEEP', path, jsonPath, { start: 0, end: 0, confidence: 1 }, '');
    return this.#maskOf('TOO_DEEP');
  }

  #number(value: number, path: PathNode, jsonPath: PathNode | null | undefined): unknown {
    if (!Number.isFinite(value) || Math.abs(value) < 100_000) return value;
    const text = String(value);
    const redacted = this.#text(text, path, jsonPath);
    return redacted === text ? value : redacted;
  }

  /**
   * A free-text string. `jsonPath` undefined: a string of the transcript,
   * parsed when it holds JSON; null or a node: a string inside such JSON.
   */
  #text(value: string, path: PathNode, jsonPath?: PathNode | null): string {
    if (value === '') return value;
    if (jsonPath === undefined && looksLikeJson(value)) {
      const parsed = parseJson(value);
      if (parsed !== undefined) {
        const before = this.#changes;
        const redacted = this.#any(parsed, path, 1, null);
        return this.#changes === before ? value : JSON.stringify(redacted);
      }
    }
    const spans = this.#spansOf(value);
    if (spans.length === 0) return value;
    this.#changes += 1;
    let result = '';
    let last = 0;
    for (const span of spans) {
      this.#note(span.type, path, jsonPath, span, value.slice(span.start, span.end));
      result += value.slice(last, span.start) + this.#maskOf(span.type);
      last = span.end;
    }
    return result + value.slice(last);
  }

  #changes = 0;
  // Chats repeat themselves (greetings, closing lines, template texts): each distinct string is read once.
  readonly #detected = new Map<string, readonly Detection[]>();

  #detectCached(value: string): readonly Detection[] {
    if (value.length > CACHED_STRING_LENGTH) return detectPii(value, this.#detect);
    let detections = this.#detected.get(value);
    if (detections === undefined) {
      detections = detectPii(value, this.#detect);
      if (this.#detected.size < CACHED_STRINGS) this.#detected.set(value, detections);
    }
    return detections;
  }

  #spansOf(value: string): readonly Span[] {
    const detections: readonly Span[] = this.#detectCached(value);
    if (this.#identifiers.length === 0) return detections;
    const extra = identifierSpans(value, this.#identifiers).filter(
      (span) => !detections.some((detection) => detection.start < span.end && span.start < detection.end),
    );
    if (extra.length === 0) return detections;
    return [...detections, ...extra].sort((a, b) => a.start - b.start);
  }

  #maskOf(type: FindingType): string {
    return this.#mask === 'pii' ? '[PII]' : `[${type}]`;
  }

  #note(
    type: FindingType,
    path: PathNode,
    jsonPath: PathNode | null | undefined,
    span: { start: number; end: number; confidence: number },
    value: string,
  ): void {
    this.#counts.set(type, (this.#counts.get(type) ?? 0) + 1);
    if (!this.#explain) return;
    this.findings.push({
      path: renderPath(path),
      ...(jsonPath === undefined ? {} : { json_path: renderPath(jsonPath ?? undefined, '$') }),
      type,
      start: span.start,
      end: span.end,
      confidence: span.confidence,
      masked: value.replace(LETTERS_AND_DIGITS, '*'),
    });
  }
}

interface Span {
  readonly type: FindingType;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
}

function identifier(value: string, type: FindingType): Identifier {
  return { value, type, ascii: /^[\x21-\x7e]+$/.test(value) };
}

const ASCII_WORD = /[A-Za-z0-9_]/;

/** Where the room's known identifiers occur in `value` (ASCII ones not inside a longer word). */
function identifierSpans(
  value: string,
  identifiers: readonly Identifier[],
): { type: FindingType; start: number; end: number; confidence: number }[] {
  const spans: { type: FindingType; start: number; end: number; confidence: number }[] = [];
  for (const known of identifiers) {
    let from = 0;
    for (let index = value.indexOf(known.value); index !== -1; index = value.indexOf(known.value, from)) {
      const end = index + known.value.length;
      from = end;
      if (known.ascii && (ASCII_WORD.test(value.charAt(index - 1)) || ASCII_WORD.test(value.charAt(end))))
        continue;
      if (spans.some((span) => span.start < end && index < span.end)) continue;
      spans.push({ type: known.type, start: index, end, confidence: 1 });
    }
  }
  return spans;
}

function looksLikeJson(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) return true;
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return false;
  }
  return false;
}

/** The object or array a string holds, or undefined (not JSON, a scalar, or integers parsing would round). */
function parseJson(value: string): object | undefined {
  if (LONG_JSON_INTEGER.test(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The keys of `chat.order` that hold one identifier token (see {@link ORDER_IDENTIFIERS}): kept. */
function orderIdentifiersOf(order: Record<string, unknown>): string[] {
  return [...ORDER_IDENTIFIERS].filter((key) => {
    const value = order[key];
    return typeof value === 'string' && value.length <= MAX_IDENTIFIER_LENGTH && IDENTIFIER_TOKEN.test(value);
  });
}

function isFromCustomer(message: Transcript['messages'][number]): boolean {
  return message.sender?.code === 'C';
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
