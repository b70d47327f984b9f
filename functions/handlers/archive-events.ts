import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { backOff } from 'exponential-backoff';
import type { ArchiveRoomOptions, ArchiveSummary } from '../../lib/archive/archive-room.js';
import { RoomNotFinalError } from '../../lib/archive/errors.js';
import { lazySqsClient } from '../../lib/aws.js';
import type { Environment } from '../../lib/config.js';
import { ARCHIVE_EVENTS_ENVIRONMENT, readEnvironment } from '../../lib/contract/environment.js';
import type { DeadLetterSink } from '../../lib/dead-letter.js';
import { ArchiveError, describeValue } from '../../lib/errors.js';
import {
  type CompletionPolicy,
  completionDelaySeconds,
  completionPolicyOf,
  delayRedelivery,
  deliveryAttempt,
} from '../commons/completion.js';
import { createDeadLetterSink } from '../commons/dead-letters.js';
import { loggableError } from '../commons/errors.js';
import { createFunctionRuntime, type FunctionRuntime, recordOutcome } from '../commons/runtime.js';

/** What `archive-events` runs with: the archive, its SQS client, its dead-letter queue and its completion policy. */
export interface ArchiveEventsRuntime extends FunctionRuntime {
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly deadLetters: DeadLetterSink;
  readonly completion: CompletionPolicy;
}

/**
 * What `archive-events` runs with, from its environment: the archive's
 * settings (recording `CompletionToArchiveSeconds`), `ARCHIVE_DLQ_URL` and the
 * `COMPLETION_*` policy; its SQS client is created on first use.
 */
export function archiveEventsRuntime(env: Environment): ArchiveEventsRuntime {
  const variables = readEnvironment(ARCHIVE_EVENTS_ENVIRONMENT, env);
  const sqs = lazySqsClient(env);
  return {
    ...createFunctionRuntime(variables, env, { completionLag: true }),
    sqs,
    deadLetters: createDeadLetterSink(variables.ARCHIVE_DLQ_URL, sqs),
    completion: completionPolicyOf(variables),
  };
}

/** The event is not an EventBridge event with a string `detail.room_id`. */
export class MalformedEventError extends ArchiveError {
  readonly code = 'MALFORMED_EVENT';
  readonly retryable = false;
}

/** What a directly invoked event led to. */
export type DirectResult =
  | ArchiveSummary
  | { readonly room_id: string | null; readonly status: 'dead-lettered'; readonly reason: string };

type Outcome = { kind: 'done'; result: DirectResult } | { kind: 'retry'; error: unknown };

/**
 * Archives rooms named by EventBridge events (`detail.room_id`), invoked
 * directly by a rule, or through SQS with bodies that are EventBridge events.
 *
 * Permanent failures (malformed event, invalid room id, room not found,
 * overDate, credentials) go straight to the dead-letter queue with their
 * reason. Transient ones are retried: by the queue for the batch items that
 * failed (partial batch response), or by Lambda for a direct invocation.
 *
 * Through SQS, the records of a batch are archived one after another, and a
 * record is only started while one room's worst case (`roomWorstCaseMs`: the
 * HappyTalk timeout and retries, the images, the writes) still fits in the
 * remaining time: the rest are reported failed for a later invocation, so a
 * timeout never returns the whole batch. The stack takes one record per
 * invocation unless the timeout holds a whole batch of worst cases.
 *
 * A room not finished yet at HappyTalk (its status not one of
 * `HAPPYTALK_FINAL_STATUSES`, by default 2 and 4) is not archived as final:
 * its event is retried with an exponential backoff (the record's visibility
 * timeout) up to `COMPLETION_MAX_ATTEMPTS` deliveries, then archived as it is
 * with a warning in the transcript. Every archive of a finished room records
 * `CompletionToArchiveSeconds`.
 */
export function createArchiveEventsHandler(runtime: ArchiveEventsRuntime) {
  const { logger, metrics, archive, roomWorstCaseMs, sqs, deadLetters, completion } = runtime;

  async function handleEvent(event: unknown, context: Context): Promise<SQSBatchResponse | DirectResult> {
    if (isSqsEvent(event)) return handleBatch(event.Records, context);
    const outcome = await archiveOrDeadLetter(
      event,
      (input) => input,
      (roomId) => archiveDirect(roomId, context),
    );
    if (outcome.kind === 'retry') throw outcome.error;
    return outcome.result;
  }

  async function handleBatch(records: readonly SQSRecord[], context: Context): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const [position, record] of records.entries()) {
      const remainingMs = context.getRemainingTimeInMillis();
      if (position > 0 && remainingMs < roomWorstCaseMs) {
        const left = records.slice(position);
        // Not a failure of theirs: they are handed back before the timeout could take the whole batch.
        logger.warn(
          'not enough time left for another room: the rest of the batch waits for a later invocation',
          {
            records_left: left.length,
            remaining_ms: remainingMs,
            room_worst_case_ms: roomWorstCaseMs,
          },
        );
        batchItemFailures.push(...left.map((item) => ({ itemIdentifier: item.messageId })));
        break;
      }
      const attempt = deliveryAttempt(record);
      logger.appendKeys({ message_id: record.messageId, receive_count: attempt });
      try {
        const outcome = await archiveOrDeadLetter(record.body, parseBody, (roomId) =>
          archive.archive(roomId, finalityOptions(attempt)),
        );
        if (outcome.kind === 'retry') {
          batchItemFailures.push({ itemIdentifier: record.messageId });
          if (outcome.error instanceof RoomNotFinalError) await backOffRedelivery(record, attempt);
        }
      } finally {
        logger.removeKeys(['message_id', 'receive_count', 'room_id']);
      }
    }
    return { batchItemFailures };
  }

  /** Before the last allowed delivery, only final rooms are archived; at the last, the room as it is. */
  function finalityOptions(attempt: number): ArchiveRoomOptions {
    return attempt < completion.maxAttempts
      ? { requireFinalStatus: true }
      : { notFinalAfterAttempts: attempt - 1 };
  }

  async function backOffRedelivery(record: SQSRecord, attempt: number): Promise<void> {
    const seconds = completionDelaySeconds(completion, attempt);
    try {
      await delayRedelivery(sqs, record, seconds);
      logger.info('room not final yet: retrying later', { retry_in_seconds: seconds });
    } catch (error) {
      // The queue's own visibility timeout still brings the record back.
      logger.warn('could not delay the retry of a room that is not final', { error: loggableError(error) });
    }
  }

  /** A direct invocation has no queue to come back from: wait within the invocation, then archive as it is. */
  async function archiveDirect(roomId: unknown, context: Context): Promise<ArchiveSummary> {
    let attempt = 0;
    const deadline = Date.now() + context.getRemainingTimeInMillis() / 2;
    try {
      return await backOff(
        () => {
          attempt += 1;
          return archive.archive(roomId, finalityOptions(attempt));
        },
        {
          numOfAttempts: completion.maxAttempts,
          startingDelay: 1_000,
          timeMultiple: 2,
          jitter: 'full',
          retry: (error: unknown) => error instanceof RoomNotFinalError && Date.now() < deadline,
        },
      );
    } catch (error) {
      if (!(error instanceof RoomNotFinalError)) throw error;
      return archive.archive(roomId, { notFinalAfterAttempts: attempt });
    }
  }

  async function archiveOrDeadLetter(
    original: unknown,
    decode: (input: unknown) => unknown,
    archiveRoom: (roomId: unknown) => Promise<ArchiveSummary>,
  ): Promise<Outcome> {
    let roomId: string | null = null;
    try {
      const rawRoomId = roomIdOf(decode(original));
      roomId = typeof rawRoomId === 'string' ? rawRoomId.slice(0, 128) : null;
      if (roomId) logger.appendKeys({ room_id: roomId });
      const summary = await archiveRoom(rawRoomId);
      recordOutcome(metrics, summary.status, summary.message_count);
      return { kind: 'done', result: summary };
    } catch (error) {
      if (error instanceof RoomNotFinalError) {
        recordOutcome(metrics, 'notFinal');
        return { kind: 'retry', error };
      }
      recordOutcome(metrics, 'failed');
      if (error instanceof ArchiveError && !error.retryable) return deadLetter(error, roomId, original);
      logger.warn('transient failure: the event will be retried', { error: loggableError(error) });
      return { kind: 'retry', error };
    }
  }

  async function deadLetter(error: ArchiveError, roomId: string | null, original: unknown): Promise<Outcome> {
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

  return middy<unknown, SQSBatchResponse | DirectResult>(handleEvent)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
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
