import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The metric the watcher records after each pass and the lag alarm watches (`functions/completion-watcher.ts`). */
export const WATCHER_LAG_METRIC = 'WatcherLagSeconds';

/** Where the watcher keeps its watermark in the archive bucket (`lib/watch/state.ts`). */
export const WATCHER_STATE_PREFIX = 'state/';

/** The archive's index, which the watcher reads to decide (`lib/archive/keys.ts`). */
const INDEX_PREFIX = 'index/';

export interface CompletionWatchScheduleProps {
  /** The `completion-watcher` function, built like the archive's other functions. */
  readonly function: LambdaFunction;
  /** The time between two runs (whole minutes). */
  readonly interval: Duration;
  readonly bucket: Bucket;
  readonly alarmTopic: Topic;
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
      metricName: WATCHER_LAG_METRIC,
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
    const bucketArn = `<${Stack.of(this).resolve((props.bucket.node.defaultChild as CfnBucket).logicalId)}.Arn>`;
    const functionArn = `<${Stack.of(this).resolve((props.function.node.defaultChild as CfnFunction).logicalId)}.Arn>`;
    Validations.of(this.scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${functionArn}:*]`,
      reason:
        'lambda:InvokeFunction on the watcher function and its versions and aliases, as CDK grants an invoker: ' +
        'one function, nothing else.',
    });
    const role = props.function.role;
    if (role !== undefined) {
      Validations.of(role).acknowledge(
        {
          id: `AwsSolutions-IAM5[Resource::${bucketArn}/${INDEX_PREFIX}*]`,
          reason:
            'The watcher reads index/rooms/<room_id>.json for each room HappyTalk lists as finished, ids known only ' +
            'at run time: objects under index/ are the narrowest resource that covers them (read only).',
        },
        {
          id: `AwsSolutions-IAM5[Resource::${bucketArn}/${WATCHER_STATE_PREFIX}*]`,
          reason:
            'The watcher keeps its watermark in state/completion-watcher.json; state/ is its own prefix, which no ' +
            'other function of the archive writes.',
        },
      );
    }
    Validations.of(props.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The schedule runs the watcher; a failed run has nothing to redrive: its watermark stays, the next run ' +
        'covers the same window, and the lag alarm fires when runs keep failing.',
    });
  }
}
