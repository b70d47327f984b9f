import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** The period of the archive's alarms on counts (errors, throttles, queue depths). */
export const ALARM_PERIOD = Duration.minutes(5);

/**
 * An alarm of the archive: above zero in `periods` periods in a row (one by
 * default), missing data not breaching, to `topic` on ALARM and on OK.
 * Creates `id` in `scope`.
 */
export function alarmAboveZero(
  scope: Construct,
  id: string,
  options: { metric: IMetric; description: string; topic: ITopic; periods?: number },
): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `HappyTalk archive: ${options.description}`,
    metric: options.metric,
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: options.periods ?? 1,
    datapointsToAlarm: options.periods ?? 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(options.topic));
  alarm.addOkAction(new SnsAction(options.topic));
  return alarm;
}

/**
 * The alarm topic: encrypted with its own rotating key that CloudWatch may
 * use, TLS-only publishing, CloudWatch alarms of this account allowed to
 * publish, and `alarmEmail` subscribed when given. Creates `AlarmTopicKey` and
 * `AlarmTopic` in `scope`.
 */
export function buildAlarmTopic(scope: Construct, alarmEmail: string | undefined): Topic {
  const alarmKey = new Key(scope, 'AlarmTopicKey', {
    description: 'Encrypts the HappyTalk archive alarm topic',
    enableKeyRotation: true,
  });
  // CloudWatch cannot publish to a topic under the AWS managed aws/sns key: it needs this grant.
  alarmKey.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: 'HappyTalk archive alarms',
    masterKey: alarmKey,
    enforceSSL: true,
  });
  // The topic policy CDK writes replaces SNS's default one, which let CloudWatch publish.
  topic.addToResourcePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: {
          'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
        },
      },
    }),
  );
  if (alarmEmail !== undefined) {
    const subscription = topic.addSubscription(new EmailSubscription(alarmEmail));
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'An alarm email that cannot be delivered has nowhere better to go: the alarm state stays in ' +
        'CloudWatch, and a dead-letter queue nobody reads for undelivered alarms adds nothing.',
    });
  }
  return topic;
}
