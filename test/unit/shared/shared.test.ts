import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addDays, calendarDay, daysBetween, isCalendarDate, localDay } from '../../../lib/shared/calendar.js';
import { sha256Hex } from '../../../lib/shared/hash.js';
import { describeRange, parseWholeNumber } from '../../../lib/shared/integer.js';
import { isRecord } from '../../../lib/shared/records.js';

describe('parseWholeNumber', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    [' 42 ', 42],
    ['+7', 7],
    ['-7', -7],
    ['007', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads %j as %d', (text, value) => {
    expect(parseWholeNumber(text)).toBe(value);
  });

  it.each(['', ' ', '1e3', '1.0', '0x10', '١٢', '12a', '--1', '9007199254740993', 'Infinity'])(
    'reads %j as no whole number',
    (text) => {
      expect(parseWholeNumber(text)).toBeUndefined();
    },
  );

  it('says a range with or without its maximum', () => {
    expect(describeRange(1, 31)).toBe('from 1 to 31');
    expect(describeRange(1, Number.MAX_SAFE_INTEGER)).toBe('of at least 1');
  });
});

describe('the calendar', () => {
  it.each([
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['2023-12-31', { year: 2023, month: 12, day: 31 }],
  ])('reads %j as a calendar day', (text, parts) => {
    expect(calendarDay(text)).toEqual(parts);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-04-31', '0050-01-01', '0000-00-00', '2024-1-01', '2024/01/01'])(
    'refuses %j',
    (text) => {
      expect(calendarDay(text)).toBeUndefined();
    },
  );

  it('checks dates by their parts, years before 100 refused', () => {
    expect(isCalendarDate(2000, 2, 29)).toBe(true);
    expect(isCalendarDate(1900, 2, 29)).toBe(false);
    expect(isCalendarDate(99, 1, 1)).toBe(false);
  });

  it('gives the local day of an instant in a time zone', () => {
    const instant = new Date('2024-12-31T15:30:00Z');
    expect(localDay(instant, 'Asia/Seoul')).toBe('2025-01-01');
    expect(localDay(instant, 'UTC')).toBe('2024-12-31');
  });

  it('moves and counts days across months and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(3);
    expect(daysBetween('2024-01-01', '2024-01-01')).toBe(1);
  });
});

describe('sha256Hex', () => {
  it('is the hex SHA-256 of bytes, and of a string as UTF-8', () => {
    const bytes = new TextEncoder().encode('해피톡');
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(sha256Hex(bytes)).toBe(expected);
    expect(sha256Hex('해피톡')).toBe(expected);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('isRecord', () => {
  it('is true for plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ a: 1 })).toBe(true);
    expect(isRecord(null)).toBe(false);
    expect(isRecord([])).toBe(false);
    expect(isRecord('text')).toBe(false);
    expect(isRecord(1)).toBe(false);
  });
});
