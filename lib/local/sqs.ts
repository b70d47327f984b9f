import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the local SQS endpoint received. */
export interface ReceivedMessage {
  readonly queueUrl: string;
  readonly body: string;
  readonly attributes: Record<string, { DataType?: string; StringValue?: string }>;
}

/**
 * A minimal SQS endpoint speaking the AWS JSON 1.0 protocol, enough for
 * `SendMessage` (the dead-letter path), `SendMessageBatch` (archive requests)
 * and `ReceiveMessage` (to look at it).
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
  close(): Promise<void>;
}

export async function startLocalSqs(options: { host?: string; port?: number } = {}): Promise<LocalSqs> {
  const messages: ReceivedMessage[] = [];
  const visibilityChanges: LocalSqs['visibilityChanges'] = [];
  let fault: number | undefined;
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
      messages.push({
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
      visibilityChanges.push({
        queueUrl: String(input.QueueUrl ?? ''),
        receiptHandle: String(input.ReceiptHandle ?? ''),
        visibilityTimeout: Number(input.VisibilityTimeout),
      });
      return send(response, 200, {});
    }
    if (target === 'AmazonSQS.SendMessageBatch') {
      if (fault)
        return send(response, fault, { __type: 'com.amazonaws.sqs#InternalError', message: 'simulated' });
      const entries = (Array.isArray(input.Entries) ? input.Entries : []) as Record<string, unknown>[];
      const successful = entries.map((entry) => {
        const body = String(entry.MessageBody ?? '');
        messages.push({
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
  return {
    endpoint,
    messages,
    visibilityChanges,
    setFault: (status) => {
      fault = status;
    },
    queueUrl: (name) => `${endpoint}/000000000000/${name}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
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
