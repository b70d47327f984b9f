/**
 * JSON as PHP's `json_encode` writes it with default flags, which is what
 * HappyTalk's servers send: every non-ASCII UTF-16 code unit as a lowercase
 * `\uXXXX` escape (so an emoji becomes a surrogate pair of escapes), `/` as
 * `\/`, control characters as `\n`, `\t`, `\u001f`, and so on.
 *
 * `JSON.stringify` already escapes control characters and lone surrogates the
 * way PHP does; only non-ASCII characters and slashes are left to rewrite, and
 * both can only occur inside strings, so a plain replacement over the output is
 * safe.
 */

const LEFT_UNESCAPED_BY_JSON_STRINGIFY = /[\u0080-\uffff/]/g;

/** Serializes `value` like PHP's `json_encode($value)` with no flags. */
export function encodePhpJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new TypeError(`cannot encode ${typeof value} as JSON`);
  }
  return json.replace(LEFT_UNESCAPED_BY_JSON_STRINGIFY, escapeLikePhp);
}

function escapeLikePhp(character: string): string {
  if (character === '/') {
    return '\\/';
  }
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
