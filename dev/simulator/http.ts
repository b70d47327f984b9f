/** Plumbing of the simulator's node:http server: bodies, answers, listening. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatorError } from './errors.js';

/** The content type of every JSON answer, as HappyTalk sends it. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A complete HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** A request body went over its limit. */
export class BodyTooLargeError extends SimulatorError {
  constructor(limit: number) {
    super(`request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The request's path without its query string. */
export function requestPath(request: IncomingMessage): string {
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

/** The whole request body; rejects with {@link BodyTooLargeError} past `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new BodyTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The parsed JSON body, or undefined when it is not JSON. An empty body is `{}`. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') {
    return {};
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One header's value, repeated values joined by `, `. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A plain-text answer; the text ends with a newline. */
export function textAnswer(status: number, text: string, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: `${text}\n` };
}

/** A JSON answer of already-encoded text. */
export function jsonAnswer(status: number, body: string | Buffer): Answer {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE }, body };
}

/** 405 with the `Allow` header. */
export function methodNotAllowed(allowed: string): Answer {
  return textAnswer(405, 'Method Not Allowed', { Allow: allowed });
}

/** Sends an answer with its `Content-Length`, unless the connection is gone or already answered. */
export function send(response: ServerResponse, answer: Answer): void {
  if (response.destroyed || response.headersSent) {
    return;
  }
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  response.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(body.length) });
  response.end(body);
}

/** Headers announcing the whole body, half of it, then a dead connection. */
export function sendTruncated(response: ServerResponse, answer: Answer): void {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  response.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(body.length) });
  response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.destroy());
}

/** Listens and resolves with the bound address; translates listen errors to {@link SimulatorError}. */
export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new SimulatorError(`cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new SimulatorError(`unexpected server address ${JSON.stringify(address)}`));
        return;
      }
      resolve(address);
    });
  });
}

/** `http://host:port`, with brackets around an IPv6 host. */
export function baseUrl(host: string, port: number): string {
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}
