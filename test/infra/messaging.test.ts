import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, logicalIdOf, synthTemplate } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;
let queueId: string;
let dlqId: string;
let ruleDlqId: string;
let archiveEventsId: string;

function resource(t: Template, id: string): { Properties: Record<string, unknown> } {
  return t.toJSON().Resources[id];
}

/** The rule of chat-completed events (the other rule is the reconciliation schedule). */
function chatCompletedRuleId(t: Template): string {
  return logicalIdOf(t, 'AWS::Events::Rule', { EventPattern: Match.anyValue() });
}

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
  queueId = logicalIdOf(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
  dlqId = (
    resource(template, queueId).Properties.RedrivePolicy as {
      deadLetterTargetArn: { 'Fn::GetAtt': string[] };
    }
  ).deadLetterTargetArn['Fn::GetAtt'][0] as string;
  const rule = template.toJSON().Resources[chatCompletedRuleId(template)] as {
    Properties: { Targets: { DeadLetterConfig: { Arn: { 'Fn::GetAtt': string[] } } }[] };
  };
  ruleDlqId = rule.Properties.Targets[0]?.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string;
  archiveEventsId = logicalIdOf(template, 'AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('events from the queue'),
  });
});

afterAll(async () => {
  await bundles.remove();
});

describe('archive queue', () => {
  it('moves a message to its DLQ after 5 receives', () => {
    // Assess
    expect(resource(template, queueId).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('hides a message for at least 6 × the archive-events timeout', () => {
    // Assess
    const functionTimeout = resource(template, archiveEventsId).Properties.Timeout as number;
    const visibility = resource(template, queueId).Properties.VisibilityTimeout as number;
    expect(functionTimeout).toBe(60);
    expect(visibility).toBe(360);
    expect(visibility).toBeGreaterThanOrEqual(6 * functionTimeout);
  });

  it('is SSE encrypted, and so are both dead-letter queues, which keep messages 14 days', () => {
    // Assess
    expect(resource(template, queueId).Properties).toMatchObject({ SqsManagedSseEnabled: true });
    for (const dlq of [dlqId, ruleDlqId]) {
      expect(resource(template, dlq).Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
    }
    expect(new Set([queueId, dlqId, ruleDlqId]).size).toBe(3);
  });

  it('denies requests without TLS, and so do both dead-letter queues', () => {
    // Assess
    for (const queue of [queueId, dlqId, ruleDlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('takes maxReceiveCount and the visibility timeout from context', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, {
      context: { maxReceiveCount: '3', queueVisibilityTimeoutSeconds: '900' },
    });

    // Assess
    tuned.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 900,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
  });
});

describe('archive-events event source', () => {
  it('reports batch item failures, takes one message per invocation, and runs at most 2 at once', () => {
    // Assess
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: archiveEventsId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('takes maxConcurrency and batchSize from context, when the timeout holds the batch', () => {
    // Act: one room may take 55 s, five of them 275 s
    const tuned = synthTemplate(bundles.dir, {
      context: { maxConcurrency: '25', batchSize: '5', archiveEventsTimeoutSeconds: '275' },
    });

    // Assess
    tuned.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 25 },
    });
  });

  it.each([
    [
      'two rooms in the default 60 s',
      { batchSize: '2' },
      /^batchSize 2 needs archiveEventsTimeout of at least 110 s \(one room may take 55 s\), got 60 s$/,
    ],
    [
      'ten rooms in 300 s',
      { batchSize: '10', archiveEventsTimeoutSeconds: '300' },
      /^batchSize 10 needs archiveEventsTimeout of at least 550 s/,
    ],
    [
      'two rooms in 20 s',
      { batchSize: '2', archiveEventsTimeoutSeconds: '20' },
      /^batchSize 2 needs archiveEventsTimeout of at least 40 s \(one room may take 20 s\), got 20 s$/,
    ],
  ])('refuses a batch the timeout cannot hold: %s', (_case, context, message) => {
    // Act
    const act = () => synthTemplate(bundles.dir, { context });

    // Assess
    expect(act).toThrow(message);
  });
});

describe('chat completed rule', () => {
  it('matches source happytalk and detail-type Chat Completed on the default bus', () => {
    // Assess
    template.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: Match.anyValue() }, 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: { source: ['happytalk'], 'detail-type': ['Chat Completed'] },
    });
  });

  it('sends to the queue, retrying for a day, and its undeliverable events to its own DLQ', () => {
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ruleDlqId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        }),
      ],
    });
    expect(ruleDlqId).not.toBe(dlqId);
  });

  it('lets only this rule send to the queue and to its DLQ', () => {
    // Prepare
    const ruleId = chatCompletedRuleId(template);

    for (const queue of [queueId, ruleDlqId]) {
      // Act
      const policies = Object.values(
        template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: queue }] } }),
      );
      const allows = policies
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[])
        .filter((statement) => statement.Effect === 'Allow');

      // Assess
      expect(allows).toHaveLength(1);
      expect(allows[0]).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      });
      expect([allows[0]?.Action].flat()).toContain('sqs:SendMessage');
    }
  });

  it('takes the bus, source and detail-type from context', () => {
    // Act
    const custom = synthTemplate(bundles.dir, {
      context: {
        eventBusName: 'happytalk-bus',
        eventSource: 'com.example.happytalk',
        eventDetailType: 'Room Closed',
      },
    });

    // Assess
    custom.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'happytalk-bus',
      EventPattern: { source: ['com.example.happytalk'], 'detail-type': ['Room Closed'] },
    });
  });
});
