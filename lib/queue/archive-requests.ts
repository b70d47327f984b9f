import type { SQSClient } from '@aws-sdk/client-sqs';
import { ArchiveQueueError } from './errors.js';

/** The part of the SQS client this module uses. */
export type SqsPort = Pick<SQSClient, 'send'>;

/** A room that could not be queued, and why. */
export interface QueueFailure {
  readonly room_id: string;
  readonly code: string;
  readonly message: string;
}

export interface EnqueueResult {
  readonly sent: readonly string[];
  readonly failed: readonly QueueFailure[];
}

/** Where rooms to archive are sent: the archive queue `archive-events` consumes. */
export interface ArchiveRequestSink {
  enqueue(roomIds: readonly string[]): Promise<EnqueueResult>;
}

/** SQS takes at most 10 messages per `SendMessageBatch`. */
export const SQS_BATCH_SIZE = 10;

/** The `detail-type` of the archive requests this code sends. */
export const ARCHIVE_REQUESTED = 'Archive Requested';

export interface SqsArchiveRequestQueueOptions {
  readonly client: SqsPort;
  readonly queueUrl: string;
  /** The event `source`, e.g. `happytalk-archive.backfill`: says who asked. */
  readonly source: string;
  /** Sends of the entries SQS refused, in all (default 3). */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

/**
 * Sends archive requests to the archive queue in batches of 10. Each message
 * is an EventBridge-shaped event with `detail.room_id`, exactly what the
 * rule delivers, so `archive-events` handles it like a "chat completed"
 * event. Entries SQS refuses for a reason of its own are sent again; the
 * ones it still refuses (or refuses as the sender's fault) are returned.
 */
export class SqsArchiveRequestQueue implements ArchiveRequestSink {
  readonly queueUrl: string;
  readonly #sqs: SqsPort;
  readonly #source: string;
  readonly #maxAttempts: number;
  readonly #now: () => Date;

  constructor(options: SqsArchiveRequestQueueOptions) {
    this.#sqs = options.client;
    this.queueUrl = options.queueUrl;
    this.#source = options.source;
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#now = options.now ?? (() => new Date());
  }

  /** @throws ArchiveQueueError when a whole batch cannot be sent (the SDK already retried it) */
  async enqueue(roomIds: readonly string[]): Promise<EnqueueResult> {
    const sent: string[] = [];
    const failed: QueueFailure[] = [];
    for (let start = 0; start < roomIds.length; start += SQS_BATCH_SIZE) {
      const result = await this.#sendBatch(roomIds.slice(start, start + SQS_BATCH_SIZE));
      sent.push(...result.sent);
      failed.push(...result.failed);
    }
    return { sent, failed };
  }

  async #sendBatch(roomIds: readonly string[]): Promise<EnqueueResult> {
    const sent: string[] = [];
    let pending = roomIds.map((roomId, index) => ({ id: String(index), roomId }));
    const refused: QueueFailure[] = [];
    for (let attempt = 1; attempt <= this.#maxAttempts && pending.length > 0; attempt++) {
      let output: Awaited<ReturnType<typeof this.send>>;
      try {
        output = await this.send(pending);
      } catch (error) {
        const name = error instanceof Error ? error.name : 'UnknownError';
        throw new ArchiveQueueError(`cannot send archive requests to ${this.queueUrl}: ${name}`, {
          cause: error,
        });
      }
      const ok = new Set((output.Successful ?? []).map((entry) => entry.Id));
      const failures = new Map((output.Failed ?? []).map((entry) => [entry.Id, entry]));
      const retry: typeof pending = [];
      for (const entry of pending) {
        if (ok.has(entry.id)) {
          sent.push(entry.roomId);
          continue;
        }
        const failure = failures.get(entry.id);
        if (failure?.SenderFault || attempt === this.#maxAttempts) {
          refused.push({
            room_id: entry.roomId,
            code: failure?.Code ?? 'NotAcknowledged',
            message: failure?.Message ?? 'SQS acknowledged neither success nor failure',
          });
        } else {
          retry.push(entry);
        }
      }
      pending = retry;
    }
    return { sent, failed: refused };
  }

  private async send(entries: readonly { id: string; roomId: string }[]) {
    // Loaded when rooms are first sent: a watcher pass with nothing to send carries no SQS code.
    const { SendMessageBatchCommand } = await import('../aws-sqs.js');
    return this.#sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map((entry) => ({ Id: entry.id, MessageBody: this.#body(entry.roomId) })),
      }),
    );
  }

  #body(roomId: string): string {
    return JSON.stringify({
      version: '0',
      source: this.#source,
      'detail-type': ARCHIVE_REQUESTED,
      time: this.#now().toISOString(),
      detail: { room_id: roomId },
    });
  }
}
