/**
 * Every setting of the archive, once: its prop (the key), its CDK context key,
 * how the context value is read, and how the prop is checked and defaulted.
 * The context reader (`readArchiveContext`, infra/config.ts) and
 * {@link resolveSettings} are derived from this table; a prop of
 * {@link HappyTalkArchiveProps} without a row does not compile.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ArchiveConfigError } from '../errors.js';
import { FUNCTION_BUNDLES } from '../parts/archive-function.js';
import {
  COUNSELOR_OPTIONS,
  HAPPYTALK_ENVIRONMENTS,
  type HappyTalkArchiveProps,
  HTTP_API_AUTHORIZATIONS,
  OBJECT_LOCK_MODES,
  REDACTION_MASKS,
} from '../props.js';
import {
  type ContextValue,
  choice,
  seconds as contextSeconds,
  decimal,
  flag,
  minutes,
  minutesOrOff,
  path,
  statusList,
  text,
  wholeNumber,
} from './context-values.js';
import {
  ATHENA_WORKGROUP_NAME,
  type Check,
  email,
  finalStatuses,
  GLUE_DATABASE_NAME,
  given,
  httpsUrl,
  integer,
  logRetention,
  matching,
  oneOf,
  optionalMatching,
  positive,
  seconds,
  timeZone,
  wholeMinutes,
  wholeMinutesOrOff,
} from './validators.js';

/** One row: the context key of a prop, how its context value is read, and how the prop is checked. */
export interface Setting<P, S> {
  readonly context: string;
  readonly fromContext: ContextValue<P>;
  readonly check: Check<P, S>;
}

function row<P, S>(context: string, fromContext: ContextValue<P>, check: Check<P, S>): Setting<P, S> {
  return { context, fromContext, check };
}

const DEFAULT_FUNCTIONS_DIR = fileURLToPath(new URL('../../dist/functions/', import.meta.url));

type Props = Required<HappyTalkArchiveProps>;

/** The memory of every function unless `memorySize` says otherwise, in MB (docs/PERFORMANCE.md says why). */
export const DEFAULT_MEMORY_SIZE_MB = 768;

/** The table. Durations are given in context as seconds (`…Seconds`) or minutes (`…Minutes`). */
export const SETTINGS = {
  functionsDir: row('functionsDir', path, given(DEFAULT_FUNCTIONS_DIR)),
  happytalkEnv: row('happytalkEnv', choice(HAPPYTALK_ENVIRONMENTS), oneOf(HAPPYTALK_ENVIRONMENTS, 'prod')),
  happytalkBaseUrl: row('happytalkBaseUrl', text, httpsUrl),
  happytalkTimezone: row('happytalkTimezone', text, timeZone('Asia/Seoul')),
  retentionDays: row('retentionDays', wholeNumber, integer(1095, 1, 36_500)),
  objectLockMode: row('objectLockMode', choice(OBJECT_LOCK_MODES), oneOf(OBJECT_LOCK_MODES, 'GOVERNANCE')),
  expireAfterRetention: row('expireAfterRetention', flag, given(true)),
  noncurrentVersionExpirationDays: row(
    'noncurrentVersionExpirationDays',
    wholeNumber,
    integer(30, 1, 36_500),
  ),
  accessLogExpirationDays: row('accessLogExpirationDays', wholeNumber, integer(365, 1, 36_500)),
  // The three secret props are checked together (secretSource).
  existingSecretName: row('existingSecretName', text, given<string>()),
  existingSecretArn: row('existingSecretArn', text, given<string>()),
  existingSecretKeyArn: row('existingSecretKeyArn', text, given<string>()),
  memorySize: row('memorySize', wholeNumber, integer(DEFAULT_MEMORY_SIZE_MB, 128, 10_240)),
  httpApiTimeout: row('httpApiTimeoutSeconds', contextSeconds, seconds(29, 1, 29)),
  archiveEventsTimeout: row('archiveEventsTimeoutSeconds', contextSeconds, seconds(60, 1, 900)),
  logRetention: row('logRetentionDays', wholeNumber as ContextValue<RetentionDays>, logRetention),
  httpApiAuthorization: row(
    'httpApiAuthorization',
    choice(HTTP_API_AUTHORIZATIONS),
    oneOf(HTTP_API_AUTHORIZATIONS, 'iam'),
  ),
  throttleRateLimit: row('throttleRateLimit', decimal, positive(10)),
  throttleBurstLimit: row('throttleBurstLimit', wholeNumber, integer(20, 1, 5_000)),
  eventBusName: row('eventBusName', text, matching('default', /^[/.\-_A-Za-z0-9]{1,256}$/)),
  eventSource: row('eventSource', text, matching('happytalk', /^\S(.{0,254}\S)?$/)),
  eventDetailType: row('eventDetailType', text, matching('Chat Completed', /^\S(.{0,126}\S)?$/)),
  batchSize: row('batchSize', wholeNumber, integer(1, 1, 10)),
  maxConcurrency: row('maxConcurrency', wholeNumber, integer(2, 2, 1_000)),
  maxReceiveCount: row('maxReceiveCount', wholeNumber, integer(5, 1, 1_000)),
  // Its default and range follow archiveEventsTimeout (resolveSettings).
  queueVisibilityTimeout: row(
    'queueVisibilityTimeoutSeconds',
    contextSeconds,
    given<Props['queueVisibilityTimeout']>(),
  ),
  alarmEmail: row('alarmEmail', text, email),
  reconcileSchedule: row(
    'reconcileSchedule',
    text,
    matching(
      'cron(30 18 * * ? *)',
      /^(cron\(\S+( \S+){5}\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\))$/,
    ),
  ),
  reconcileWindowDays: row('reconcileWindowDays', wholeNumber, integer(2, 1, 31)),
  reconcileGapAlarmDays: row('reconcileGapAlarmDays', wholeNumber, integer(3, 1, 7)),
  completionWatchInterval: row('completionWatchInterval', minutesOrOff, wholeMinutesOrOff(5, 1, 1440)),
  completionWatchOverlap: row('completionWatchOverlapMinutes', minutes, wholeMinutes(10, 0, 1440)),
  completionWatchLookbackDays: row('completionWatchLookbackDays', wholeNumber, integer(7, 1, 31)),
  finalStatuses: row('finalStatuses', statusList, finalStatuses),
  redactedCopy: row('redactedCopy', flag, given(true)),
  redactionMask: row('redactionMask', choice(REDACTION_MASKS), oneOf(REDACTION_MASKS, 'type')),
  redactionCounselors: row(
    'redactionCounselors',
    choice(COUNSELOR_OPTIONS),
    oneOf(COUNSELOR_OPTIONS, 'keep'),
  ),
  glueDatabaseName: row('glueDatabaseName', text, optionalMatching(GLUE_DATABASE_NAME)),
  athenaWorkGroupName: row('athenaWorkGroupName', text, optionalMatching(ATHENA_WORKGROUP_NAME)),
  athenaBytesScannedCutoffMb: row(
    'athenaBytesScannedCutoffMb',
    wholeNumber,
    integer(10_240, 10, 1_000_000_000),
  ),
} satisfies { readonly [K in keyof Props]: Setting<Props[K], unknown> };

/** Every prop, checked and defaulted by its row. */
export type CheckedProps = {
  readonly [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]['check']>;
};

/** Checks every prop by its row, the bundles first (nothing else matters without them). */
export function checkProps(props: HappyTalkArchiveProps): CheckedProps {
  const functionsDir = SETTINGS.functionsDir.check(props.functionsDir, 'functionsDir');
  for (const bundle of FUNCTION_BUNDLES) {
    const entry = join(functionsDir, bundle, 'index.mjs');
    if (!existsSync(entry)) {
      throw new ArchiveConfigError(
        `function bundle ${bundle} not found at ${entry}: run \`npm run build\` first ` +
          '(the stack deploys exactly the bundles in dist/functions)',
      );
    }
  }
  const checked: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [keyof Props, Setting<unknown, unknown>][]) {
    checked[name] = setting.check(props[name], name);
  }
  return checked as CheckedProps;
}
