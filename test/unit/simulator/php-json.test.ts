import { describe, expect, it } from 'vitest';
import { encodePhpJson } from '../../../dev/simulator/php-json.js';

describe('encodePhpJson', () => {
  it('escapes Korean as lowercase \\uXXXX', () => {
    // Act
    const json = encodePhpJson({ contents: '한글 상담' });

    // Assess
    expect(json).toBe('{"contents":"\\ud55c\\uae00 \\uc0c1\\ub2f4"}');
  });

  it('escapes an emoji as a surrogate pair', () => {
    // Act
    const json = encodePhpJson('감사 😀👍');

    // Assess
    expect(json).toBe('"\\uac10\\uc0ac \\ud83d\\ude00\\ud83d\\udc4d"');
  });

  it('escapes slashes, including inside a URL and after a backslash', () => {
    // Act
    const json = encodePhpJson({ url: 'https://static.happytalk.io/data/a_w.png', path: 'a\\/b' });

    // Assess
    expect(json).toBe('{"url":"https:\\/\\/static.happytalk.io\\/data\\/a_w.png","path":"a\\\\\\/b"}');
  });

  it('escapes control characters as PHP does and leaves DEL and ASCII punctuation alone', () => {
    // Act
    const json = encodePhpJson('줄1\n줄2\r\t\b\f\u0001\u001f\u007f"<>&\'');

    // Assess
    expect(json).toBe('"\\uc9041\\n\\uc9042\\r\\t\\b\\f\\u0001\\u001f\u007f\\"<>&\'"');
  });

  it('escapes non-ASCII keys, Latin-1 and line separators too', () => {
    // Act
    const json = encodePhpJson({ 이름: 'café\u2028' });

    // Assess
    expect(json).toBe('{"\\uc774\\ub984":"caf\\u00e9\\u2028"}');
  });

  it('writes only ASCII', () => {
    // Act
    const json = encodePhpJson({ text: '안녕하세요 🙇‍♀️ ❤️ 日本語 ü', list: ['ㅠㅠ', null, 5, true] });

    // Assess
    expect(/^[\x20-\x7e]*$/.test(json)).toBe(true);
  });

  it.each([
    ['Korean text', '고객님이 종료하였습니다.'],
    ['emoji with joiners', '👩‍👩‍👧 🙇‍♀️ ❤️'],
    ['slashes and backslashes', 'a/b\\c\\/d https://x.happytalk.io/'],
    ['control characters', '\u0000\u0007\n\r\t\u001b'],
    ['a lone surrogate', 'bad \ud83d end'],
    ['an already escaped text', '\\uc548\\ub155'],
  ])('round-trips %s through JSON.parse', (_name, text) => {
    // Prepare
    const value = { chat: { title: text }, message: [{ contents: text, read_date: null }] };

    // Act
    const parsed: unknown = JSON.parse(encodePhpJson(value));

    // Assess
    expect(parsed).toEqual(value);
  });

  it('encodes like JSON.stringify when the text is ASCII without slashes', () => {
    // Prepare
    const value = { result: 'fail', code: -503, message: 'room', nested: { list: [1, 2.5, null, false] } };

    // Act
    const json = encodePhpJson(value);

    // Assess
    expect(json).toBe(JSON.stringify(value));
  });

  it('rejects a value JSON cannot encode', () => {
    // Act & Assess
    expect(() => encodePhpJson(undefined)).toThrow(TypeError);
  });
});
