/**
 * The text the detectors match, derived from a string: full-width ASCII
 * (`０１０－１２３４`, `＠`) folded to ASCII, dash variants (‐ – — − ㅡ …) to
 * `-`, unusual spaces to a space, zero-width characters dropped and `%XX`
 * escapes (URLs) decoded, with a map from every offset of the folded text back
 * to the original string, so that a span found in one is a span of the other.
 */

/** Folded text, and where each of its UTF-16 code units came from. */
export interface MatchText {
  readonly text: string;
  /**
   * `offsets[i]` is the original offset of `text[i]`, and `offsets[text.length]`
   * the original length; absent when folding kept every offset (the common case).
   */
  readonly offsets?: Int32Array;
}

// Everything folding may change: a string without any of these is matched as it is.
const FOLDABLE = /[\u00a0\u00ad\u2000-\u206f\u2212\u2500\u3000\u3161\u30fc\ufe58\ufe63\ufeff\uff01-\uff5e%]/;
const DASHES = new Set([
  0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x2500, 0x3161, 0x30fc, 0xfe58, 0xfe63,
]);
const SPACES = new Set([
  0x00a0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
]);
const SPACES_MORE = new Set([0x200a, 0x202f, 0x205f, 0x3000]);
const INVISIBLE = new Set([0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** The folded form of one code unit, or `''` to drop it. */
function foldUnit(code: number): string | undefined {
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  if (DASHES.has(code)) return '-';
  if (SPACES.has(code) || SPACES_MORE.has(code)) return ' ';
  if (INVISIBLE.has(code)) return '';
  return undefined;
}

/** Folds `original` for matching; linear in its length. */
export function matchTextOf(original: string): MatchText {
  if (!FOLDABLE.test(original)) return { text: original };
  const parts: string[] = [];
  const offsets: number[] = [];
  let lengthChanged = false;
  let index = 0;
  while (index < original.length) {
    const code = original.charCodeAt(index);
    if (code === 0x25 /* % */) {
      const decoded = percentRun(original, index);
      if (decoded) {
        for (const [character, at] of decoded.characters) {
          parts.push(character);
          for (let unit = 0; unit < character.length; unit++) offsets.push(at);
        }
        index = decoded.end;
        lengthChanged = true;
        continue;
      }
    }
    const folded = foldUnit(code);
    if (folded === '') {
      lengthChanged = true;
    } else {
      parts.push(folded ?? original.charAt(index));
      offsets.push(index);
    }
    index += 1;
  }
  const text = parts.join('');
  if (!lengthChanged) return { text };
  offsets.push(original.length);
  return { text, offsets: Int32Array.from(offsets) };
}

/**
 * Decodes the run of `%XX` escapes starting at `start` as UTF-8: each decoded
 * character with the offset of its first escape. Undefined when the run is not
 * valid UTF-8 (it is then matched as written).
 */
function percentRun(
  original: string,
  start: number,
): { characters: [string, number][]; end: number } | undefined {
  const bytes: number[] = [];
  const starts: number[] = [];
  let index = start;
  while (
    index + 2 < original.length &&
    original.charCodeAt(index) === 0x25 &&
    isHex(original.charCodeAt(index + 1)) &&
    isHex(original.charCodeAt(index + 2))
  ) {
    bytes.push(Number.parseInt(original.slice(index + 1, index + 3), 16));
    starts.push(index);
    index += 3;
  }
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
  const characters: [string, number][] = [];
  let byte = 0;
  for (const character of text) {
    characters.push([character, starts[byte] ?? start]);
    const code = character.codePointAt(0) ?? 0;
    byte += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return { characters, end: index };
}

/** The span of the original string that `[start, end)` of the folded text came from. */
export function originalSpan(match: MatchText, start: number, end: number): [number, number] {
  const offsets = match.offsets;
  if (!offsets) return [start, end];
  // The end maps to the first original unit after the span's last folded unit.
  const last = end > start ? (offsets[end - 1] ?? 0) : (offsets[start] ?? 0);
  let originalEnd = offsets[end] ?? last + 1;
  if (originalEnd <= last) originalEnd = last + 1;
  return [offsets[start] ?? 0, originalEnd];
}
