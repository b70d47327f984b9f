import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionEnvironment } from '../../lib/contract/function-environments.js';
import { PREFIX } from '../../lib/contract/keys.js';
import { METRIC } from '../../lib/contract/observability.js';
import { createArchiveFunction, type FunctionDefaults, type SharedVariables } from './archive-function.js';
import {
  ARCHIVE_PREFIXES,
  acknowledgePrefixWildcards,
  keyThroughS3Statement,
  listBucketStatement,
  objectsUnder,
  secretStatements,
  type TokenSecretAccess,
} from './permissions.js';

/** Where the watcher keeps its watermark in the archive bucket (lib/contract/keys.ts). */
const WATCHER_STATE_PREFIX = PREFIX.state;

export interface CompletionWatchScheduleProps {
  /** The `completion-watcher` function, built like the archive's other functions. */
  readonly function: LambdaFunction;
  /** The time between two runs (whole minutes). */
  readonly interval: Duration;
  readonly bucket: Bucket;
  readonly alarmTopic: ITopic;
  /** Namespace and `service` dimension of the functions' metrics (Powertools). */
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

/**
 * Runs the completion watcher on an EventBridge Scheduler rate schedule, and
 * alarms when its lag (now less the watermark) stays above three intervals,
 * or it stops reporting: stuck, failing, or not running. (Its function's
 * errors and throttles are alarmed with the other functions'.)
 */
export class CompletionWatchSchedule extends Construct {
  readonly schedule: Schedule;
  /** The role EventBridge Scheduler invokes the function with. */
  readonly scheduleRole: Role;
  /** `WatcherLagSeconds`, maximum per interval. */
  readonly lagMetric: Metric;
  readonly lagAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CompletionWatchScheduleProps) {
    super(scope, id);
    const interval = props.interval;
    this.scheduleRole = new Role(this, 'ScheduleRole', {
      description: 'Lets EventBridge Scheduler run the completion watcher of the HappyTalk archive',
      // Only schedules of this account may use it (the confused-deputy guard Scheduler documents).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `Runs the HappyTalk archive completion watcher every ${interval.toMinutes()} minutes`,
      // Without a start date a rate schedule starts at once; the function takes its first run, less one
      // interval, as the deployment's time.
      schedule: ScheduleExpression.rate(interval),
      target: new LambdaInvoke(props.function, {
        role: this.scheduleRole,
        // A run that could not start is superseded by the next one, which covers the same window.
        maxEventAge: Duration.seconds(Math.max(60, interval.toSeconds())),
        retryAttempts: 2,
      }),
    });

    this.lagMetric = new Metric({
      namespace: props.metricsNamespace,
      metricName: METRIC.watcherLag,
      dimensionsMap: { service: props.serviceName },
      statistic: 'Maximum',
      period: interval,
    });
    // Missing data breaches: a watcher that stopped running reports no lag at all. Two periods of three,
    // so that one run landing in the next period does not page.
    this.lagAlarm = new Alarm(this, 'LagAlarm', {
      alarmDescription:
        `HappyTalk archive: the completion watcher is more than 3 intervals (${3 * interval.toMinutes()} minutes) ` +
        'behind, or not running: finished rooms are not being archived. Its log says why (HappyTalk, S3 or the queue ' +
        'failing); each run retries the same window, and reconcile remains the daily net.',
      metric: this.lagMetric,
      threshold: 3 * interval.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.BREACHING,
    });
    this.lagAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
    this.lagAlarm.addOkAction(new SnsAction(props.alarmTopic));
    this.acknowledgeNagFindings(props);
  }

  private acknowledgeNagFindings(props: CompletionWatchScheduleProps): void {
    const functionArn = `<${Stack.of(this).resolve((props.function.node.defaultChild as CfnFunction).logicalId)}.Arn>`;
    Validations.of(this.scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${functionArn}:*]`,
      reason:
        'lambda:InvokeFunction on the watcher function and its versions and aliases, as CDK grants an invoker: ' +
        'one function, nothing else.',
    });
    acknowledgePrefixWildcards(props.function.role ?? {}, props.bucket, [
      {
        prefix: ARCHIVE_PREFIXES.index,
        reason:
          'The watcher reads index/rooms/<room_id>.json for each room HappyTalk lists as finished, ids known only ' +
          'at run time: objects under index/ are the narrowest resource that covers them (read only).',
      },
      {
        prefix: WATCHER_STATE_PREFIX,
        reason:
          'The watcher keeps its watermark in state/completion-watcher.json; state/ is its own prefix, which no ' +
          'other function of the archive writes.',
      },
    ]);
  }
}

/** Why the watcher has no Lambda dead-letter queue (its function's cdk-nag acknowledgement). */
export const WATCHER_NO_DEAD_LETTER_QUEUE =
  'The schedule runs the watcher; a failed run has nothing to redrive: its watermark stays, the next run ' +
  'covers the same window, and the lag alarm fires when runs keep failing.';

/** The completion watcher: its function and its schedule. */
export interface CompletionWatcher {
  readonly function: LambdaFunction;
  readonly schedule: CompletionWatchSchedule;
  /** Its function's `Errors` and `Throttles` alarms (the lag alarm is the schedule's). */
  readonly alarms: readonly Alarm[];
}

/**
 * The `completion-watcher` function, built as every function is, and its
 * schedule; nothing when the interval is `off`. Its role reads the index and
 * its own state, writes the state, reads the token and sends to the archive
 * queue: no transcript, no raw answer. Creates `CompletionWatcherFunction`
 * (with its role, log group and alarms) in `scope`, and `CompletionWatch`.
 */
export function buildCompletionWatcher(
  scope: Construct,
  props: {
    readonly interval: Duration | 'off';
    readonly overlap: Duration;
    readonly lookbackDays: number;
    readonly defaults: FunctionDefaults;
    readonly shared: SharedVariables;
    readonly bucket: Bucket;
    readonly key: IKey;
    readonly secret: TokenSecretAccess;
    readonly queue: Queue;
  },
): CompletionWatcher | undefined {
  const { interval, bucket } = props;
  if (interval === 'off') return undefined;
  const built = createArchiveFunction(scope, 'CompletionWatcherFunction', {
    ...props.defaults,
    bundle: 'completion-watcher',
    description:
      'HappyTalk archive completion watcher: lists the rooms finished lately and queues the ones not archived',
    timeout: Duration.minutes(5),
    environment: functionEnvironment('completion-watcher', {
      ...props.shared,
      ARCHIVE_QUEUE_URL: props.queue.queueUrl,
      WATCH_INTERVAL_SECONDS: interval.toSeconds(),
      WATCH_OVERLAP_MINUTES: props.overlap.toMinutes(),
      WATCH_LOOKBACK_DAYS: props.lookbackDays,
    }),
    statements: [
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: objectsUnder(bucket, [ARCHIVE_PREFIXES.index, WATCHER_STATE_PREFIX]),
      }),
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: objectsUnder(bucket, [WATCHER_STATE_PREFIX]),
      }),
      // A room not archived has no index, and a first run no state: 404s, not 403s.
      listBucketStatement(bucket),
      keyThroughS3Statement(props.key, ['kms:Decrypt', 'kms:GenerateDataKey']),
      ...secretStatements(props.secret),
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }),
    ],
    // A failed pass is reported, not thrown: Errors are crashes. The lag alarm watches the rest.
    errorsAlarm: 'the completion-watcher function crashed',
    noDeadLetterQueue: WATCHER_NO_DEAD_LETTER_QUEUE,
  });
  const schedule = new CompletionWatchSchedule(scope, 'CompletionWatch', {
    function: built.function,
    interval,
    bucket,
    alarmTopic: props.defaults.alarmTopic,
    metricsNamespace: props.shared.POWERTOOLS_METRICS_NAMESPACE,
    serviceName: props.shared.POWERTOOLS_SERVICE_NAME,
  });
  return { function: built.function, schedule, alarms: built.alarms };
}
