import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBundles,
  grantsOfRole,
  inlinePoliciesOfRole,
  logicalIdOf,
  propsOf,
  synthTemplate,
  tokenSecretIdOf,
} from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;
let ids: {
  fn: string;
  role: string;
  logGroup: string;
  bucket: string;
  key: string;
  secret: string;
  queue: string;
};

function reconcileFunctionId(t: Template): string {
  return logicalIdOf(t, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('reconciliation') });
}

function scheduleRule(t: Template): Record<string, unknown> {
  return propsOf(t, logicalIdOf(t, 'AWS::Events::Rule', { ScheduleExpression: Match.anyValue() }));
}

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
  const fn = reconcileFunctionId(template);
  const props = propsOf(template, fn) as {
    Role: { 'Fn::GetAtt': [string, string] };
    LoggingConfig: { LogGroup: { Ref: string } };
  };
  ids = {
    fn,
    role: props.Role['Fn::GetAtt'][0],
    logGroup: props.LoggingConfig.LogGroup.Ref,
    bucket: logicalIdOf(template, 'AWS::S3::Bucket', { ObjectLockEnabled: true }),
    key: logicalIdOf(template, 'AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('transcript archive'),
    }),
    secret: tokenSecretIdOf(template),
    queue: logicalIdOf(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() }),
  };
});

afterAll(async () => {
  await bundles.remove();
});

describe('reconcile function', () => {
  it('runs the reconcile bundle for up to 5 minutes with the archive settings, the queue and the window', () => {
    // Act
    const props = propsOf(template, ids.fn) as {
      Timeout: number;
      Environment: { Variables: Record<string, unknown> };
    };

    // Assess
    expect(props.Timeout).toBe(300);
    expect(props.Environment.Variables).toMatchObject({
      ARCHIVE_BUCKET: { Ref: ids.bucket },
      HAPPYTALK_SECRET_ID: { Ref: ids.secret },
      HAPPYTALK_BASE_URL: 'https://customer.happytalk.io',
      POWERTOOLS_METRICS_NAMESPACE: 'HappyTalkArchive',
      ARCHIVE_QUEUE_URL: { Ref: ids.queue },
      RECONCILE_WINDOW_DAYS: '2',
    });
  });

  it('may read the index, the secret and the key through S3, and send to the archive queue: nothing more', () => {
    // Act
    const grants = grantsOfRole(template, ids.role)
      .map((g) => `${g.action} ${g.resource}`)
      .sort();

    // Assess
    expect(template.toJSON().Resources[ids.role].Properties.ManagedPolicyArns).toBeUndefined();
    expect(inlinePoliciesOfRole(template, ids.role)).toEqual([]);
    expect(grants).toEqual(
      [
        `logs:CreateLogStream <${ids.logGroup}.Arn>`,
        `logs:PutLogEvents <${ids.logGroup}.Arn>`,
        `s3:GetObject <${ids.bucket}.Arn>/index/*`,
        `s3:ListBucket <${ids.bucket}.Arn>`,
        `kms:Decrypt <${ids.key}.Arn>`,
        `kms:Decrypt <${ids.key}.Arn>`,
        `secretsmanager:GetSecretValue <${ids.secret}>`,
        `sqs:SendMessage <${ids.queue}.Arn>`,
      ].sort(),
    );
    // A room not archived yet has no index: without a condition, ListBucket makes that a 404, not a 403.
    expect(
      grantsOfRole(template, ids.role).find((g) => g.action === 's3:ListBucket')?.condition,
    ).toBeUndefined();
  });

  it('runs daily at 03:30 in Seoul, with undeliverable runs kept in their own dead-letter queue', () => {
    // Act
    const rule = scheduleRule(template) as {
      ScheduleExpression: string;
      Targets: { Arn: unknown; DeadLetterConfig: { Arn: { 'Fn::GetAtt': [string, string] } } }[];
    };

    // Assess
    expect(rule.ScheduleExpression).toBe('cron(30 18 * * ? *)');
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      }),
    ]);
    const dlq = rule.Targets[0]?.DeadLetterConfig.Arn['Fn::GetAtt'][0] ?? '';
    expect(propsOf(template, dlq)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
  });

  it('takes the schedule, the window and the alarm days from context, and refuses a malformed schedule', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, {
      context: { reconcileSchedule: 'rate(6 hours)', reconcileWindowDays: '5', reconcileGapAlarmDays: '2' },
    });
    const bad = () => synthTemplate(bundles.dir, { context: { reconcileSchedule: 'every day' } });

    // Assess
    expect(scheduleRule(tuned).ScheduleExpression).toBe('rate(6 hours)');
    expect(
      (propsOf(tuned, reconcileFunctionId(tuned)).Environment as { Variables: Record<string, unknown> })
        .Variables.RECONCILE_WINDOW_DAYS,
    ).toBe('5');
    tuned.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GapsFound', EvaluationPeriods: 2 });
    expect(bad).toThrow('reconcileSchedule "every day" is not valid');
  });
});

describe('gap alarm', () => {
  it('fires when GapsFound was above 0 on 3 days in a row, and notifies the topic', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'HappyTalkArchive',
      MetricName: 'GapsFound',
      Dimensions: [{ Name: 'service', Value: 'happytalk-archive' }],
      Statistic: 'Sum',
      Period: 86_400,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalIdOf(template, 'AWS::SNS::Topic') }],
    });
  });
});
