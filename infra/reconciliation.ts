import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createArchiveFunction } from './archive-function.js';

/** The metric `reconcile` records and the gap alarm watches (`functions/reconcile.ts`). */
export const GAPS_METRIC = 'GapsFound';

export interface ArchiveReconciliationProps {
  /** Where `reconcile/index.mjs` was built. */
  readonly functionsDir: string;
  readonly bucket: Bucket;
  readonly key: Key;
  /** The archive queue the gaps are sent to. */
  readonly queue: Queue;
  /** The secret holding the HappyTalk token, as the IAM policy names it. */
  readonly secretArnForPolicy: string;
  /** The customer-managed key of the secret, when it has one. */
  readonly secretKeyArn: string | undefined;
  /** The environment every function of the archive shares (bucket, secret, HappyTalk host, Powertools). */
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  /** The key the function's log group is encrypted with. */
  readonly logKey: IKey;
  /** When to run: an EventBridge `cron(...)` or `rate(...)` expression (UTC). */
  readonly schedule: string;
  /** Days of the trailing window, today included. */
  readonly windowDays: number;
  /** Alarm when gaps were found on this many consecutive days. */
  readonly gapAlarmDays: number;
  readonly alarmTopic: Topic;
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
    const built = createArchiveFunction(this, 'Function', {
      bundle: 'reconcile',
      functionsDir: props.functionsDir,
      description:
        'HappyTalk archive reconciliation: lists the rooms completed lately and queues the ones not archived',
      memorySize: props.memorySize,
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
      logKey: props.logKey,
      environment: {
        ...props.environment,
        ARCHIVE_QUEUE_URL: props.queue.queueUrl,
        RECONCILE_WINDOW_DAYS: String(props.windowDays),
      },
      statements: this.statements(props),
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
      namespace: props.environment.POWERTOOLS_METRICS_NAMESPACE ?? 'HappyTalkArchive',
      metricName: GAPS_METRIC,
      // Powertools Metrics adds the service as a dimension of every metric.
      dimensionsMap: { service: props.environment.POWERTOOLS_SERVICE_NAME ?? 'happytalk-archive' },
      statistic: 'Sum',
      period: Duration.days(1),
    });
    this.alarms = this.createAlarms(props);
    this.acknowledgeNagFindings(props, role);
  }

  private statements(props: ArchiveReconciliationProps): PolicyStatement[] {
    const statements = [
      // It reads the index only: whether a room is archived, and what HappyTalk said when it was.
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects('index/*')] }),
      // A room not archived yet has no index: ListBucket, with no condition, makes that a 404
      // rather than a 403 (see HappyTalkArchive's listBucketStatement).
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn] }),
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.secretArnForPolicy],
      }),
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }),
    ];
    if (props.secretKeyArn !== undefined) {
      statements.push(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secretKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    return statements;
  }

  private createAlarms(props: ArchiveReconciliationProps): Alarm[] {
    const period = Duration.minutes(5);
    const alarm = (id: string, options: { metric: IMetric; description: string; days?: number }) => {
      const created = new Alarm(this, id, {
        alarmDescription: `HappyTalk archive: ${options.description}`,
        metric: options.metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: options.days ?? 1,
        datapointsToAlarm: options.days ?? 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(props.alarmTopic));
      created.addOkAction(new SnsAction(props.alarmTopic));
      return created;
    };
    return [
      alarm('ScheduleDeadLetterQueueAlarm', {
        metric: this.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: 'Maximum',
        }),
        description: 'EventBridge could not start the reconcile function; the missed runs wait in its DLQ',
      }),
      alarm('FunctionErrorsAlarm', {
        metric: this.function.metricErrors({ period, statistic: 'Sum' }),
        description: 'the reconcile function failed (its window was not fully checked or queued)',
      }),
      alarm('FunctionThrottlesAlarm', {
        metric: this.function.metricThrottles({ period, statistic: 'Sum' }),
        description: 'the reconcile function was throttled',
      }),
      alarm('GapsAlarm', {
        metric: this.gapsMetric,
        days: props.gapAlarmDays,
        description:
          `reconciliation found rooms missing from the archive on ${props.gapAlarmDays} days in a row: ` +
          'chat-completed events are being lost (publisher, rule or queue); the gaps were queued',
      }),
    ];
  }

  private acknowledgeNagFindings(props: ArchiveReconciliationProps, role: Role): void {
    const bucketArn = `<${Stack.of(this).resolve((props.bucket.node.defaultChild as CfnBucket).logicalId)}.Arn>`;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/index/*]`,
      reason:
        'Reconciliation reads index/rooms/<room_id>.json for each room HappyTalk lists, ids known only at ' +
        'run time: objects under index/ are the narrowest resource that covers them (read only).',
    });
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
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The schedule invokes reconcile asynchronously with nothing to redrive: a failed run is retried by ' +
        'Lambda, alarms on Errors, and the next run checks the same trailing window again.',
    });
  }
}
