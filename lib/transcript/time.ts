import { InvalidTimeZoneError } from './errors.js';

/** The zone HappyTalk's bare datetimes are assumed to be in (NOTES.md: not documented, assume Seoul). */
export const DEFAULT_TIME_ZONE = 'Asia/Seoul';

/** What {@link DateTimeConverter.toTime} returns for a value that is present but not a valid datetime. */
export const INVALID_DATETIME: unique symbol = Symbol('invalid HappyTalk datetime');

/** An ISO 8601 string, `null` for an absent value, or {@link INVALID_DATETIME}. */
export type DateTimeConversion = string | null | typeof INVALID_DATETIME;

/**
 * Converts HappyTalk's bare `Y-m-d H:i:s` datetimes, which carry no zone, to ISO
 * 8601 with the offset the configured IANA zone had at that local wall time:
 * `"2022-05-26 10:26:31"` in Asia/Seoul → `"2022-05-26T10:26:31+09:00"`.
 *
 * - `null`, `undefined`, `""` and `"0000-00-00 00:00:00"` (an open room's end) → `null`.
 * - Anything else that is not exactly `YYYY-MM-DD HH:MM:SS` with a real calendar
 *   date (year 0001 to 9999) and time → {@link INVALID_DATETIME}.
 * - A local time that does not exist (skipped by a DST jump forward) or that
 *   exists twice (repeated by a jump back) gets the offset in effect just
 *   *before* the transition. The digits are kept as received, so a skipped
 *   `02:30` in New York becomes `02:30:00-05:00`, the instant shown as 03:30 EDT;
 *   a repeated `01:30` becomes `01:30:00-04:00`, the first of the two. This is
 *   the `compatible` disambiguation of Temporal and of most databases.
 * - Historical offsets with seconds (local mean time, before about 1910) are
 *   rounded to the minute, as ISO 8601 offsets have no seconds.
 */
export interface DateTimeConverter {
  /** The canonical IANA name of the zone, e.g. `Asia/Seoul`. */
  readonly timeZone: string;
  toTime(value: unknown): DateTimeConversion;
}

const ZERO_DATETIME = '0000-00-00 00:00:00';
const DAY_MS = 86_400_000;
const MAX_CACHED_DAYS = 100_000;
// Marks a local day or hour in which the offset changes, so that finer resolution is needed.
const OFFSET_VARIES = '';

const converters = new Map<string, DateTimeConverter>();

/**
 * The converter for `timeZone`, created once per zone and kept: its offset cache
 * is what makes converting a large room cheap.
 *
 * @throws InvalidTimeZoneError when the runtime does not know `timeZone`.
 */
export function dateTimeConverter(timeZone: string = DEFAULT_TIME_ZONE): DateTimeConverter {
  const known = converters.get(timeZone);
  if (known) {
    return known;
  }
  const converter = new ZoneDateTimeConverter(timeZone);
  converters.set(timeZone, converter);
  return converter;
}

/**
 * Checks a configured zone name up front, so that a typo fails at start rather
 * than on the first room.
 *
 * @throws InvalidTimeZoneError `invalid time zone: "Mars/Base"`
 */
export function assertTimeZone(timeZone: string): void {
  dateTimeConverter(timeZone);
}

let listedTimeZones: ReadonlySet<string> | undefined;

/**
 * Whether the runtime lists `timeZone` among its IANA zones. Unlike creating
 * a formatter, this does not load ICU's date-formatting data, which costs
 * about 9 ms once per process: too much for a cold start that may not convert
 * a single datetime (a GET, an unchanged room, a refused request).
 */
function isListedTimeZone(timeZone: string): boolean {
  // The default is in every time-zone database; the list costs about 1.5 ms to build.
  if (timeZone === DEFAULT_TIME_ZONE) return true;
  listedTimeZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return listedTimeZones.has(timeZone);
}

class ZoneDateTimeConverter implements DateTimeConverter {
  readonly #name: string;
  // Created on first use for a listed zone, at once (to validate it) for any other name.
  #format: Intl.DateTimeFormat | undefined;
  #canonicalName: string | undefined;
  // Offset per local day (then per local hour on the rare days it changes), as the "+09:00" suffix.
  readonly #dayOffsets = new Map<number, string>();
  readonly #hourOffsets = new Map<number, string>();
  #lastDayKey = -1;
  // The last local day converted: its "2022-05-26T" prefix and its offset (OFFSET_VARIES on a transition day).
  #lastDayPrefix = '';
  #lastDayOffset = OFFSET_VARIES;

  constructor(timeZone: string) {
    this.#name = timeZone;
    if (typeof timeZone !== 'string' || !isListedTimeZone(timeZone)) {
      this.#format = wallClockFormat(timeZone);
    }
  }

  get timeZone(): string {
    this.#canonicalName ??= this.#formatter().resolvedOptions().timeZone;
    return this.#canonicalName;
  }

  #formatter(): Intl.DateTimeFormat {
    this.#format ??= wallClockFormat(this.#name);
    return this.#format;
  }

  toTime(value: unknown): DateTimeConversion {
    if (value === null || value === undefined || value === '' || value === ZERO_DATETIME) {
      return null;
    }
    if (typeof value !== 'string') {
      return INVALID_DATETIME;
    }
    const dayKey = dayKeyOf(value);
    if (dayKey < 0) {
      return INVALID_DATETIME;
    }
    if (dayKey !== this.#lastDayKey) {
      this.#enterDay(value, dayKey);
    }
    const offset =
      this.#lastDayOffset === OFFSET_VARIES
        ? this.#offsetWithinTransitionDay(value, dayKey)
        : this.#lastDayOffset;
    // Reusing the day's prefix, and this grouping, measurably cut the cost of a large room.
    return this.#lastDayPrefix + (value.slice(11) + offset);
  }

  #enterDay(value: string, dayKey: number): void {
    let offset = this.#dayOffsets.get(dayKey);
    if (offset === undefined) {
      const year = digits4(value, 0);
      const month = digits2(value, 5);
      const day = digits2(value, 8);
      offset = this.#uniformOffset(wallMs(year, month, day, 0, 0, 0), wallMs(year, month, day, 23, 59, 59));
      remember(this.#dayOffsets, dayKey, offset);
    }
    this.#lastDayKey = dayKey;
    this.#lastDayPrefix = `${value.slice(0, 10)}T`;
    this.#lastDayOffset = offset;
  }

  #offsetWithinTransitionDay(value: string, dayKey: number): string {
    const year = digits4(value, 0);
    const month = digits2(value, 5);
    const day = digits2(value, 8);
    const hour = digits2(value, 11);
    const hourKey = dayKey * 24 + hour;
    let hourOffset = this.#hourOffsets.get(hourKey);
    if (hourOffset === undefined) {
      hourOffset = this.#uniformOffset(
        wallMs(year, month, day, hour, 0, 0),
        wallMs(year, month, day, hour, 59, 59),
      );
      remember(this.#hourOffsets, hourKey, hourOffset);
    }
    if (hourOffset !== OFFSET_VARIES) {
      return hourOffset;
    }
    const wall = wallMs(year, month, day, hour, digits2(value, 14), digits2(value, 17));
    return formatOffset(this.#resolveOffsetMs(wall));
  }

  // Assumes at most one offset change between two local wall times less than a day apart (true of tzdata).
  #uniformOffset(firstWallMs: number, lastWallMs: number): string {
    const first = this.#resolveOffsetMs(firstWallMs);
    return first === this.#resolveOffsetMs(lastWallMs) ? formatOffset(first) : OFFSET_VARIES;
  }

  // The offset of a local wall time (given as if it were UTC), resolved as documented on DateTimeConverter.
  #resolveOffsetMs(wall: number): number {
    const before = this.#offsetMsAt(wall - DAY_MS);
    const after = this.#offsetMsAt(wall + DAY_MS);
    if (before === after) {
      return before;
    }
    if (this.#offsetMsAt(wall - before) === before) {
      return before;
    }
    return this.#offsetMsAt(wall - after) === after ? after : before;
  }

  #offsetMsAt(utcMs: number): number {
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let beforeChrist = false;
    for (const part of this.#formatter().formatToParts(utcMs)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        case 'era':
          beforeChrist = part.value === 'BC';
          break;
      }
    }
    return wallMs(beforeChrist ? 1 - year : year, month, day, hour, minute, second) - utcMs;
  }
}

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new InvalidTimeZoneError(String(timeZone));
  }
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    throw new InvalidTimeZoneError(timeZone, { cause: error });
  }
}

function remember(cache: Map<number, string>, key: number, offset: string): void {
  if (cache.size >= MAX_CACHED_DAYS) {
    cache.clear();
  }
  cache.set(key, offset);
}

/** Milliseconds since the epoch of a wall time read as if it were UTC. */
function wallMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not turn years 0-99 into 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function formatOffset(offsetMs: number): string {
  const totalMinutes = Math.round(offsetMs / 60_000);
  const sign = totalMinutes < 0 ? '-' : '+';
  const minutes = Math.abs(totalMinutes);
  return `${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A number that identifies the local day of `value` if it is exactly
 * `YYYY-MM-DD HH:MM:SS` naming a real date and time; -1 otherwise.
 */
function dayKeyOf(value: string): number {
  if (
    value.length !== 19 ||
    value.charCodeAt(4) !== 45 || // -
    value.charCodeAt(7) !== 45 ||
    value.charCodeAt(10) !== 32 || // space
    value.charCodeAt(13) !== 58 || // :
    value.charCodeAt(16) !== 58
  ) {
    return -1;
  }
  for (const index of DIGIT_POSITIONS) {
    const code = value.charCodeAt(index);
    if (code < DIGIT_0 || code > DIGIT_9) {
      return -1;
    }
  }
  const year = digits4(value, 0);
  const month = digits2(value, 5);
  const day = digits2(value, 8);
  const valid =
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    digits2(value, 11) <= 23 &&
    digits2(value, 14) <= 59 &&
    digits2(value, 17) <= 59;
  return valid ? (year * 13 + month) * 32 + day : -1;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) {
    return 29;
  }
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

function digits2(value: string, at: number): number {
  return (value.charCodeAt(at) - DIGIT_0) * 10 + value.charCodeAt(at + 1) - DIGIT_0;
}

function digits4(value: string, at: number): number {
  return digits2(value, at) * 100 + digits2(value, at + 2);
}
