import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ArchiveSettings } from '../settings/resolve.js';
import { ALARM_PERIOD, alarmAboveZero } from './alarms.js';

/** The queues of the event path. */
export interface EventQueues {
  /** The queue between the EventBridge rule and `archive-events`. */
  readonly queue: Queue;
  /** Dead-letter queue of `queue`; `archive-events` also sends permanent failures here. */
  readonly deadLetterQueue: Queue;
  /** Dead-letter queue of the rule target: events EventBridge could not deliver to `queue`. */
  readonly ruleDeadLetterQueue: Queue;
  /** The depth alarms of both dead-letter queues. */
  readonly alarms: readonly Alarm[];
}

/**
 * The archive queue (SSE-SQS, TLS only, dead letters after `maxReceiveCount`
 * receives), its dead-letter queue and the rule target's, each dead-letter
 * queue alarmed on its depth. Creates `ArchiveDeadLetterQueue`, `ArchiveQueue`,
 * `RuleDeadLetterQueue` and their alarms in `scope`.
 */
export function buildEventQueues(scope: Construct, settings: ArchiveSettings, topic: ITopic): EventQueues {
  const deadLetterQueue = new Queue(scope, 'ArchiveDeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new Queue(scope, 'ArchiveQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: settings.queueVisibilityTimeout,
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
  });
  const ruleDeadLetterQueue = new Queue(scope, 'RuleDeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  for (const dlq of [deadLetterQueue, ruleDeadLetterQueue]) {
    Validations.of(dlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is a dead-letter queue: the end of the line, read and redriven by an operator.',
    });
  }
  Validations.of(ruleDeadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is the dead-letter queue of the EventBridge rule target (DeadLetterConfig), which the ' +
      'rule names rather than a queue redrive policy.',
  });
  const depth = (dlq: Queue) =>
    dlq.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' });
  const alarms = [
    alarmAboveZero(scope, 'ArchiveDeadLetterQueueAlarm', {
      metric: depth(deadLetterQueue),
      description:
        'rooms could not be archived from events; their messages wait in the archive dead-letter queue',
      topic,
    }),
    alarmAboveZero(scope, 'RuleDeadLetterQueueAlarm', {
      metric: depth(ruleDeadLetterQueue),
      description:
        'EventBridge could not deliver events to the archive queue; they wait in the rule dead-letter queue',
      topic,
    }),
  ];
  return { queue, deadLetterQueue, ruleDeadLetterQueue, alarms };
}

/**
 * The event path: the rule (its bus, `source` and `detail-type`) sends to the
 * archive queue, which feeds `archive-events` (`batchSize` records an
 * invocation, at most `maxConcurrency` at once, failures reported per record).
 * Creates `ChatCompletedRule` and `EventBus` in `scope`.
 */
export function routeEvents(
  scope: Construct,
  props: { settings: ArchiveSettings; queues: EventQueues; archiveEvents: LambdaFunction },
): Rule {
  const { settings, queues, archiveEvents } = props;
  archiveEvents.addEventSource(
    new SqsEventSource(queues.queue, {
      batchSize: settings.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: settings.maxConcurrency,
    }),
  );
  Validations.of(archiveEvents).acknowledge({
    id: 'Serverless-LambdaEventSourceMappingDestination',
    reason:
      'SQS event source mappings do not support on-failure destinations; the queue redrive policy moves ' +
      `a message to the dead-letter queue after ${settings.maxReceiveCount} receives instead.`,
  });
  return new Rule(scope, 'ChatCompletedRule', {
    description: `Archives a HappyTalk room when a "${settings.eventDetailType}" event from "${settings.eventSource}" arrives`,
    eventBus: EventBus.fromEventBusName(scope, 'EventBus', settings.eventBusName),
    eventPattern: { source: [settings.eventSource], detailType: [settings.eventDetailType] },
    targets: [
      new SqsQueue(queues.queue, {
        deadLetterQueue: queues.ruleDeadLetterQueue,
        // The EventBridge maxima: transient SQS errors heal; what is left lands in the DLQ and alarms.
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    ],
  });
}
