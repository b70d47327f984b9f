import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { lambdaContext } from '../../dev/aws/lambda-context.js';
import { sqsRecord } from './lambda.js';

/** One invocation the event source made, as Lambda would report it. */
export interface Invocation {
  readonly messageIds: readonly string[];
  /** How long the handler ran, in ms. */
  readonly durationMs: number;
  /** The handler had not answered when the function timeout came: the whole batch returns to the queue. */
  readonly timedOut: boolean;
  /** The records the handler reported as failed (`batchItemFailures`). */
  readonly failed: readonly string[];
}

/** What became of one message. */
export interface MessageFate {
  readonly body: string;
  /** Times SQS handed it to the function. */
  readonly receives: number;
  readonly fate: 'deleted' | 'dead-lettered' | 'in flight';
}

export interface EventSourceOptions {
  readonly batchSize: number;
  /** The function timeout: `getRemainingTimeInMillis` counts down from it. */
  readonly timeoutMs: number;
  /** Receives before the queue's redrive policy moves a message to its DLQ. */
  readonly maxReceiveCount: number;
  /** How long a failed or timed-out message stays invisible; short, to keep tests fast. */
  readonly visibilityMs: number;
  /** Invocations at once (the event source's maximum concurrency). */
  readonly concurrency: number;
  /** Give up after this long, whatever is left. */
  readonly maxRunMs: number;
}

interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  receives: number;
  visibleAt: number;
  fate: MessageFate['fate'];
  inFlight: boolean;
}

/**
 * Lambda's SQS event source, in miniature: it receives up to `batchSize`
 * visible messages (each receive counts, as `ApproximateReceiveCount`),
 * invokes the handler with a context whose remaining time counts down from
 * the function timeout, deletes what succeeded, makes what the handler
 * reported failed visible again after the visibility timeout, returns the
 * whole batch when the handler does not answer in time, and moves a message
 * received `maxReceiveCount` times and still failing to the dead-letter queue.
 */
export async function driveEventSource(
  bodies: readonly string[],
  handler: (event: unknown, context: Context) => Promise<unknown>,
  options: EventSourceOptions,
): Promise<{ invocations: Invocation[]; messages: MessageFate[] }> {
  const queue: QueuedMessage[] = bodies.map((body) => ({
    id: randomUUID(),
    body,
    receives: 0,
    visibleAt: 0,
    fate: 'in flight',
    inFlight: false,
  }));
  const invocations: Invocation[] = [];
  const started = Date.now();
  const pending = () => queue.filter((message) => message.fate === 'in flight');

  const receive = (): QueuedMessage[] => {
    const now = Date.now();
    const batch: QueuedMessage[] = [];
    for (const message of pending()) {
      if (batch.length === options.batchSize) break;
      if (message.inFlight || message.visibleAt > now) continue;
      if (message.receives >= options.maxReceiveCount) {
        message.fate = 'dead-lettered';
        continue;
      }
      message.receives += 1;
      message.inFlight = true;
      batch.push(message);
    }
    return batch;
  };

  const invoke = async (batch: QueuedMessage[]): Promise<void> => {
    const invokedAt = Date.now();
    const deadline = invokedAt + options.timeoutMs;
    const context: Context = {
      ...lambdaContext('archive-events'),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const event = {
      Records: batch.map((message) =>
        sqsRecord(message.body, { messageId: message.id, receiveCount: message.receives }),
      ),
    };
    const answer = (await handler(event, context)) as SQSBatchResponse;
    const durationMs = Date.now() - invokedAt;
    const timedOut = durationMs > options.timeoutMs;
    const failed = timedOut
      ? batch.map((message) => message.id)
      : answer.batchItemFailures.map((failure) => failure.itemIdentifier);
    for (const message of batch) {
      message.inFlight = false;
      if (failed.includes(message.id)) message.visibleAt = Date.now() + options.visibilityMs;
      else message.fate = 'deleted';
    }
    invocations.push({ messageIds: batch.map((m) => m.id), durationMs, timedOut, failed });
  };

  const worker = async (): Promise<void> => {
    while (pending().length > 0 && Date.now() - started < options.maxRunMs) {
      const batch = receive();
      if (batch.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      await invoke(batch);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));

  return {
    invocations,
    messages: queue.map(({ body, receives, fate }) => ({ body, receives, fate })),
  };
}
