import { Duration, Validations } from 'aws-cdk-lib';
import { type Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionEnvironment } from '../../lib/contract/function-environments.js';
import { PREFIX } from '../../lib/contract/keys.js';
import { METRIC } from '../../lib/contract/observability.js';
import { ALARM_PERIOD, alarmAboveZero } from './alarms.js';
import { createArchiveFunction, type FunctionDefaults, type SharedVariables } from './archive-function.js';
import {
  acknowledgePrefixWildcards,
  keyThroughS3Statement,
  listBucketStatement,
  objectsUnder,
  secretStatements,
  type TokenSecretAccess,
} from './permissions.js';

export interface ArchiveReconciliationProps {
  /** What every function of the archive shares (bundles, memory, logs, the alarm topic). */
  readonly defaults: FunctionDefaults;
  readonly bucket: Bucket;
  readonly key: IKey;
  /** The archive queue the gaps are sent to. */
  readonly queue: Queue;
  /** The secret holding the HappyTalk token, as the IAM policy names it. */
  readonly secret: TokenSecretAccess;
  /** The variables every function of the archive shares (bucket, secret, HappyTalk host, Powertools). */
  readonly shared: SharedVariables;
  /** When to run: an EventBridge `cron(...)` or `rate(...)` expression (UTC). */
  readonly schedule: string;
  /** Days of the trailing window, today included. */
  readonly windowDays: number;
  /** Alarm when gaps were found on this many consecutive days. */
  readonly gapAlarmDays: number;
}

/**
 * The scheduled reconciliation: the `reconcile` function, run by an
 * EventBridge schedule, lists the rooms HappyTalk completed in a trailing
 * window and sends the ones the archive missed to the archive queue. Alarms:
 * its errors and throttles, and gaps found day after day (something upstream
 * keeps losing events).
 */
export class ArchiveReconciliation extends Construct {
  readonly function: LambdaFunction;
  readonly rule: Rule;
  /** Schedule ticks EventBridge could not deliver to the function. */
  readonly scheduleDeadLetterQueue: Queue;
  /** The `GapsFound` metric (daily sum) the gap alarm watches. */
  readonly gapsMetric: Metric;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ArchiveReconciliationProps) {
    super(scope, id);
    // The deployed policy names the secret's key last.
    const [readSecret, ...secretKey] = secretStatements(props.secret);
    const built = createArchiveFunction(this, 'Function', {
      ...props.defaults,
      bundle: 'reconcile',
      description:
        'HappyTalk archive reconciliation: lists the rooms completed lately and queues the ones not archived',
      timeout: Duration.minutes(5),
      environment: functionEnvironment('reconcile', {
        ...props.shared,
        ARCHIVE_QUEUE_URL: props.queue.queueUrl,
        RECONCILE_WINDOW_DAYS: props.windowDays,
      }),
      statements: [
        // It reads the index only: whether a room is archived, and what HappyTalk said when it was.
        new PolicyStatement({
          actions: ['s3:GetObject'],
          resources: objectsUnder(props.bucket, [PREFIX.index]),
        }),
        // A room not archived yet has no index: that is a 404 rather than a 403.
        listBucketStatement(props.bucket),
        keyThroughS3Statement(props.key, ['kms:Decrypt']),
        ...(readSecret ? [readSecret] : []),
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }),
        ...secretKey,
      ],
      errorsAlarm: 'the reconcile function failed (its window was not fully checked or queued)',
      noDeadLetterQueue:
        'The schedule invokes reconcile asynchronously with nothing to redrive: a failed run is retried by ' +
        'Lambda, alarms on Errors, and the next run checks the same trailing window again.',
    });
    this.function = built.function;
    const role = built.role;

    this.scheduleDeadLetterQueue = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the HappyTalk archive reconciliation',
      schedule: Schedule.expression(props.schedule),
      targets: [
        new LambdaTarget(this.function, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.scheduleDeadLetterQueue,
        }),
      ],
    });

    this.gapsMetric = new Metric({
      namespace: props.shared.POWERTOOLS_METRICS_NAMESPACE,
      metricName: METRIC.gapsFound,
      // Powertools Metrics adds the service as a dimension of every metric.
      dimensionsMap: { service: props.shared.POWERTOOLS_SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.days(1),
    });
    this.alarms = this.createAlarms(props, built.alarms);
    this.acknowledgeNagFindings(props, role);
  }

  private createAlarms(props: ArchiveReconciliationProps, functionAlarms: readonly Alarm[]): Alarm[] {
    const topic = props.defaults.alarmTopic;
    const scheduleDeadLetters = alarmAboveZero(this, 'ScheduleDeadLetterQueueAlarm', {
      metric: this.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: ALARM_PERIOD,
        statistic: 'Maximum',
      }),
      description: 'EventBridge could not start the reconcile function; the missed runs wait in its DLQ',
      topic,
    });
    const gaps = alarmAboveZero(this, 'GapsAlarm', {
      metric: this.gapsMetric,
      periods: props.gapAlarmDays,
      description:
        `reconciliation found rooms missing from the archive on ${props.gapAlarmDays} days in a row: ` +
        'chat-completed events are being lost (publisher, rule or queue); the gaps were queued',
      topic,
    });
    return [scheduleDeadLetters, ...functionAlarms, gaps];
  }

  private acknowledgeNagFindings(props: ArchiveReconciliationProps, role: Role): void {
    acknowledgePrefixWildcards(role, props.bucket, [
      {
        prefix: PREFIX.index,
        reason:
          'Reconciliation reads index/rooms/<room_id>.json for each room HappyTalk lists, ids known only at ' +
          'run time: objects under index/ are the narrowest resource that covers them (read only).',
      },
    ]);
    Validations.of(this.scheduleDeadLetterQueue).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is the dead-letter queue of the reconciliation schedule target (DeadLetterConfig), which ' +
          'the schedule rule names rather than a queue redrive policy.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This is the dead-letter queue of missed reconciliation runs: the end of the line, alarmed and read ' +
          'by an operator, who runs the reconciliation again.',
      },
    );
  }
}
