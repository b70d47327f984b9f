import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { ArchiveConfigError } from './errors.js';
import {
  HAPPYTALK_ENVIRONMENTS,
  type HappyTalkArchiveProps,
  HTTP_API_AUTHORIZATIONS,
  OBJECT_LOCK_MODES,
} from './happytalk-archive.js';

/**
 * The CDK context keys the stack reads (`cdk synth -c key=value`, or `context`
 * in cdk.json), each mapped onto the {@link HappyTalkArchiveProps} property of
 * the same name, except durations, which are given in seconds (`…Seconds`), and
 * `logRetentionDays`. docs/architecture.md documents each one.
 */
export const CONTEXT_KEYS = [
  'functionsDir',
  'happytalkEnv',
  'happytalkBaseUrl',
  'happytalkTimezone',
  'retentionDays',
  'objectLockMode',
  'expireAfterRetention',
  'noncurrentVersionExpirationDays',
  'accessLogExpirationDays',
  'existingSecretName',
  'existingSecretArn',
  'existingSecretKeyArn',
  'memorySize',
  'httpApiTimeoutSeconds',
  'archiveEventsTimeoutSeconds',
  'logRetentionDays',
  'httpApiAuthorization',
  'throttleRateLimit',
  'throttleBurstLimit',
  'eventBusName',
  'eventSource',
  'eventDetailType',
  'batchSize',
  'maxConcurrency',
  'maxReceiveCount',
  'queueVisibilityTimeoutSeconds',
  'alarmEmail',
  'reconcileSchedule',
  'reconcileWindowDays',
  'reconcileGapAlarmDays',
  'completionWatchInterval',
  'completionWatchOverlapMinutes',
  'completionWatchLookbackDays',
  'finalStatuses',
  'glueDatabaseName',
  'athenaWorkGroupName',
  'athenaBytesScannedCutoffMb',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

/**
 * Reads the archive's settings from CDK context. Values from `-c` arrive as
 * strings, values from cdk.json keep their JSON type; both are parsed here, and
 * an empty string counts as unset. Ranges are checked by the construct.
 *
 * @throws ArchiveConfigError naming the key and the value received
 */
export function readArchiveContext(node: Node): HappyTalkArchiveProps {
  const get = (key: ContextKey): unknown => node.tryGetContext(key);
  const functionsDir = text(get, 'functionsDir');
  const httpApiTimeout = wholeNumber(get, 'httpApiTimeoutSeconds');
  const archiveEventsTimeout = wholeNumber(get, 'archiveEventsTimeoutSeconds');
  const queueVisibilityTimeout = wholeNumber(get, 'queueVisibilityTimeoutSeconds');
  const watchOverlap = wholeNumber(get, 'completionWatchOverlapMinutes');
  const props: HappyTalkArchiveProps = {
    functionsDir: functionsDir === undefined ? undefined : resolve(functionsDir),
    happytalkEnv: choice(get, 'happytalkEnv', HAPPYTALK_ENVIRONMENTS),
    happytalkBaseUrl: text(get, 'happytalkBaseUrl'),
    happytalkTimezone: text(get, 'happytalkTimezone'),
    retentionDays: wholeNumber(get, 'retentionDays'),
    objectLockMode: choice(get, 'objectLockMode', OBJECT_LOCK_MODES),
    expireAfterRetention: flag(get, 'expireAfterRetention'),
    noncurrentVersionExpirationDays: wholeNumber(get, 'noncurrentVersionExpirationDays'),
    accessLogExpirationDays: wholeNumber(get, 'accessLogExpirationDays'),
    existingSecretName: text(get, 'existingSecretName'),
    existingSecretArn: text(get, 'existingSecretArn'),
    existingSecretKeyArn: text(get, 'existingSecretKeyArn'),
    memorySize: wholeNumber(get, 'memorySize'),
    httpApiTimeout: httpApiTimeout === undefined ? undefined : Duration.seconds(httpApiTimeout),
    archiveEventsTimeout:
      archiveEventsTimeout === undefined ? undefined : Duration.seconds(archiveEventsTimeout),
    logRetention: wholeNumber(get, 'logRetentionDays') as RetentionDays | undefined,
    httpApiAuthorization: choice(get, 'httpApiAuthorization', HTTP_API_AUTHORIZATIONS),
    throttleRateLimit: decimal(get, 'throttleRateLimit'),
    throttleBurstLimit: wholeNumber(get, 'throttleBurstLimit'),
    eventBusName: text(get, 'eventBusName'),
    eventSource: text(get, 'eventSource'),
    eventDetailType: text(get, 'eventDetailType'),
    batchSize: wholeNumber(get, 'batchSize'),
    maxConcurrency: wholeNumber(get, 'maxConcurrency'),
    maxReceiveCount: wholeNumber(get, 'maxReceiveCount'),
    queueVisibilityTimeout:
      queueVisibilityTimeout === undefined ? undefined : Duration.seconds(queueVisibilityTimeout),
    alarmEmail: text(get, 'alarmEmail'),
    reconcileSchedule: text(get, 'reconcileSchedule'),
    reconcileWindowDays: wholeNumber(get, 'reconcileWindowDays'),
    reconcileGapAlarmDays: wholeNumber(get, 'reconcileGapAlarmDays'),
    completionWatchInterval: watchInterval(get),
    completionWatchOverlap: watchOverlap === undefined ? undefined : Duration.minutes(watchOverlap),
    completionWatchLookbackDays: wholeNumber(get, 'completionWatchLookbackDays'),
    finalStatuses: statusList(get, 'finalStatuses'),
    glueDatabaseName: text(get, 'glueDatabaseName'),
    athenaWorkGroupName: text(get, 'athenaWorkGroupName'),
    athenaBytesScannedCutoffMb: wholeNumber(get, 'athenaBytesScannedCutoffMb'),
  };
  return definedOnly(props);
}

/** `base` overridden by every property `override` defines (an `undefined` property does not override). */
export function mergeArchiveProps(
  base: HappyTalkArchiveProps,
  override: HappyTalkArchiveProps,
): HappyTalkArchiveProps {
  return { ...definedOnly(base), ...definedOnly(override) };
}

type Lookup = (key: ContextKey) => unknown;

function text(get: Lookup, key: ContextKey): string | undefined {
  const value = get(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ArchiveConfigError(`context "${key}" must be a string, got ${JSON.stringify(value)}`);
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function wholeNumber(get: Lookup, key: ContextKey): number | undefined {
  const value = get(key);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const raw = typeof value === 'string' ? value.trim() : value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw)) return Number(raw);
  throw new ArchiveConfigError(`context "${key}" must be a whole number, got ${JSON.stringify(value)}`);
}

/** `completionWatchInterval`: whole minutes, or `off`. */
function watchInterval(get: Lookup): Duration | 'off' | undefined {
  const value = get('completionWatchInterval');
  if (typeof value === 'string' && value.trim().toLowerCase() === 'off') return 'off';
  try {
    const minutes = wholeNumber(get, 'completionWatchInterval');
    return minutes === undefined ? undefined : Duration.minutes(minutes);
  } catch {
    throw new ArchiveConfigError(
      `context "completionWatchInterval" must be a whole number of minutes or "off", got ${JSON.stringify(value)}`,
    );
  }
}

/** A list of status codes: `"2,4"` from `-c`, or `["2", "4"]` (or numbers) from cdk.json. */
function statusList(get: Lookup, key: ContextKey): string[] | undefined {
  const value = get(key);
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
}

function decimal(get: Lookup, key: ContextKey): number | undefined {
  const value = get(key);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const raw = typeof value === 'string' ? value.trim() : value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw)) return Number(raw);
  throw new ArchiveConfigError(`context "${key}" must be a number, got ${JSON.stringify(value)}`);
}

function flag(get: Lookup, key: ContextKey): boolean | undefined {
  const value = get(key);
  if (typeof value === 'boolean') return value;
  const raw = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ArchiveConfigError(`context "${key}" must be true or false, got ${JSON.stringify(value)}`);
}

function choice<T extends string>(get: Lookup, key: ContextKey, allowed: readonly T[]): T | undefined {
  const value = text(get, key);
  if (value === undefined) return undefined;
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    throw new ArchiveConfigError(
      `context "${key}" must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return match;
}

function definedOnly(props: HappyTalkArchiveProps): HappyTalkArchiveProps {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}
