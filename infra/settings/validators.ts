/**
 * The checks of the construct's props: each takes the value given (undefined
 * when unset) and the prop's name, and answers the value to use, its default
 * when unset, or throws {@link ArchiveConfigError} with a lowercase message
 * that names the prop and the value received (CDK design guidelines). A value
 * that is a CDK token is left to CloudFormation.
 */
import { Duration, Token } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { FinalStatuses } from '../../lib/contract/environment.js';
import { ArchiveConfigError } from '../errors.js';

/** How a prop's value is checked and defaulted. */
export type Check<P, S> = (value: P | undefined, name: string) => S;

/** A whole number from `min` to `max`, `fallback` when unset. */
export function integer(fallback: number, min: number, max: number): Check<number, number> {
  return (value, name) => {
    if (value === undefined) return fallback;
    if (Token.isUnresolved(value)) return value;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ArchiveConfigError(
        `${name} must be a whole number from ${min} to ${max}, got ${String(value)}`,
      );
    }
    return value;
  };
}

/** A number above 0, `fallback` when unset. */
export function positive(fallback: number): Check<number, number> {
  return (value, name) => {
    if (value === undefined) return fallback;
    if (Token.isUnresolved(value)) return value;
    if (!Number.isFinite(value) || value <= 0) {
      throw new ArchiveConfigError(`${name} must be a number greater than 0, got ${String(value)}`);
    }
    return value;
  };
}

/** A duration of whole seconds from `min` to `max`, `fallback` seconds when unset. */
export function seconds(fallback: number, min: number, max: number): Check<Duration, Duration> {
  return (value, name) => {
    if (value === undefined) return Duration.seconds(fallback);
    const amount = value.toSeconds();
    if (Token.isUnresolved(amount)) return value;
    if (!Number.isInteger(amount) || amount < min || amount > max) {
      throw new ArchiveConfigError(
        `${name} must be a whole number of seconds from ${min} to ${max}, got ${amount} s`,
      );
    }
    return value;
  };
}

/** A duration of whole minutes from `min` to `max` (a schedule's rate counts in minutes). */
export function wholeMinutes(fallback: number, min: number, max: number): Check<Duration, Duration> {
  return (value, name) => {
    const duration = value ?? Duration.minutes(fallback);
    const minutes = duration.toSeconds() / 60;
    if (
      Token.isUnresolved(duration.toSeconds()) ||
      !Number.isInteger(minutes) ||
      minutes < min ||
      minutes > max
    ) {
      throw new ArchiveConfigError(
        `${name} must be a whole number of minutes from ${min} to ${max}, got ${duration.toSeconds()} s`,
      );
    }
    return Duration.minutes(minutes);
  };
}

/** {@link wholeMinutes}, or `'off'`. */
export function wholeMinutesOrOff(
  fallback: number,
  min: number,
  max: number,
): Check<Duration | 'off', Duration | 'off'> {
  const minutes = wholeMinutes(fallback, min, max);
  return (value, name) => (value === 'off' ? 'off' : minutes(value, name));
}

/** One of `allowed`, `fallback` when unset. */
export function oneOf<T extends string>(allowed: readonly T[], fallback: T): Check<T, T> {
  return (value, name) => {
    if (value === undefined) return fallback;
    if (!allowed.includes(value)) {
      throw new ArchiveConfigError(
        `${name} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
}

/** Text that matches `pattern`, `fallback` when unset. */
export function matching(fallback: string, pattern: RegExp): Check<string, string> {
  return (value, name) => (value === undefined ? fallback : matches(value, name, pattern));
}

/** Text that matches `pattern`, or nothing. */
export function optionalMatching(pattern: RegExp): Check<string, string | undefined> {
  return (value, name) => (value === undefined ? undefined : matches(value, name, pattern));
}

function matches(value: string, name: string, pattern: RegExp): string {
  if (Token.isUnresolved(value)) return value;
  if (!pattern.test(value)) {
    throw new ArchiveConfigError(`${name} ${JSON.stringify(value)} is not valid: expected ${pattern.source}`);
  }
  return value;
}

/** The value as given, `fallback` when unset (checked elsewhere, or needing no check). */
export function given<T>(fallback: T): Check<T, T>;
export function given<T>(): Check<T, T | undefined>;
export function given<T>(fallback?: T): Check<T, T | undefined> {
  return (value) => value ?? fallback;
}

/** An https URL without credentials, query or fragment, its trailing slashes removed; or nothing. */
export const httpsUrl: Check<string, string | undefined> = (value, name) => {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    throw new ArchiveConfigError(
      `${name} must be an https URL without credentials, query or fragment, got ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, '');
};

/** An IANA time zone, `fallback` when unset. */
export function timeZone(fallback: string): Check<string, string> {
  return (value, name) => {
    const zone = value ?? fallback;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      throw new ArchiveConfigError(
        `${name} must be an IANA time zone such as "Asia/Seoul", got ${JSON.stringify(zone)}`,
      );
    }
    return zone;
  };
}

/** An email address, or nothing. */
export const email: Check<string, string | undefined> = (value, name) => {
  if (value === undefined || Token.isUnresolved(value)) return value;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new ArchiveConfigError(`${name} must be an email address, got ${JSON.stringify(value)}`);
  }
  return value;
};

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((days): days is number => typeof days === 'number'),
);

/** A CloudWatch Logs retention, one year when unset. */
export const logRetention: Check<RetentionDays, RetentionDays> = (value, name) => {
  if (value === undefined) return RetentionDays.ONE_YEAR;
  if (!RETENTION_DAYS.has(value)) {
    throw new ArchiveConfigError(
      `${name} must be a CloudWatch Logs retention (${[...RETENTION_DAYS].join(', ')} days), got ${String(value)}`,
    );
  }
  return value;
};

/** The functions' own definition of the final statuses checks them, so that synth and run time agree. */
export const finalStatuses: Check<readonly string[], readonly string[]> = (value, name) => {
  try {
    return new FinalStatuses(value?.map((code) => code.trim())).codes;
  } catch (error) {
    throw new ArchiveConfigError(`${name}: ${(error as Error).message}`);
  }
};

/** Where the HappyTalk token is: a secret the construct creates, or one imported by name or ARN. */
export type SecretSource =
  | { readonly kind: 'created' }
  | { readonly kind: 'name'; readonly name: string; readonly keyArn: string | undefined }
  | { readonly kind: 'arn'; readonly arn: string; readonly keyArn: string | undefined };

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_COMPLETE_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The token secret of `existingSecretName`, `existingSecretArn` and `existingSecretKeyArn`, checked together. */
export function secretSource(props: {
  readonly existingSecretName?: string | undefined;
  readonly existingSecretArn?: string | undefined;
  readonly existingSecretKeyArn?: string | undefined;
}): SecretSource {
  const { existingSecretName: name, existingSecretArn: arn, existingSecretKeyArn: keyArn } = props;
  if (name !== undefined && arn !== undefined) {
    throw new ArchiveConfigError(
      `existingSecretName and existingSecretArn are mutually exclusive, got both (${JSON.stringify(name)} and ${JSON.stringify(arn)})`,
    );
  }
  if (keyArn !== undefined) {
    if (name === undefined && arn === undefined) {
      throw new ArchiveConfigError(
        `existingSecretKeyArn needs existingSecretName or existingSecretArn (the created secret uses the archive key), got ${JSON.stringify(keyArn)}`,
      );
    }
    if (!Token.isUnresolved(keyArn) && !KMS_KEY_ARN.test(keyArn)) {
      throw new ArchiveConfigError(
        `existingSecretKeyArn must be a KMS key ARN, got ${JSON.stringify(keyArn)}`,
      );
    }
  }
  if (name !== undefined) {
    if (!Token.isUnresolved(name) && !SECRET_NAME.test(name)) {
      throw new ArchiveConfigError(
        `existingSecretName must be a Secrets Manager secret name (letters, digits and /_+=.@-), got ${JSON.stringify(name)}`,
      );
    }
    return { kind: 'name', name, keyArn };
  }
  if (arn !== undefined) {
    if (!Token.isUnresolved(arn) && !SECRET_COMPLETE_ARN.test(arn)) {
      throw new ArchiveConfigError(
        'existingSecretArn must be the complete ARN of a secret, ending in its 6-character suffix ' +
          `(to import by name use existingSecretName), got ${JSON.stringify(arn)}`,
      );
    }
    return { kind: 'arn', arn, keyArn };
  }
  return { kind: 'created' };
}

/** Glue's rule for database names. */
export const GLUE_DATABASE_NAME = /^[a-z0-9_]{1,255}$/;
/** Athena's rule for workgroup names. */
export const ATHENA_WORKGROUP_NAME = /^[a-zA-Z0-9._-]{1,128}$/;

/**
 * The Glue database a stack gets by default: its name in lower case, every
 * other character than a letter or a digit as `_` (Glue's rule), so that two
 * stacks in one account never share one.
 */
export function defaultGlueDatabaseName(stackName: string): string {
  return stackName
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 255);
}
