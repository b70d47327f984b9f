import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, logicalIdOf, synthTemplate } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;
let topicId: string;

interface AlarmProperties {
  MetricName: string;
  Namespace: string;
  Dimensions: { Name: string; Value: string | { Ref?: string; 'Fn::GetAtt'?: string[] } }[];
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  AlarmDescription?: string;
}

function alarms(t: Template): AlarmProperties[] {
  return Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
}

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
  topicId = logicalIdOf(template, 'AWS::SNS::Topic');
});

afterAll(async () => {
  await bundles.remove();
});

describe('alarms', () => {
  it('watch the three DLQs, Errors and Throttles of the five functions, the gaps reconciliation finds, the watcher lag and the redacted copies left pending', () => {
    // Prepare
    const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
    const dlqIds = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => id !== queueId);

    // Act
    const watched = alarms(template).map((alarm) => {
      const value = alarm.Dimensions[0]?.Value;
      const target = typeof value === 'string' ? value : (value?.Ref ?? value?.['Fn::GetAtt']?.[0]);
      return `${alarm.Namespace} ${alarm.MetricName} ${target}`;
    });

    // Assess
    expect(functionIds).toHaveLength(5);
    expect(dlqIds).toHaveLength(3);
    expect(watched.sort()).toEqual(
      [
        ...dlqIds.map((id) => `AWS/SQS ApproximateNumberOfMessagesVisible ${id}`),
        ...functionIds.flatMap((id) => [`AWS/Lambda Errors ${id}`, `AWS/Lambda Throttles ${id}`]),
        'HappyTalkArchive GapsFound happytalk-archive',
        'HappyTalkArchive RedactionPending happytalk-archive',
        'HappyTalkArchive WatcherLagSeconds happytalk-archive',
      ].sort(),
    );
  });

  it('watch the Errors and Throttles of retrieval-api under their own names', () => {
    // Prepare
    const retrievalId = logicalIdOf(template, 'AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('retrieval API'),
    });

    // Act
    const retrievalAlarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
      .filter(([, alarm]) => JSON.stringify(alarm.Properties.Dimensions).includes(`"${retrievalId}"`))
      .map(([id, alarm]) => ({
        id: id.replace(/[0-9A-F]{8}$/, ''),
        metric: `${alarm.Properties.Namespace} ${alarm.Properties.MetricName} ${alarm.Properties.Statistic}`,
        dimensions: alarm.Properties.Dimensions,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));

    // Assess
    const dimensions = [{ Name: 'FunctionName', Value: { Ref: retrievalId } }];
    expect(retrievalAlarms).toEqual([
      { id: 'ArchiveRetrievalFunctionErrorsAlarm', metric: 'AWS/Lambda Errors Sum', dimensions },
      { id: 'ArchiveRetrievalFunctionThrottlesAlarm', metric: 'AWS/Lambda Throttles Sum', dimensions },
    ]);
  });

  it('but the watcher lag fire above 0, treat missing data as not breaching, and notify the topic', () => {
    // Assess
    const all = alarms(template);
    expect(all).toHaveLength(16);
    for (const alarm of all.filter((candidate) => candidate.MetricName !== 'WatcherLagSeconds')) {
      expect(alarm).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    }
  });
});

describe('the redaction alarm', () => {
  it('fires on any transcript archived with its redacted copy pending in 5 minutes, and says what to do', () => {
    // Act
    const pending = alarms(template).find((alarm) => alarm.MetricName === 'RedactionPending');

    // Assess
    expect(pending).toMatchObject({
      Namespace: 'HappyTalkArchive',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      EvaluationPeriods: 1,
      Dimensions: [{ Name: 'service', Value: 'happytalk-archive' }],
    });
    expect(pending?.AlarmDescription).toMatch(/pseudonym key could not be read.*reindex/);
  });

  it('is not there when the redacted copy is off', () => {
    // Act
    const off = synthTemplate(bundles.dir, { context: { redactedCopy: 'false' } });

    // Assess
    expect(alarms(off).map((alarm) => alarm.MetricName)).not.toContain('RedactionPending');
  });
});

describe('alarm topic', () => {
  it('is encrypted with a rotating customer-managed key CloudWatch may use', () => {
    // Act
    const topic = template.toJSON().Resources[topicId].Properties as {
      KmsMasterKeyId: { 'Fn::GetAtt': string[] };
    };
    const keyId = topic.KmsMasterKeyId['Fn::GetAtt'][0] as string;

    // Assess
    expect(template.toJSON().Resources[keyId]).toMatchObject({
      Type: 'AWS::KMS::Key',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: expect.arrayContaining([
            expect.objectContaining({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      },
    });
  });

  it("denies publishing without TLS and lets this account's alarms publish", () => {
    // Assess
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('has no subscription unless alarmEmail is given', () => {
    // Act
    const subscribed = synthTemplate(bundles.dir, { context: { alarmEmail: 'ops@example.com' } });

    // Assess
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    subscribed.resourceCountIs('AWS::SNS::Subscription', 1);
    subscribed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalIdOf(subscribed, 'AWS::SNS::Topic') },
    });
  });
});
