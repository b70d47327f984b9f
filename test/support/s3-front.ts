import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fault the front answers with instead of forwarding to s3rver. */
export type S3Fault =
  | { kind: 'status'; status: 500 | 503 | 403; code: 'InternalError' | 'SlowDown' | 'AccessDenied' }
  | { kind: 'reset' }
  | { kind: 'race'; status: 412 | 409 };

export interface S3FaultRule {
  readonly method: 'PUT' | 'GET' | 'HEAD' | '*';
  /** Applies to keys starting with this prefix ('' for all). */
  readonly keyPrefix: string;
  readonly fault: S3Fault;
  /** How many matching requests it applies to (default: all). */
  times?: number;
}

/** One successful PutObject: a version in a versioned bucket. */
export interface StoredVersion {
  readonly key: string;
  readonly sha256: string | undefined;
  readonly bodySha256: string;
}

/**
 * An S3 front on loopback, between the SDK and s3rver, that does what s3rver
 * does not: it honours `If-None-Match: *` and `If-Match` on PutObject (one
 * write per key at a time, like S3's conditional writes), makes reads wait for
 * a write in progress on their key (S3's strong consistency), records every
 * successful PUT as a version, and injects faults (500, 503 SlowDown, 403,
 * connection resets mid-upload, 412/409 races).
 */
export interface S3Front {
  readonly endpoint: string;
  readonly versions: StoredVersion[];
  readonly rules: S3FaultRule[];
  /** PUTs refused by a condition (412) that the front decided itself. */
  preconditionFailures: number;
  addFault(rule: S3FaultRule): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startS3Front(upstream: string): Promise<S3Front> {
  const target = new URL(upstream);
  const versions: StoredVersion[] = [];
  const rules: S3FaultRule[] = [];
  const locks = new Map<string, Promise<void>>();
  const front: S3Front = {
    endpoint: '',
    versions,
    rules,
    preconditionFailures: 0,
    addFault: (rule) => rules.push({ ...rule }),
    reset: () => {
      versions.length = 0;
      rules.length = 0;
      front.preconditionFailures = 0;
    },
    close: async () => {},
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'InternalError');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://front').pathname;
    const key = decodeURIComponent(path.split('/').slice(2).join('/'));
    const rule = rules.find(
      (candidate) =>
        (candidate.method === '*' || candidate.method === method) &&
        key.startsWith(candidate.keyPrefix) &&
        (candidate.times === undefined || candidate.times > 0),
    );
    if (rule) {
      if (rule.times !== undefined) rule.times -= 1;
      return injectFault(rule.fault, request, response);
    }
    const body = await readBody(request);
    if (method !== 'PUT' || !key) {
      // S3 reads are strongly consistent: a read never sees a write half done. s3rver writes the
      // ETag and the metadata of an object in separate files, so reads wait for the key's write.
      if (key) await locks.get(key);
      await forward(request, body, response);
      return;
    }
    // One write per key at a time, as S3 serializes conditional writes.
    const previous = locks.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    locks.set(
      key,
      previous.then(() => mine),
    );
    await previous;
    try {
      const refusal = await checkConditions(request, path);
      if (refusal) {
        front.preconditionFailures += 1;
        return sendError(response, refusal, refusal === 412 ? 'PreconditionFailed' : 'NoSuchKey');
      }
      const status = await forward(request, body, response);
      if (status === 200) {
        versions.push({
          key,
          sha256: headerOf(request, 'x-amz-meta-sha256'),
          bodySha256: createHash('sha256').update(body).digest('hex'),
        });
        // s3rver answers a PUT before its bytes reach the file (it ends the write stream without
        // waiting for it): hold the key until a read sees them whole, as S3's strong consistency would.
        await untilStored(path, body.byteLength);
      }
    } finally {
      release();
    }
  }

  async function checkConditions(request: IncomingMessage, path: string): Promise<number | undefined> {
    const ifNoneMatch = headerOf(request, 'if-none-match');
    const ifMatch = headerOf(request, 'if-match');
    if (!ifNoneMatch && !ifMatch) return undefined;
    const current = await headEtag(path);
    if (ifNoneMatch === '*' && current !== undefined) return 412;
    if (ifMatch !== undefined) {
      if (current === undefined) return 404;
      if (current !== ifMatch) return 412;
    }
    return undefined;
  }

  async function untilStored(path: string, bytes: number): Promise<void> {
    for (let tries = 0; tries < 100; tries++) {
      if ((await headLength(path)) === bytes) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  function headLength(path: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: target.hostname, port: target.port, method: 'HEAD', path, headers: { host: target.host } },
        (incoming) => {
          incoming.resume();
          const length = Number(headerOf(incoming, 'content-length'));
          resolve(incoming.statusCode === 200 && Number.isFinite(length) ? length : undefined);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  function headEtag(path: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: target.hostname, port: target.port, method: 'HEAD', path, headers: { host: target.host } },
        (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode === 200 ? headerOf(incoming, 'etag') : undefined);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  function forward(request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (incoming) => {
          response.writeHead(incoming.statusCode ?? 500, incoming.headers);
          incoming.pipe(response);
          incoming.on('end', () => resolve(incoming.statusCode ?? 500));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  const address = await new Promise<AddressInfo>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo)),
  );
  Object.assign(front, {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return front;
}

async function injectFault(
  fault: S3Fault,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (fault.kind === 'reset') {
    // Take part of the upload, then drop the connection.
    await new Promise<void>((resolve) => {
      request.once('data', () => resolve());
      request.once('end', () => resolve());
    });
    request.socket.destroy();
    return;
  }
  await readBody(request);
  if (fault.kind === 'race') {
    return sendError(
      response,
      fault.status,
      fault.status === 412 ? 'PreconditionFailed' : 'ConditionalRequestConflict',
    );
  }
  sendError(response, fault.status, fault.code);
}

function sendError(response: ServerResponse, status: number, code: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected ${code}</Message><RequestId>front</RequestId></Error>`,
  );
}

function headerOf(message: IncomingMessage, name: string): string | undefined {
  const value = message.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
