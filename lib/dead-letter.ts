import type { SQSClient } from '@aws-sdk/client-sqs';

/** Why a unit of work was given up, as it lands in the dead-letter queue. */
export interface DeadLetter {
  /** The error code, e.g. `ROOM_NOT_FOUND`, `INVALID_ROOM_ID`, `MALFORMED_EVENT`. */
  readonly reason: string;
  readonly message: string;
  readonly room_id: string | null;
  readonly failed_at: string;
  /** Which entry point gave it up. */
  readonly source: string;
  /** The event or message body as received (cut to {@link MAX_ORIGINAL_CHARS}). */
  readonly original: unknown;
}

export interface DeadLetterSink {
  send(letter: DeadLetter): Promise<void>;
}

/** SQS messages are at most 256 KiB: the original is cut so that the letter always fits. */
export const MAX_ORIGINAL_CHARS = 200_000;

export type SqsPort = Pick<SQSClient, 'send'>;

/** Sends dead letters to an SQS queue, with the reason also as a message attribute. */
export class SqsDeadLetterSink implements DeadLetterSink {
  readonly #sqs: SqsPort;
  readonly #queueUrl: string;

  constructor(options: { client: SqsPort; queueUrl: string }) {
    this.#sqs = options.client;
    this.#queueUrl = options.queueUrl;
  }

  async send(letter: DeadLetter): Promise<void> {
    // Loaded when a letter is sent: the functions' cold start carries no SQS code.
    const { SendMessageCommand } = await import('./aws-sqs.js');
    await this.#sqs.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: JSON.stringify({ ...letter, original: cutOriginal(letter.original) }),
        MessageAttributes: { reason: { DataType: 'String', StringValue: letter.reason } },
      }),
    );
  }
}

function cutOriginal(original: unknown): unknown {
  const text = typeof original === 'string' ? original : JSON.stringify(original);
  if (text === undefined || text.length <= MAX_ORIGINAL_CHARS) return original;
  return { truncated: true, length: text.length, head: text.slice(0, MAX_ORIGINAL_CHARS) };
}
