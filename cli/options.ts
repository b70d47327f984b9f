/** How the commands read their arguments: numbers, days, ranges, queue URLs (commander parsers and checks). */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ConfigurationError } from '../lib/errors.js';
import { parseDay } from '../lib/happytalk/room-list.js';
import type { DateRange } from '../lib/retrieval/date-range.js';
import { InvalidDateRangeError } from '../lib/retrieval/errors.js';
import { DEFAULT_CONCURRENCY } from '../lib/retrieval/scan.js';
import { validateRoomId } from '../lib/room-id.js';
import { parseWholeNumber } from '../lib/shared/integer.js';

/** A commander parser of a whole number of at least `min`. */
export function integer(flag: string, min: number) {
  return (value: string): number => {
    const number = parseWholeNumber(value);
    if (number === undefined || number < min) {
      throw new InvalidArgumentError(`${flag} must be a whole number of at least ${min}`);
    }
    return number;
  };
}

/** A commander parser of a number above 0. */
export function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
      throw new InvalidArgumentError(`${flag} must be a number above 0`);
    }
    return number;
  };
}

/** A commander parser of a calendar day `YYYY-MM-DD`. */
export function day(flag: string) {
  return (value: string): string => {
    try {
      return parseDay(flag, value);
    } catch {
      throw new InvalidArgumentError(`${flag} must be a date YYYY-MM-DD`);
    }
  };
}

/** `--concurrency <n>`: 1 to 64, {@link DEFAULT_CONCURRENCY} by default. */
export function concurrencyOption(what: string): Option {
  return new Option('--concurrency <n>', what).default(DEFAULT_CONCURRENCY).argParser((value: string) => {
    const number = parseWholeNumber(value);
    if (number === undefined || number < 1 || number > 64) {
      throw new InvalidArgumentError('--concurrency must be a whole number from 1 to 64');
    }
    return number;
  });
}

/** `--status <code>`: a status code such as 2 (negative ones too). */
export function statusCode(value: string): string {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('--status must be a status code such as 2');
  return value;
}

/** `--via-queue`'s value: an http(s) SQS queue URL. */
export function queueUrlOf(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
    throw new ConfigurationError(`--via-queue must be an SQS queue URL, received ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The rooms named, or the range given, for a command that takes either (not
 * neither, not both: a usage error). Room ids are validated.
 */
export function roomsOrRange(
  command: Command,
  verb: string,
  roomIdArguments: readonly string[],
  parseRange: () => DateRange | undefined,
): { range: DateRange | undefined; roomIds: string[] } {
  const range = rangeOrUsageError(command, parseRange);
  if (range === undefined && roomIdArguments.length === 0) {
    command.error(`error: name the rooms to ${verb}, or give --from and --to`, { exitCode: 2 });
  }
  if (range !== undefined && roomIdArguments.length > 0) {
    command.error('error: name rooms or give --from and --to, not both', { exitCode: 2 });
  }
  return { range, roomIds: roomIdArguments.map((roomId) => validateRoomId(roomId)) };
}

/** Parses a range, making an invalid one a usage error (exit 2, the message on stderr). */
export function rangeOrUsageError<T extends DateRange | undefined>(command: Command, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InvalidDateRangeError)) throw error;
    return command.error(`error: ${error.message}`, {
      exitCode: 2,
      code: 'happytalk-archive.invalidDateRange',
    });
  }
}
