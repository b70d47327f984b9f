import { HappyTalkUnavailableError } from './errors.js';

/**
 * The deepest nesting of arrays and objects the archive normalizes, the
 * response itself being level 1 (a message's fields are at level 5). HappyTalk
 * documents flat records; an answer nested deeper is kept as raw bytes only:
 * serializing it again (`JSON.stringify`, the normalizer's `extra` and
 * warnings) would recurse once per level and overflow the stack.
 */
export const MAX_NESTING_DEPTH = 512;

/** A HappyTalk answer body read as JSON. */
export interface AnswerJson {
  readonly json: unknown;
  /**
   * How deeply its arrays and objects nest (a scalar is 0, `{}` is 1),
   * measured without recursion right after parsing, so that the caller can
   * refuse it before anything recursive touches it.
   */
  readonly nestingDepth: number;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

// 2^53: from here on, doubles no longer hold every integer.
const UNSAFE_MAGNITUDE = 2 ** 53;

/**
 * Parses a HappyTalk answer body: strict UTF-8, then JSON, with every integer
 * literal of magnitude 2^53 or more (an id or a code HappyTalk sent as a
 * number) read as a string of its exact digits instead of a rounded double.
 *
 * `JSON.parse` runs once on the usual answer: the walk that measures the
 * nesting depth also spots a number it may have rounded, and only then are
 * such literals quoted in the text and the text parsed again. (Node.js 24's
 * `JSON.parse` source-text access would give the digits too, but a reviver
 * slows every parse and recurses on deep input; this works the same on every
 * runtime.)
 *
 * @throws HappyTalkUnavailableError for bytes that are not UTF-8 JSON (the
 *   message gives their length, never their content)
 */
export function parseAnswerJson(bytes: Uint8Array, subject: string): AnswerJson {
  let text: string;
  let json: unknown;
  try {
    text = STRICT_UTF8.decode(bytes);
    json = JSON.parse(text);
  } catch {
    throw new HappyTalkUnavailableError(
      `HappyTalk answered ${subject} with a body that is not JSON (${bytes.byteLength} bytes)`,
    );
  }
  const { nestingDepth, roundedNumbers } = measure(json);
  if (roundedNumbers) {
    const exact = quoteUnsafeIntegers(text);
    if (exact !== text) json = JSON.parse(exact);
  }
  return { json, nestingDepth };
}

/** How deeply arrays and objects nest in a value (a scalar is 0, `{}` is 1), measured without recursion. */
export function nestingDepthOf(value: unknown): number {
  return measure(value).nestingDepth;
}

/** The nesting depth of a parsed value, and whether it holds a number at or beyond 2^53; iterative. */
function measure(root: unknown): { nestingDepth: number; roundedNumbers: boolean } {
  if (typeof root !== 'object' || root === null) {
    return { nestingDepth: 0, roundedNumbers: isUnsafeNumber(root) };
  }
  const containers: object[] = [root];
  const depths: number[] = [1];
  let nestingDepth = 1;
  let roundedNumbers = false;
  const visit = (value: unknown, depth: number) => {
    if (typeof value === 'object' && value !== null) {
      containers.push(value);
      depths.push(depth);
      if (depth > nestingDepth) nestingDepth = depth;
    } else if (!roundedNumbers && isUnsafeNumber(value)) {
      roundedNumbers = true;
    }
  };
  for (let container = containers.pop(); container !== undefined; container = containers.pop()) {
    const childDepth = (depths.pop() ?? 0) + 1;
    if (Array.isArray(container)) {
      for (const value of container) visit(value, childDepth);
    } else {
      const record = container as Record<string, unknown>;
      for (const key in record) visit(record[key], childDepth);
    }
  }
  return { nestingDepth, roundedNumbers };
}

function isUnsafeNumber(value: unknown): boolean {
  return typeof value === 'number' && (value >= UNSAFE_MAGNITUDE || value <= -UNSAFE_MAGNITUDE);
}

const LONG_INTEGER = /-?\d{16,}/g;
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);
const BACKSLASH = 0x5c;

/**
 * The JSON text with every integer literal of magnitude 2^53 or more outside
 * strings turned into a string of the same digits. Only whole literals in a
 * value position are touched (after `:`, `[`, `,` or the start; before `,`,
 * `}`, `]` or the end): digits inside strings, fractions and exponents stay as
 * they are, and an invalid text stays invalid.
 */
export function quoteUnsafeIntegers(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  // Whether `scanned` lies inside a string: the parity of the unescaped quotes before it.
  let scanned = 0;
  let inString = false;
  for (const match of text.matchAll(LONG_INTEGER)) {
    const start = match.index;
    const literal = match[0];
    const end = start + literal.length;
    for (let quote = text.indexOf('"', scanned); quote !== -1 && quote < start; ) {
      if (!isEscaped(text, quote)) inString = !inString;
      quote = text.indexOf('"', quote + 1);
    }
    scanned = start;
    if (inString || !isWholeValue(text, start, end) || !isUnsafeLiteral(literal)) continue;
    parts.push(text.slice(copied, start), `"${literal}"`);
    copied = end;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

function isWholeValue(text: string, start: number, end: number): boolean {
  const before = previousSignificant(text, start);
  const after = nextSignificant(text, end);
  return (
    (before === undefined || before === ':' || before === '[' || before === ',') &&
    (after === undefined || after === ',' || after === '}' || after === ']')
  );
}

function previousSignificant(text: string, index: number): string | undefined {
  for (let at = index - 1; at >= 0; at--) {
    const character = text.charAt(at);
    if (!isJsonSpace(character)) return character;
  }
  return undefined;
}

function nextSignificant(text: string, index: number): string | undefined {
  for (let at = index; at < text.length; at++) {
    const character = text.charAt(at);
    if (!isJsonSpace(character)) return character;
  }
  return undefined;
}

function isJsonSpace(character: string): boolean {
  return character === ' ' || character === '\n' || character === '\r' || character === '\t';
}

function isUnsafeLiteral(literal: string): boolean {
  const digits = literal.startsWith('-') ? literal.slice(1) : literal;
  // JSON integers have no leading zeros: more digits means a larger magnitude.
  if (digits.length !== MAX_SAFE_DIGITS.length) return digits.length > MAX_SAFE_DIGITS.length;
  return digits > MAX_SAFE_DIGITS;
}

/** One issue of a schema check, as zod reports it. */
export interface ShapeIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly expected?: unknown;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/**
 * Where and how an answer departs from the documented shape, without quoting
 * it: the path (keys that are not plain identifiers are shown as `?`), the
 * issue's code and the type expected.
 */
export function describeShapeIssue(issue: ShapeIssue | undefined): string {
  if (issue === undefined) return 'unknown shape';
  const path = issue.path
    .map((key) => (typeof key === 'number' || (typeof key === 'string' && PLAIN_KEY.test(key)) ? key : '?'))
    .join('.');
  const expected =
    typeof issue.expected === 'string' && PLAIN_KEY.test(issue.expected)
      ? `, expected ${issue.expected}`
      : '';
  return `${path || '(root)'}: ${issue.code}${expected}`;
}

/**
 * An answer that is JSON but not the documented shape, as the in-place check
 * found it: the zod schemas, loaded on first use, name its first issue
 * ({@link notDocumentedShape}).
 */
export interface RefusedAnswer {
  readonly refused: unknown;
  readonly subject: string;
}

/** The error for an answer that is JSON but not the documented shape, its first issue in words. */
export function notDocumentedShape(subject: string, issue: string): HappyTalkUnavailableError {
  return new HappyTalkUnavailableError(
    `HappyTalk answered ${subject} with JSON that is not the documented shape (${issue})`,
  );
}

/**
 * HappyTalk's documented fail answers (`chat_data.md`), with a fixed text for
 * each: the answer's own `message` is never copied into an error, since an
 * upstream (or a proxy) that echoes the request would put the token or
 * personal data into logs and dead letters.
 */
const DOCUMENTED_FAILS: ReadonlyMap<number, ReadonlyMap<string, string>> = new Map([
  [
    -501,
    new Map([
      ['token', 'the token is missing or invalid'],
      ['uuid', 'the customer id or UUID is missing'],
    ]),
  ],
  [-502, new Map([['unAuthorized', 'not authorized']])],
  [
    -503,
    new Map([
      ['users', 'no customer has this UUID'],
      ['room', 'no matching room'],
    ]),
  ],
  [-504, new Map([['overDate', 'beyond the longest period it lets this token query']])],
]);

/** The documented numeric fail code of an answer, or undefined. */
export function documentedFailCode(code: unknown): number | undefined {
  const number =
    typeof code === 'number' ? code : typeof code === 'string' ? Number(code.trim()) : Number.NaN;
  return DOCUMENTED_FAILS.has(number) ? number : undefined;
}

/**
 * A fail answer in words of this archive: `fail -503 (no matching room)` for a
 * documented code and message; otherwise the code when it is a short integer,
 * and the message by its length only.
 */
export function describeFailAnswer(code: unknown, message: unknown): string {
  const documented = documentedFailCode(code);
  const text = typeof message === 'string' ? message : '';
  const fixed = documented === undefined ? undefined : DOCUMENTED_FAILS.get(documented)?.get(text);
  if (documented !== undefined && fixed !== undefined) return `fail ${documented} (${fixed})`;
  const codeText =
    documented !== undefined
      ? String(documented)
      : (typeof code === 'number' && Number.isSafeInteger(code)) ||
          (typeof code === 'string' && /^\s*-?\d{1,9}\s*$/.test(code))
        ? String(Number(code))
        : `with a code that is not a number`;
  const messageText =
    text === ''
      ? 'no message'
      : `an undocumented message of ${text.length} character${text.length === 1 ? '' : 's'}`;
  return `fail ${codeText}, ${messageText}`;
}
