import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ArchiveSummary } from '../lib/archive/archive-room.js';
import { ArchiveError, describeValue } from '../lib/errors.js';
import { createDeadLetterSink } from './commons/dead-letters.js';
import { loggableError } from './commons/errors.js';
import { createFunctionRuntime, recordOutcome } from './commons/runtime.js';

const runtime = createFunctionRuntime(process.env);
const { logger, metrics, archive } = runtime;
const deadLetters = createDeadLetterSink(process.env);

/** The event is not an EventBridge event with a string `detail.room_id`. */
export class MalformedEventError extends ArchiveError {
  readonly code = 'MALFORMED_EVENT';
  readonly retryable = false;
}

/** What a directly invoked event led to. */
export type DirectResult =
  | ArchiveSummary
  | { readonly room_id: string | null; readonly status: 'dead-lettered'; readonly reason: string };

/**
 * Archives rooms named by EventBridge events (`detail.room_id`), invoked
 * directly by a rule, or through SQS with bodies that are EventBridge events.
 *
 * Permanent failures (malformed event, invalid room id, room not found,
 * overDate, credentials) go straight to the dead-letter queue with their
 * reason. Transient ones are retried: by the queue for the batch items that
 * failed (partial batch response), or by Lambda for a direct invocation.
 */
export async function handleEvent(
  event: unknown,
  _context: Context,
): Promise<SQSBatchResponse | DirectResult> {
  if (isSqsEvent(event)) return handleBatch(event.Records);
  const outcome = await archiveOrDeadLetter(event);
  if (outcome.kind === 'retry') throw outcome.error;
  return outcome.result;
}

async function handleBatch(records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const record of records) {
    logger.appendKeys({
      message_id: record.messageId,
      receive_count: record.attributes?.ApproximateReceiveCount,
    });
    try {
      const outcome = await archiveOrDeadLetter(record.body, parseBody);
      if (outcome.kind === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
    } finally {
      logger.removeKeys(['message_id', 'receive_count', 'room_id']);
    }
  }
  return { batchItemFailures };
}

type Outcome = { kind: 'done'; result: DirectResult } | { kind: 'retry'; error: unknown };

async function archiveOrDeadLetter(
  original: unknown,
  decode: (input: unknown) => unknown = (input) => input,
): Promise<Outcome> {
  let roomId: string | null = null;
  try {
    const rawRoomId = roomIdOf(decode(original));
    roomId = typeof rawRoomId === 'string' ? rawRoomId.slice(0, 128) : null;
    if (roomId) logger.appendKeys({ room_id: roomId });
    const summary = await archive.archive(rawRoomId);
    recordOutcome(metrics, summary.status, summary.message_count);
    return { kind: 'done', result: summary };
  } catch (error) {
    recordOutcome(metrics, 'failed');
    if (error instanceof ArchiveError && !error.retryable) {
      logger.error('permanent failure: sending to the dead-letter queue', { error: loggableError(error) });
      try {
        await deadLetters.send({
          reason: error.code,
          message: error.message,
          room_id: roomId,
          failed_at: new Date().toISOString(),
          source: 'archive-events',
          original,
        });
      } catch (sendError) {
        // Not lost: the event goes back to be retried, and ends in the queue's DLQ at worst.
        logger.error('dead-letter queue unavailable: the event will be retried', {
          error: loggableError(sendError),
        });
        return { kind: 'retry', error };
      }
      return { kind: 'done', result: { room_id: roomId, status: 'dead-lettered', reason: error.code } };
    }
    logger.warn('transient failure: the event will be retried', { error: loggableError(error) });
    return { kind: 'retry', error };
  }
}

function parseBody(body: unknown): unknown {
  try {
    return JSON.parse(String(body));
  } catch {
    throw new MalformedEventError('the SQS message body is not JSON');
  }
}

/** `detail.room_id` of an EventBridge event; its value is validated by the use case. */
function roomIdOf(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new MalformedEventError(
      `expected an EventBridge event object, received ${describeValue(event, 40)}`,
    );
  }
  const detail = (event as { detail?: unknown }).detail;
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new MalformedEventError('the event has no "detail" object');
  }
  if (!('room_id' in detail)) throw new MalformedEventError('the event has no "detail.room_id"');
  return (detail as { room_id: unknown }).room_id;
}

function isSqsEvent(event: unknown): event is SQSEvent {
  if (typeof event !== 'object' || event === null) return false;
  const records = (event as { Records?: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every(
      (record) => typeof record === 'object' && record !== null && record.eventSource === 'aws:sqs',
    )
  );
}

export const handler = middy<unknown, SQSBatchResponse | DirectResult>(handleEvent)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
