import { describe, expect, it } from 'vitest';
import {
  daysOf,
  MAX_RANGE_DAYS,
  parseDateRange,
  parseOptionalDateRange,
} from '../../../lib/retrieval/date-range.js';
import { InvalidDateRangeError } from '../../../lib/retrieval/errors.js';

describe('parseDateRange', () => {
  it('accepts two calendar days in order, the same day included', () => {
    expect(parseDateRange('2024-03-01', '2024-03-31')).toEqual({ from: '2024-03-01', to: '2024-03-31' });
    expect(parseDateRange('2024-02-29', '2024-02-29')).toEqual({ from: '2024-02-29', to: '2024-02-29' });
  });

  it.each([
    ['2024-3-01', '2024-03-02', '--from "2024-3-01" is not a calendar date YYYY-MM-DD'],
    ['2024-03-01', '20240302', '--to "20240302" is not a calendar date YYYY-MM-DD'],
    ['2023-02-29', '2023-03-01', '--from "2023-02-29" is not a calendar date YYYY-MM-DD'],
    ['2024-04-31', '2024-05-01', '--from "2024-04-31" is not a calendar date YYYY-MM-DD'],
    ['2024-13-01', '2024-13-02', '--from "2024-13-01" is not a calendar date YYYY-MM-DD'],
    ['0000-01-01', '2024-01-01', '--from "0000-01-01" is not a calendar date YYYY-MM-DD'],
    [' 2024-03-01', '2024-03-02', '--from " 2024-03-01" is not a calendar date YYYY-MM-DD'],
    ['2024-03-02', '2024-03-01', '--from 2024-03-02 is after --to 2024-03-01'],
  ])('refuses --from %j --to %j', (from, to, message) => {
    expect(() => parseDateRange(from, to)).toThrow(new InvalidDateRangeError(message));
  });

  it(`allows ${MAX_RANGE_DAYS} days and no more by default`, () => {
    expect(parseDateRange('2024-01-01', '2024-12-31')).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(() => parseDateRange('2023-01-01', '2024-01-02')).toThrow(
      '--from 2023-01-01 --to 2024-01-02 covers 367 days; at most 366 days can be read at once',
    );
  });

  it('takes another limit', () => {
    expect(() => parseDateRange('2024-03-01', '2024-03-08', { maxDays: 7 })).toThrow(
      /covers 8 days; at most 7/,
    );
    expect(parseDateRange('2000-01-01', '2024-12-31', { maxDays: Number.POSITIVE_INFINITY }).from).toBe(
      '2000-01-01',
    );
  });
});

describe('parseOptionalDateRange', () => {
  it('is undefined without both flags, a range with both', () => {
    expect(parseOptionalDateRange(undefined, undefined)).toBeUndefined();
    expect(parseOptionalDateRange('2024-03-01', '2024-03-02')).toEqual({
      from: '2024-03-01',
      to: '2024-03-02',
    });
  });

  it('refuses one flag without the other', () => {
    expect(() => parseOptionalDateRange('2024-03-01', undefined)).toThrow(InvalidDateRangeError);
    expect(() => parseOptionalDateRange(undefined, '2024-03-01')).toThrow(
      '--from and --to go together: give both, or neither',
    );
  });
});

describe('daysOf', () => {
  it('lists every day, across a leap day, a month and a year', () => {
    expect(daysOf({ from: '2024-02-28', to: '2024-03-01' })).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(daysOf({ from: '2023-12-31', to: '2024-01-01' })).toEqual(['2023-12-31', '2024-01-01']);
    expect(daysOf({ from: '2024-01-01', to: '2024-12-31' })).toHaveLength(366);
  });
});
