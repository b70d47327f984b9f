import { describe, expect, it } from 'vitest';
import { matchTextOf, originalSpan } from '../../../lib/redaction/text.js';

describe('matchTextOf', () => {
  it('returns the string itself, without a map, when nothing folds', () => {
    const match = matchTextOf('연락처 010-1234-5678 입니다');

    expect(match).toEqual({ text: '연락처 010-1234-5678 입니다' });
    expect(originalSpan(match, 4, 17)).toEqual([4, 17]);
  });

  it('folds full-width ASCII, dash variants and unusual spaces in place', () => {
    const match = matchTextOf('０１０－１２３４‐５６７８\u3000ａ＠ｂ．ｃｏ ㅡ−\u00a0');

    expect(match.text).toBe('010-1234-5678 a@b.co --\u0020');
    expect(match.offsets).toBeUndefined();
  });

  it('drops zero-width characters and maps offsets back across them', () => {
    const original = '번호 010\u200b1234\u200b5678 끝';
    const match = matchTextOf(original);

    expect(match.text).toBe('번호 01012345678 끝');
    const start = match.text.indexOf('010');
    const [from, to] = originalSpan(match, start, start + 11);
    expect(original.slice(from, to)).toBe('010\u200b1234\u200b5678');
  });

  it('decodes %XX runs as UTF-8 and maps a decoded span to its escapes', () => {
    const original = 'https://x.kr/?q=%EC%97%B0%EB%9D%BD%EC%B2%98&email=minsu%40naver.com&p=50%';
    const match = matchTextOf(original);

    expect(match.text).toBe('https://x.kr/?q=연락처&email=minsu@naver.com&p=50%');
    const start = match.text.indexOf('minsu');
    const [from, to] = originalSpan(match, start, start + 'minsu@naver.com'.length);
    expect(original.slice(from, to)).toBe('minsu%40naver.com');
    const hangul = match.text.indexOf('연락처');
    const [hangulFrom, hangulTo] = originalSpan(match, hangul, hangul + 3);
    expect(original.slice(hangulFrom, hangulTo)).toBe('%EC%97%B0%EB%9D%BD%EC%B2%98');
  });

  it('keeps escapes that are not valid UTF-8, and a lone %, as written', () => {
    expect(matchTextOf('a%FFb %4 100%').text).toBe('a%FFb %4 100%');
  });

  it('maps a span ending at the end of the string', () => {
    const original = 'x%40';
    const match = matchTextOf(original);

    expect(match.text).toBe('x@');
    expect(originalSpan(match, 1, 2)).toEqual([1, 4]);
  });
});
