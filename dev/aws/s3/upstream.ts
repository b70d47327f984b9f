import {
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { VersionRecord } from './version-store.js';
import { type Answer, headerOf } from './wire.js';

/** s3rver, behind the front: requests passed on to it, streamed or read whole. */
export class S3rverUpstream {
  readonly #origin: URL;

  constructor(origin: string) {
    this.#origin = new URL(origin);
  }

  /** Passes a request to s3rver and its answer back, streamed; the latest's version id added when known. */
  forward(
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
    latest?: VersionRecord,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: this.#origin.hostname,
          port: this.#origin.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (incoming) => {
          const status = incoming.statusCode ?? 500;
          const sameObject = latest !== undefined && headerOf(incoming.headers, 'etag') === latest.etag;
          response.writeHead(status, {
            ...incoming.headers,
            ...(status === 200 && sameObject ? { 'x-amz-version-id': latest.versionId } : {}),
          });
          incoming.pipe(response);
          incoming.on('end', () => resolve(status));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /**
   * A request to s3rver, read whole: a client's, passed on with its headers
   * (the signature covers the front's host), or the front's own, unsigned
   * (s3rver takes anonymous requests).
   */
  call(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    body: Buffer | undefined,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: this.#origin.hostname,
          port: this.#origin.port,
          method,
          path,
          headers: {
            host: this.#origin.host,
            ...headers,
            ...(body === undefined ? {} : { 'content-length': String(body.byteLength) }),
          },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 500,
              headers: incoming.headers,
              body: Buffer.concat(chunks),
            }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
