import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the local SQS endpoint received. */
export interface ReceivedMessage {
  readonly queueUrl: string;
  readonly body: string;
  readonly attributes: Record<string, { DataType?: string; StringValue?: string }>;
}

/** One message as a Lambda function receives it from an SQS event source. */
export interface LocalSqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount: string; readonly SentTimestamp: string };
  readonly messageAttributes: Record<string, never>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** A function fed by a queue: it answers with the records to retry (`batchItemFailures`), or throws. */
export type LocalSqsConsumer = (event: { Records: LocalSqsRecord[] }) => Promise<unknown>;

/** How {@link LocalSqs.subscribe} delivers, as an event source mapping and a redrive policy would. */
export interface LocalSqsSubscription {
  /** Records per invocation (default 10). */
  readonly batchSize?: number;
  /** Deliveries before a message moves to the dead-letter queue (default 5). */
  readonly maxReceiveCount?: number;
  /** When a failed record comes back, unless the consumer changed its visibility (default 30 s). */
  readonly visibilityTimeoutMs?: number;
  /** The queue (name) failed messages end in; they are kept in `messages` with its URL. */
  readonly deadLetterQueue?: string;
}

/**
 * A minimal SQS endpoint speaking the AWS JSON 1.0 protocol, enough for
 * `SendMessage` (the dead-letter path), `SendMessageBatch` (archive requests),
 * `ReceiveMessage` (to look at it) and `ChangeMessageVisibility`; a queue can
 * also feed a function (`subscribe`), as a Lambda event source does.
 * For the local stack and tests; signatures are not checked.
 */
export interface LocalSqs {
  readonly endpoint: string;
  readonly messages: ReceivedMessage[];
  /** ChangeMessageVisibility calls received. */
  readonly visibilityChanges: Array<{ queueUrl: string; receiptHandle: string; visibilityTimeout: number }>;
  /** Fails every SendMessage with this HTTP status until cleared with `undefined`. */
  setFault(status: number | undefined): void;
  queueUrl(name: string): string;
  /**
   * Delivers every message sent to the queue from now on to `consumer`, one
   * batch at a time: records it reports failed (or all, when it throws) come
   * back after their visibility timeout, until `maxReceiveCount` deliveries.
   */
  subscribe(queueName: string, consumer: LocalSqsConsumer, options?: LocalSqsSubscription): void;
  /** Resolves once every subscribed queue has nothing left to deliver now. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalSqs(options: { host?: string; port?: number } = {}): Promise<LocalSqs> {
  const messages: ReceivedMessage[] = [];
  const visibilityChanges: LocalSqs['visibilityChanges'] = [];
  const subscriptions = new Map<string, Subscription>();
  let fault: number | undefined;
  const received = (message: ReceivedMessage) => {
    messages.push(message);
    subscriptions.get(message.queueUrl)?.accept(message.body);
  };
  const server = createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(await readBody(request)) as Record<string, unknown>;
    } catch {
      return send(response, 400, { __type: 'com.amazonaws.sqs#InvalidRequest', message: 'not JSON' });
    }
    if (target === 'AmazonSQS.SendMessage') {
      if (fault)
        return send(response, fault, { __type: 'com.amazonaws.sqs#InternalError', message: 'simulated' });
      const body = String(input.MessageBody ?? '');
      received({
        queueUrl: String(input.QueueUrl ?? ''),
        body,
        attributes: (input.MessageAttributes ?? {}) as ReceivedMessage['attributes'],
      });
      return send(response, 200, {
        MessageId: randomUUID(),
        MD5OfMessageBody: createHash('md5').update(body, 'utf8').digest('hex'),
      });
    }
    if (target === 'AmazonSQS.ChangeMessageVisibility') {
      const change = {
        queueUrl: String(input.QueueUrl ?? ''),
        receiptHandle: String(input.ReceiptHandle ?? ''),
        visibilityTimeout: Number(input.VisibilityTimeout),
      };
      visibilityChanges.push(change);
      for (const subscription of subscriptions.values()) subscription.changeVisibility(change);
      return send(response, 200, {});
    }
    if (target === 'AmazonSQS.SendMessageBatch') {
      if (fault)
        return send(response, fault, { __type: 'com.amazonaws.sqs#InternalError', message: 'simulated' });
      const entries = (Array.isArray(input.Entries) ? input.Entries : []) as Record<string, unknown>[];
      const successful = entries.map((entry) => {
        const body = String(entry.MessageBody ?? '');
        received({
          queueUrl: String(input.QueueUrl ?? ''),
          body,
          attributes: (entry.MessageAttributes ?? {}) as ReceivedMessage['attributes'],
        });
        return {
          Id: String(entry.Id ?? ''),
          MessageId: randomUUID(),
          MD5OfMessageBody: createHash('md5').update(body, 'utf8').digest('hex'),
        };
      });
      return send(response, 200, { Successful: successful, Failed: [] });
    }
    if (target === 'AmazonSQS.ReceiveMessage') {
      const queueUrl = String(input.QueueUrl ?? '');
      return send(response, 200, {
        Messages: messages
          .filter((message) => message.queueUrl === queueUrl)
          .map((message) => ({
            MessageId: randomUUID(),
            ReceiptHandle: randomUUID(),
            Body: message.body,
            MD5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
          })),
      });
    }
    return send(response, 400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: target });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;
  const queueUrl = (name: string) => `${endpoint}/000000000000/${name}`;
  return {
    endpoint,
    messages,
    visibilityChanges,
    setFault: (status) => {
      fault = status;
    },
    queueUrl,
    subscribe: (queueName, consumer, subscription = {}) => {
      const deadLetterUrl = subscription.deadLetterQueue ? queueUrl(subscription.deadLetterQueue) : undefined;
      subscriptions.set(
        queueUrl(queueName),
        new Subscription(queueName, consumer, subscription, (body) => {
          if (deadLetterUrl) received({ queueUrl: deadLetterUrl, body, attributes: {} });
        }),
      );
    },
    drained: async () => {
      await Promise.all([...subscriptions.values()].map((subscription) => subscription.drained()));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const subscription of subscriptions.values()) subscription.stop();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface PendingMessage {
  readonly messageId: string;
  readonly body: string;
  receiveCount: number;
  receiptHandle: string;
  visibleAt: number;
}

/** One queue feeding one consumer: batches in order, one invocation at a time, failed records redelivered. */
class Subscription {
  readonly #pending: PendingMessage[] = [];
  readonly #queueArn: string;
  readonly #batchSize: number;
  readonly #maxReceiveCount: number;
  readonly #visibilityTimeoutMs: number;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    queueName: string,
    private readonly consumer: LocalSqsConsumer,
    options: LocalSqsSubscription,
    private readonly deadLetter: (body: string) => void,
  ) {
    this.#queueArn = `arn:aws:sqs:ap-northeast-2:000000000000:${queueName}`;
    this.#batchSize = options.batchSize ?? 10;
    this.#maxReceiveCount = options.maxReceiveCount ?? 5;
    this.#visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  }

  accept(body: string): void {
    this.#pending.push({ messageId: randomUUID(), body, receiveCount: 0, receiptHandle: '', visibleAt: 0 });
    this.#pump();
  }

  changeVisibility(change: { receiptHandle: string; visibilityTimeout: number }): void {
    const message = this.#pending.find((pending) => pending.receiptHandle === change.receiptHandle);
    if (message) message.visibleAt = Date.now() + change.visibilityTimeout * 1000;
  }

  async drained(): Promise<void> {
    while (this.#running) await this.#running;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #pump(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.#deliver().finally(() => {
      this.#running = undefined;
      this.#schedule();
    });
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped || this.#pending.length === 0) return;
    const next = Math.min(...this.#pending.map((message) => message.visibleAt));
    this.#timer = setTimeout(() => this.#pump(), Math.max(0, next - Date.now())).unref();
  }

  async #deliver(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const batch = this.#pending.filter((message) => message.visibleAt <= now).slice(0, this.#batchSize);
      if (batch.length === 0 || this.#stopped) return;
      for (const message of batch) {
        message.receiveCount += 1;
        message.receiptHandle = randomUUID();
        message.visibleAt = now + this.#visibilityTimeoutMs;
      }
      const failed = await this.#invoke(batch);
      for (const message of batch) {
        const index = this.#pending.indexOf(message);
        if (!failed.has(message.messageId)) {
          this.#pending.splice(index, 1);
        } else if (message.receiveCount >= this.#maxReceiveCount) {
          this.#pending.splice(index, 1);
          this.deadLetter(message.body);
        }
      }
    }
  }

  /** The ids of the records to deliver again. */
  async #invoke(batch: readonly PendingMessage[]): Promise<Set<string>> {
    const records: LocalSqsRecord[] = batch.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.#queueArn,
      awsRegion: 'ap-northeast-2',
    }));
    try {
      const result = (await this.consumer({ Records: records })) as {
        batchItemFailures?: { itemIdentifier?: unknown }[];
      } | null;
      return new Set((result?.batchItemFailures ?? []).map((failure) => String(failure.itemIdentifier)));
    } catch {
      return new Set(batch.map((message) => message.messageId));
    }
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify(body));
}
