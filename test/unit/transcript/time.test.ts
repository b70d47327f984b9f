import { describe, expect, it } from 'vitest';
import { InvalidTimeZoneError } from '../../../lib/transcript/errors.js';
import {
  assertTimeZone,
  DEFAULT_TIME_ZONE,
  dateTimeConverter,
  INVALID_DATETIME,
} from '../../../lib/transcript/time.js';

/** The local wall time of an ISO instant in `timeZone`, as `Y-m-d H:i:s`. */
function wallTimeIn(timeZone: string, iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '?';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** Every quarter of an hour of the two local days from `day`, as `Y-m-d H:i:s`. */
function quarterHoursFrom(day: string): string[] {
  const start = Date.parse(`${day}T00:00:00Z`);
  return Array.from({ length: 2 * 24 * 4 }, (_, index) =>
    new Date(start + index * 900_000).toISOString().slice(0, 19).replace('T', ' '),
  );
}

describe('dateTimeConverter', () => {
  it('uses Asia/Seoul (+09:00) by default', () => {
    // Prepare
    const converter = dateTimeConverter();

    // Act
    const time = converter.toTime('2022-05-26 10:26:31');

    // Assess
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Seoul');
    expect(converter.timeZone).toBe('Asia/Seoul');
    expect(time).toBe('2022-05-26T10:26:31+09:00');
  });

  it("follows Seoul's own history: the 1987 summer time was +10:00", () => {
    // Prepare
    const seoul = dateTimeConverter('Asia/Seoul');

    // Act
    const summer = seoul.toTime('1987-07-01 12:00:00');
    const winter = seoul.toTime('1987-12-01 12:00:00');

    // Assess
    expect(summer).toBe('1987-07-01T12:00:00+10:00');
    expect(winter).toBe('1987-12-01T12:00:00+09:00');
  });

  it('gives a DST zone its summer and its winter offset', () => {
    // Prepare
    const newYork = dateTimeConverter('America/New_York');

    // Act
    const summer = newYork.toTime('2024-07-01 12:00:00');
    const winter = newYork.toTime('2024-01-15 12:00:00');

    // Assess
    expect(summer).toBe('2024-07-01T12:00:00-04:00');
    expect(winter).toBe('2024-01-15T12:00:00-05:00');
  });

  it('changes the offset at the exact second of a transition', () => {
    // Prepare
    const newYork = dateTimeConverter('America/New_York');

    // Act
    const times = [
      '2024-03-10 01:59:59',
      '2024-03-10 03:00:00',
      '2024-11-03 00:59:59',
      '2024-11-03 02:00:00',
    ].map((value) => newYork.toTime(value));

    // Assess
    expect(times).toEqual([
      '2024-03-10T01:59:59-05:00',
      '2024-03-10T03:00:00-04:00',
      '2024-11-03T00:59:59-04:00',
      '2024-11-03T02:00:00-05:00',
    ]);
  });

  it('gives a skipped local time (spring forward) the offset in effect before the jump', () => {
    // Prepare
    const newYork = dateTimeConverter('America/New_York');

    // Act
    const time = newYork.toTime('2024-03-10 02:30:00');

    // Assess: the same instant as 03:30 EDT.
    expect(time).toBe('2024-03-10T02:30:00-05:00');
    expect(new Date(String(time)).toISOString()).toBe('2024-03-10T07:30:00.000Z');
  });

  it('gives a repeated local time (fall back) the earlier of its two instants', () => {
    // Prepare
    const newYork = dateTimeConverter('America/New_York');

    // Act
    const time = newYork.toTime('2024-11-03 01:30:00');

    // Assess
    expect(time).toBe('2024-11-03T01:30:00-04:00');
  });

  it('handles offsets that are not whole hours and transitions that are not on the hour', () => {
    // Prepare
    const kolkata = dateTimeConverter('Asia/Kolkata');
    const stJohns = dateTimeConverter('America/St_Johns');

    // Act: St. John's sprang forward at 00:01 local time until 2011.
    const india = kolkata.toTime('2022-05-26 10:26:31');
    const beforeJump = stJohns.toTime('2010-03-14 00:00:59');
    const afterJump = stJohns.toTime('2010-03-14 01:01:00');

    // Assess
    expect(india).toBe('2022-05-26T10:26:31+05:30');
    expect(beforeJump).toBe('2010-03-14T00:00:59-03:30');
    expect(afterJump).toBe('2010-03-14T01:01:00-02:30');
  });

  it.each([
    ['America/New_York', '2024-03-09'],
    ['America/New_York', '2024-11-02'],
    ['Europe/London', '2024-10-26'],
    ['Australia/Lord_Howe', '2024-04-06'],
    ['Asia/Seoul', '1987-05-09'],
    ['America/St_Johns', '2010-03-13'],
  ])('names the instant whose local time in %s is the input, around %s', (timeZone, day) => {
    // Prepare
    const converter = dateTimeConverter(timeZone);
    const values = quarterHoursFrom(day);

    // Act
    const roundTrips = values.map((value) => {
      const time = converter.toTime(value);
      return typeof time === 'string' ? wallTimeIn(timeZone, time) : String(time);
    });

    // Assess: every local time round-trips, except those a forward jump skips.
    const mismatches = values.filter((value, index) => roundTrips[index] !== value);
    expect(mismatches.length).toBeLessThanOrEqual(4);
    for (const value of mismatches) {
      const time = converter.toTime(value);
      expect(typeof time === 'string' && wallTimeIn(timeZone, time) > value).toBe(true);
    }
  });

  it.each([null, undefined, '', '0000-00-00 00:00:00'])('reads %j as absent (null)', (value) => {
    // Prepare
    const converter = dateTimeConverter();

    // Act
    const time = converter.toTime(value);

    // Assess
    expect(time).toBeNull();
  });

  it.each([
    '2022-13-45 99:00:00',
    '2022-02-29 10:00:00',
    '2022-04-31 10:00:00',
    '2022-05-26 24:00:00',
    '2022-05-26 10:60:00',
    '2022-05-26 10:00:60',
    '0000-01-01 00:00:00',
    '2022-05-26T10:26:31',
    '2022-05-26 10:26',
    '2022-05-26',
    ' 2022-05-26 10:26:31',
    '２０２２-05-26 10:26:31',
    'garbage',
    20220526,
    true,
    {},
    ['2022-05-26 10:26:31'],
  ])('reads %j as invalid', (value) => {
    // Prepare
    const converter = dateTimeConverter();

    // Act
    const time = converter.toTime(value);

    // Assess
    expect(time).toBe(INVALID_DATETIME);
  });

  it('accepts the 29th of February in a leap year', () => {
    // Prepare
    const converter = dateTimeConverter();

    // Act
    const time = converter.toTime('2024-02-29 23:59:59');

    // Assess
    expect(time).toBe('2024-02-29T23:59:59+09:00');
  });

  it('rejects an unknown time zone with a clear message', () => {
    // Act
    const create = () => dateTimeConverter('Mars/Base');

    // Assess
    expect(create).toThrow(InvalidTimeZoneError);
    expect(create).toThrow('invalid time zone: "Mars/Base"');
  });
});

describe('assertTimeZone', () => {
  it('accepts a known IANA zone', () => {
    // Act
    const check = () => assertTimeZone('Europe/Berlin');

    // Assess
    expect(check).not.toThrow();
  });

  it.each(['Mars/Base', '', 'UTC+9'])('rejects %j', (timeZone) => {
    // Act
    const check = () => assertTimeZone(timeZone);

    // Assess
    expect(check).toThrow(new InvalidTimeZoneError(timeZone).message);
  });

  it('says the error is not retryable and keeps the zone name', () => {
    // Act
    let caught: unknown;
    try {
      assertTimeZone('Mars/Base');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidTimeZoneError);
    expect(caught).toMatchObject({ name: 'InvalidTimeZoneError', timeZone: 'Mars/Base', retryable: false });
  });
});
