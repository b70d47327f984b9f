/**
 * How a CDK context value is read into a prop's type. Values from `-c` arrive
 * as strings, values from cdk.json keep their JSON type; both are parsed here,
 * and an empty string counts as unset. Ranges are the construct's to check.
 */
import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { parseWholeNumber } from '../../lib/contract/environment.js';
import { ArchiveConfigError } from '../errors.js';

/** Reads one context value (`value`, under `key`) into a prop value; undefined when unset. */
export type ContextValue<P> = (value: unknown, key: string) => P | undefined;

export const text: ContextValue<string> = (value, key) => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ArchiveConfigError(`context "${key}" must be a string, got ${JSON.stringify(value)}`);
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** A path, resolved from the working directory. */
export const path: ContextValue<string> = (value, key) => {
  const given = text(value, key);
  return given === undefined ? undefined : resolve(given);
};

export const wholeNumber: ContextValue<number> = (value, key) => {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const raw = typeof value === 'string' ? value.trim() : value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const parsed = typeof raw === 'string' ? parseWholeNumber(raw) : undefined;
  if (parsed !== undefined) return parsed;
  throw new ArchiveConfigError(`context "${key}" must be a whole number, got ${JSON.stringify(value)}`);
};

export const decimal: ContextValue<number> = (value, key) => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const raw = typeof value === 'string' ? value.trim() : value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw)) return Number(raw);
  throw new ArchiveConfigError(`context "${key}" must be a number, got ${JSON.stringify(value)}`);
};

export const flag: ContextValue<boolean> = (value, key) => {
  if (typeof value === 'boolean') return value;
  const raw = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ArchiveConfigError(`context "${key}" must be true or false, got ${JSON.stringify(value)}`);
};

/** One of `allowed`, in any case. */
export function choice<T extends string>(allowed: readonly T[]): ContextValue<T> {
  return (value, key) => {
    const given = text(value, key);
    if (given === undefined) return undefined;
    const match = allowed.find((candidate) => candidate.toLowerCase() === given.toLowerCase());
    if (match === undefined) {
      throw new ArchiveConfigError(
        `context "${key}" must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${JSON.stringify(given)}`,
      );
    }
    return match;
  };
}

/** A whole number of seconds. */
export const seconds: ContextValue<Duration> = (value, key) => {
  const amount = wholeNumber(value, key);
  return amount === undefined ? undefined : Duration.seconds(amount);
};

/** A whole number of minutes. */
export const minutes: ContextValue<Duration> = (value, key) => {
  const amount = wholeNumber(value, key);
  return amount === undefined ? undefined : Duration.minutes(amount);
};

/** A whole number of minutes, or `off`. */
export const minutesOrOff: ContextValue<Duration | 'off'> = (value, key) => {
  if (typeof value === 'string' && value.trim().toLowerCase() === 'off') return 'off';
  try {
    return minutes(value, key);
  } catch {
    throw new ArchiveConfigError(
      `context "${key}" must be a whole number of minutes or "off", got ${JSON.stringify(value)}`,
    );
  }
};

/** A list of status codes: `"2,4"` from `-c`, or `["2", "4"]` (or numbers) from cdk.json. */
export const statusList: ContextValue<readonly string[]> = (value, key) => {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return value.map(String);
  }
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((code) => code.trim())
      .filter((code) => code !== '');
  }
  throw new ArchiveConfigError(
    `context "${key}" must be a list of status codes such as "2,4", got ${JSON.stringify(value)}`,
  );
};
