import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBundles,
  createStack,
  grantsOfRole,
  inlinePoliciesOfRole,
  logicalIdOf,
  propsOf,
  render,
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
  topic: string;
};

function watcherId(t: Template): string {
  return logicalIdOf(t, 'AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('completion watcher'),
  });
}

function lagAlarmOf(t: Template): Record<string, unknown> {
  return propsOf(t, logicalIdOf(t, 'AWS::CloudWatch::Alarm', { MetricName: 'WatcherLagSeconds' }));
}

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
  const fn = watcherId(template);
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
    topic: logicalIdOf(template, 'AWS::SNS::Topic'),
  };
});

afterAll(async () => {
  await bundles.remove();
});

describe('completion watcher function', () => {
  it('runs the completion-watcher bundle as the other functions run, with the archive queue and its settings', () => {
    // Act
    const props = propsOf(template, ids.fn) as {
      Timeout: number;
      Runtime: string;
      Architectures: string[];
      TracingConfig: unknown;
      Environment: { Variables: Record<string, unknown> };
    };

    // Assess
    expect(props).toMatchObject({
      Timeout: 300,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    // Built as every function is: no X-Ray, its log group encrypted with the archive key.
    expect(props.TracingConfig).toBeUndefined();
    expect(props.Environment.Variables).toMatchObject({
      ARCHIVE_BUCKET: { Ref: ids.bucket },
      HAPPYTALK_SECRET_ID: { Ref: ids.secret },
      HAPPYTALK_FINAL_STATUSES: '2,4',
      ARCHIVE_QUEUE_URL: { Ref: ids.queue },
      WATCH_INTERVAL_SECONDS: '300',
      WATCH_OVERLAP_MINUTES: '10',
      WATCH_LOOKBACK_DAYS: '7',
    });
    expect(template.toJSON().Resources[ids.logGroup]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [ids.key, 'Arn'] } },
    });
  });

  it('may read the index, read and write its state, list rooms through the secret and send to the archive queue: nothing more', () => {
    // Act
    const grants = grantsOfRole(template, ids.role);

    // Assess
    const bucketArn = `<${ids.bucket}.Arn>`;
    expect(grants.map((g) => `${g.action} ${g.resource}`).sort()).toEqual(
      [
        `logs:CreateLogStream <${ids.logGroup}.Arn>`,
        `logs:PutLogEvents <${ids.logGroup}.Arn>`,
        `s3:GetObject ${bucketArn}/index/*`,
        `s3:GetObject ${bucketArn}/state/*`,
        `s3:PutObject ${bucketArn}/state/*`,
        `s3:ListBucket ${bucketArn}`,
        `kms:Decrypt <${ids.key}.Arn>`,
        `kms:GenerateDataKey <${ids.key}.Arn>`,
        `kms:Decrypt <${ids.key}.Arn>`,
        `secretsmanager:GetSecretValue <${ids.secret}>`,
        `sqs:SendMessage <${ids.queue}.Arn>`,
      ].sort(),
    );
    // A room not archived has no index, a first run no state: without a condition, both are 404s.
    expect(grants.find((g) => g.action === 's3:ListBucket')?.condition).toBeUndefined();
    const viaS3 = grants.filter((g) => g.action === 'kms:GenerateDataKey');
    expect(JSON.stringify(viaS3[0]?.condition)).toContain('s3.');
    expect(template.toJSON().Resources[ids.role].Properties.ManagedPolicyArns).toBeUndefined();
    expect(inlinePoliciesOfRole(template, ids.role)).toEqual([]);
  });
});

describe('completion watcher schedule', () => {
  it('runs the function every 5 minutes on EventBridge Scheduler, at the minute, a missed run dropped after one interval', () => {
    // Act
    const schedules = template.findResources('AWS::Scheduler::Schedule');
    const [schedule] = Object.values(schedules);

    // Assess
    expect(Object.keys(schedules)).toHaveLength(1);
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 },
      },
    });
    expect(schedule?.Properties.StartDate).toBeUndefined();
  });

  it('invokes through a role only Scheduler of this account assumes, allowed to invoke this function alone', () => {
    // Act
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    const roleId = render(schedule?.Properties.Target.RoleArn).replace(/^<|\.Arn>$/g, '');
    const role = propsOf(template, roleId) as { AssumeRolePolicyDocument: { Statement: unknown[] } };

    // Assess
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(
      grantsOfRole(template, roleId)
        .map((g) => `${g.action} ${g.resource}`)
        .sort(),
    ).toEqual([`lambda:InvokeFunction <${ids.fn}.Arn>`, `lambda:InvokeFunction <${ids.fn}.Arn>:*`]);
  });

  it('alarms to the topic when the lag is above 3 intervals, or nothing is reported, in 2 periods of 3', () => {
    // Act
    const alarm = lagAlarmOf(template);

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'HappyTalkArchive',
      MetricName: 'WatcherLagSeconds',
      Dimensions: [{ Name: 'service', Value: 'happytalk-archive' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: ids.topic }],
      OKActions: [{ Ref: ids.topic }],
    });
  });
});

describe('completion watcher settings', () => {
  it('take the interval, overlap, look-back and final statuses from context', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, {
      context: {
        completionWatchInterval: '2',
        completionWatchOverlapMinutes: '15',
        completionWatchLookbackDays: '10',
        finalStatuses: '2,3,4',
      },
    });

    // Assess
    const [schedule] = Object.values(tuned.findResources('AWS::Scheduler::Schedule'));
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(2 minutes)');
    expect(schedule?.Properties.Target.RetryPolicy.MaximumEventAgeInSeconds).toBe(120);
    expect(lagAlarmOf(tuned)).toMatchObject({ Period: 120, Threshold: 360 });
    const variables = (propsOf(tuned, watcherId(tuned)).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables).toMatchObject({
      WATCH_INTERVAL_SECONDS: '120',
      WATCH_OVERLAP_MINUTES: '15',
      WATCH_LOOKBACK_DAYS: '10',
    });
    // One definition of finished, for every function that decides it.
    tuned.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: Match.objectLike({ HAPPYTALK_FINAL_STATUSES: '2,3,4' }) } },
      4,
    );
  });

  it('leave no watcher, schedule, lag alarm or output when off', () => {
    // Act
    const stack = createStack(bundles.dir, { context: { completionWatchInterval: 'off' } });
    const off = synthTemplate(bundles.dir, { context: { completionWatchInterval: 'off' } });

    // Assess
    expect(stack.archive.completionWatcher).toBeUndefined();
    off.resourceCountIs('AWS::Scheduler::Schedule', 0);
    off.resourceCountIs('AWS::Lambda::Function', 4);
    expect(
      off.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'WatcherLagSeconds' } }),
    ).toEqual({});
    expect(Object.keys(off.findOutputs('*'))).not.toContain('CompletionWatcherFunctionName');
  });

  it('takes the interval as a Duration prop', () => {
    // Act
    const hourly = synthTemplate(bundles.dir, {
      props: { archive: { completionWatchInterval: Duration.hours(1) } },
    });

    // Assess
    const [schedule] = Object.values(hourly.findResources('AWS::Scheduler::Schedule'));
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(1 hour)');
  });

  it.each<[Record<string, unknown>, string]>([
    [
      { completionWatchInterval: Duration.seconds(90) },
      'completionWatchInterval must be a whole number of minutes from 1 to 1440, got 90 s',
    ],
    [
      { completionWatchInterval: Duration.minutes(0) },
      'completionWatchInterval must be a whole number of minutes from 1 to 1440, got 0 s',
    ],
    [
      { completionWatchOverlap: Duration.days(2) },
      'completionWatchOverlap must be a whole number of minutes from 0 to 1440, got 172800 s',
    ],
    [
      { completionWatchLookbackDays: 40 },
      'completionWatchLookbackDays must be a whole number from 1 to 31, got 40',
    ],
    [{ finalStatuses: ['1', '2'] }, 'finalStatuses: the final statuses must be distinct codes among 2, 3, 4'],
    [{ finalStatuses: [] }, 'finalStatuses: the final statuses must be distinct codes among 2, 3, 4'],
  ])('refuses %j, naming it', (archive, message) => {
    // Act
    const act = () => createStack(bundles.dir, { props: { archive } });

    // Assess
    expect(act).toThrow(message);
  });
});
