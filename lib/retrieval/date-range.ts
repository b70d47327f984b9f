import { calendarDay } from '../shared/calendar.js';
import { InvalidDateRangeError } from './errors.js';

/** Days from `from` to `to`, both included, `YYYY-MM-DD` (HappyTalk local dates, as the partitions are). */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/** The longest range a retrieval command reads by default: a year, leap day included. */
export const MAX_RANGE_DAYS = 366;

const MS_PER_DAY = 86_400_000;

/**
 * Checks a `--from`/`--to` pair: two calendar days `YYYY-MM-DD`, `from` not
 * after `to`, and at most `maxDays` days in all.
 *
 * @throws InvalidDateRangeError whose message names the flag and the value received
 */
export function parseDateRange(from: string, to: string, options: { maxDays?: number } = {}): DateRange {
  const maxDays = options.maxDays ?? MAX_RANGE_DAYS;
  const start = dayNumber('--from', from);
  const end = dayNumber('--to', to);
  if (start > end) {
    throw new InvalidDateRangeError(`--from ${from} is after --to ${to}`);
  }
  const days = end - start + 1;
  if (days > maxDays) {
    throw new InvalidDateRangeError(
      `--from ${from} --to ${to} covers ${days} days; at most ${maxDays} days can be read at once`,
    );
  }
  return { from, to };
}

/**
 * An optional range: both flags or neither.
 *
 * @throws InvalidDateRangeError when only one is given, or as {@link parseDateRange}
 */
export function parseOptionalDateRange(
  from: string | undefined,
  to: string | undefined,
  options: { maxDays?: number } = {},
): DateRange | undefined {
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined || to === undefined) {
    throw new InvalidDateRangeError(`--from and --to go together: give both, or neither`);
  }
  return parseDateRange(from, to, options);
}

/** Every day of the range, in order. */
export function daysOf(range: DateRange): string[] {
  const days: string[] = [];
  for (let day = dayNumber('--from', range.from); day <= dayNumber('--to', range.to); day++) {
    days.push(new Date(day * MS_PER_DAY).toISOString().slice(0, 10));
  }
  return days;
}

/** Days since 1970-01-01 of a calendar day `YYYY-MM-DD`. */
function dayNumber(flag: string, value: string): number {
  const day = calendarDay(value);
  if (day) return Date.UTC(day.year, day.month - 1, day.day) / MS_PER_DAY;
  throw new InvalidDateRangeError(`${flag} ${JSON.stringify(value)} is not a calendar date YYYY-MM-DD`);
}
