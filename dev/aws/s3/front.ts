import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../../lib/shared/hash.js';
import type { S3FaultRule, StoredVersion } from './index.js';
import { type MultipartRefusal, MultipartUploads, NO_SUCH_UPLOAD, operationOf } from './multipart.js';
import { S3rverUpstream } from './upstream.js';
import type { VersionStore } from './version-store.js';
import {
  headerOf,
  injectFault,
  listVersions,
  metadataOf,
  objectPath,
  optional,
  readBody,
  sendAnswer,
  sendError,
  xml,
} from './wire.js';

/** The front's own path (never a bucket's): the requests counted by operation (`GET`), reset by `DELETE`. */
export const REQUEST_COUNTS_PATH = '/__local-s3/requests';

/** The HTTP server between the clients and s3rver. */
export class S3Front {
  readonly versions: StoredVersion[] = [];
  readonly rules: S3FaultRule[] = [];
  preconditionFailures = 0;
  /** Requests received, by S3 operation (`PutObject`, `GetObject`, `UploadPart`, …), faults included. */
  readonly requests = new Map<string, number>();
  readonly #multipart = new MultipartUploads();
  readonly #upstream: S3rverUpstream;
  readonly #bucket: string;
  readonly #store: VersionStore;
  readonly #locks = new Map<string, Promise<void>>();
  readonly #server = createServer((request, response) => {
    this.#handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'InternalError', 'the local S3 failed');
      else response.destroy();
    });
  });

  constructor(upstream: string, bucket: string, store: VersionStore) {
    this.#upstream = new S3rverUpstream(upstream);
    this.#bucket = bucket;
    this.#store = store;
  }

  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        const { port: actual } = this.#server.address() as AddressInfo;
        resolve(`http://${host}:${actual}`);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://front');
    if (url.pathname === REQUEST_COUNTS_PATH) return this.#serveRequestCounts(method, response);
    const [bucket = '', ...parts] = url.pathname.split('/').slice(1);
    const key = decodeURIComponent(parts.join('/'));
    const operation = operationOf(method, key, url.searchParams, request.headers);
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    const rule = this.rules.find(
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
    if (!key) {
      if (method === 'GET' && url.searchParams.has('versions') && bucket === this.#bucket) {
        return listVersions(this.#store, this.#bucket, url.searchParams, response);
      }
      await this.#upstream.forward(request, body, response);
      return;
    }
    const versionId = url.searchParams.get('versionId');
    if ((method === 'GET' || method === 'HEAD') && versionId !== null) {
      // A version, once written, never changes: it is read at any time.
      return this.#serveVersion(key, versionId, method === 'HEAD', response);
    }
    if (method === 'GET' || method === 'HEAD') {
      // S3 reads are strongly consistent: a read never sees a write half done, and s3rver cannot
      // stream a file that a write replaces meanwhile. So a key is read or written by one request at a time.
      return this.#exclusively(key, async () => {
        const latest = this.#store.latest(key);
        await this.#upstream.forward(
          request,
          body,
          response,
          latest?.deleteMarker === false ? latest : undefined,
        );
      });
    }
    const plainPut =
      !url.searchParams.has('uploadId') &&
      !url.searchParams.has('partNumber') &&
      headerOf(request.headers, 'x-amz-copy-source') === undefined;
    if (method === 'PUT' && plainPut) {
      return this.#exclusively(key, () => this.#put(request, body, key, response));
    }
    const copySource = headerOf(request.headers, 'x-amz-copy-source');
    if (method === 'PUT' && copySource !== undefined && !url.searchParams.has('uploadId')) {
      return this.#exclusively(key, () => this.#copy(request, copySource, key, response));
    }
    if (operation === 'DeleteObject') {
      return this.#exclusively(key, () => this.#delete(key, versionId, response));
    }
    if (bucket === this.#bucket && MULTIPART_OPERATIONS.has(operation)) {
      return this.#multipartRequest(operation, request, url.searchParams, key, body, response);
    }
    await this.#upstream.forward(request, body, response);
  }

  #serveRequestCounts(method: string, response: ServerResponse): void {
    if (method === 'DELETE') this.requests.clear();
    const body = JSON.stringify(
      Object.fromEntries([...this.requests].sort(([a], [b]) => a.localeCompare(b))),
    );
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  }

  /**
   * A multipart upload, kept by the front; its completion is a write like a
   * PutObject: one per key at a time, under its `If-None-Match: *` or
   * `If-Match` (S3 honours both on CompleteMultipartUpload), recorded as a version.
   */
  async #multipartRequest(
    operation: string,
    request: IncomingMessage,
    query: URLSearchParams,
    key: string,
    body: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    const uploadId = query.get('uploadId') ?? '';
    const refuse = (refusal: MultipartRefusal) =>
      sendError(response, refusal.status, refusal.code, refusal.message);
    switch (operation) {
      case 'CreateMultipartUpload': {
        const created = this.#multipart.create(key, request.headers);
        return sendXml(
          response,
          `<InitiateMultipartUploadResult xmlns="${S3_NAMESPACE}"><Bucket>${xml(this.#bucket)}</Bucket>` +
            `<Key>${xml(key)}</Key><UploadId>${created}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      case 'UploadPart': {
        const etag = this.#multipart.uploadPart(uploadId, key, Number(query.get('partNumber')), body);
        if (typeof etag !== 'string') return refuse(etag);
        response.writeHead(200, { etag, 'content-length': '0' });
        response.end();
        return;
      }
      case 'AbortMultipartUpload': {
        if (!this.#multipart.remove(uploadId, key)) return refuse(NO_SUCH_UPLOAD);
        response.writeHead(204);
        response.end();
        return;
      }
      default:
        return this.#exclusively(key, () => this.#complete(request, uploadId, key, body, response));
    }
  }

  async #complete(
    request: IncomingMessage,
    uploadId: string,
    key: string,
    completion: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    const assembled = this.#multipart.assemble(uploadId, key, completion.toString('utf8'));
    if ('status' in assembled)
      return sendError(response, assembled.status, assembled.code, assembled.message);
    const refusal = await this.#checkConditions(request, key);
    if (refusal) return this.#refuseCondition(refusal, response);
    const answer = await this.#upstream.call(
      'PUT',
      objectPath(this.#bucket, key),
      assembled.headers,
      assembled.body,
    );
    if (answer.status !== 200) return sendAnswer(response, answer);
    this.#multipart.remove(uploadId, key);
    await this.#untilStored(key, assembled.body.byteLength);
    const etag = headerOf(answer.headers, 'etag');
    const versionId = await this.#recordVersion(key, assembled.body, {
      metadata: metadataOf(assembled.headers),
      etag,
      contentType: assembled.headers['content-type'],
    });
    response.setHeader('x-amz-version-id', versionId);
    sendXml(
      response,
      `<CompleteMultipartUploadResult xmlns="${S3_NAMESPACE}"><Bucket>${xml(this.#bucket)}</Bucket>` +
        `<Key>${xml(key)}</Key><ETag>${xml(etag ?? '')}</ETag></CompleteMultipartUploadResult>`,
    );
  }

  /** One request on a key at a time: S3 serializes conditional writes, and its reads see whole writes. */
  async #exclusively(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chained = previous.then(() => mine);
    this.#locks.set(key, chained);
    await previous;
    try {
      await work();
    } finally {
      release();
      if (this.#locks.get(key) === chained) this.#locks.delete(key);
    }
  }

  async #put(request: IncomingMessage, body: Buffer, key: string, response: ServerResponse): Promise<void> {
    const refusal = await this.#checkConditions(request, key);
    if (refusal) return this.#refuseCondition(refusal, response);
    const answer = await this.#upstream.call(
      request.method ?? 'PUT',
      request.url ?? '/',
      request.headers,
      body,
    );
    if (answer.status !== 200) return sendAnswer(response, answer);
    await this.#untilStored(key, body.byteLength);
    const versionId = await this.#recordVersion(key, body, {
      metadata: metadataOf(request.headers),
      etag: headerOf(answer.headers, 'etag'),
      contentType: headerOf(request.headers, 'content-type'),
    });
    sendAnswer(response, { ...answer, headers: { ...answer.headers, 'x-amz-version-id': versionId } });
  }

  #refuseCondition(refusal: number, response: ServerResponse): void {
    this.preconditionFailures += 1;
    if (refusal === 412) {
      sendError(
        response,
        412,
        'PreconditionFailed',
        'At least one of the preconditions you specified did not hold.',
      );
    } else {
      sendError(response, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
  }

  /** Keeps what a write left at `key` as its new latest version; answers its version id. */
  async #recordVersion(
    key: string,
    body: Buffer,
    fields: { metadata: Record<string, string>; etag: string | undefined; contentType: string | undefined },
  ): Promise<string> {
    const record = await this.#store.add(key, body, {
      deleteMarker: false,
      size: body.byteLength,
      ...optional('etag', fields.etag),
      ...optional('contentType', fields.contentType),
      metadata: fields.metadata,
    });
    this.versions.push({
      key,
      versionId: record.versionId,
      sha256: fields.metadata['x-amz-meta-sha256'],
      bodySha256: sha256Hex(body),
    });
    return record.versionId;
  }

  /** A CopyObject from this bucket: s3rver copies, and the object it leaves is recorded as a new version. */
  async #copy(
    request: IncomingMessage,
    copySource: string,
    key: string,
    response: ServerResponse,
  ): Promise<void> {
    const [sourceBucket = '', ...sourceParts] = decodeURIComponent(copySource.split('?')[0] ?? '')
      .replace(/^\//, '')
      .split('/');
    const ifMatch = headerOf(request.headers, 'x-amz-copy-source-if-match');
    const source =
      sourceBucket === this.#bucket
        ? await this.#upstream.call('HEAD', objectPath(this.#bucket, sourceParts.join('/')), {}, undefined)
        : undefined;
    if (ifMatch !== undefined && source?.status === 200 && headerOf(source.headers, 'etag') !== ifMatch) {
      this.preconditionFailures += 1;
      return sendError(
        response,
        412,
        'PreconditionFailed',
        'At least one of the preconditions you specified did not hold.',
      );
    }
    const answer = await this.#upstream.call('PUT', request.url ?? '/', request.headers, Buffer.alloc(0));
    if (answer.status !== 200) return sendAnswer(response, answer);
    const size = Number(headerOf(source?.headers ?? {}, 'content-length'));
    if (Number.isInteger(size)) await this.#untilStored(key, size);
    const copied = await this.#upstream.call('GET', objectPath(this.#bucket, key), {}, undefined);
    if (copied.status !== 200) return sendAnswer(response, answer);
    const versionId = await this.#recordVersion(key, copied.body, {
      metadata: metadataOf(copied.headers),
      etag: headerOf(copied.headers, 'etag'),
      contentType: headerOf(copied.headers, 'content-type'),
    });
    sendAnswer(response, { ...answer, headers: { ...answer.headers, 'x-amz-version-id': versionId } });
  }

  /**
   * s3rver answers a PUT of a small body before its bytes reach the file (it ends the write stream
   * without waiting for it): a read right after could find the object empty. The key stays held
   * until s3rver reports the whole length, as S3's read-after-write consistency promises.
   */
  async #untilStored(key: string, bytes: number): Promise<void> {
    for (let tries = 0; tries < 100; tries++) {
      const head = await this.#upstream.call('HEAD', objectPath(this.#bucket, key), {}, undefined);
      if (head.status === 200 && Number(headerOf(head.headers, 'content-length')) === bytes) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  async #checkConditions(request: IncomingMessage, key: string): Promise<number | undefined> {
    const ifNoneMatch = headerOf(request.headers, 'if-none-match');
    const ifMatch = headerOf(request.headers, 'if-match');
    if (!ifNoneMatch && !ifMatch) return undefined;
    const head = await this.#upstream.call('HEAD', objectPath(this.#bucket, key), {}, undefined);
    const current = head.status === 200 ? headerOf(head.headers, 'etag') : undefined;
    if (ifNoneMatch === '*' && current !== undefined) return 412;
    if (ifMatch !== undefined) {
      if (current === undefined) return 404;
      if (current !== ifMatch) return 412;
    }
    return undefined;
  }

  async #delete(key: string, versionId: string | null, response: ServerResponse): Promise<void> {
    if (versionId === null) {
      const answer = await this.#upstream.call('DELETE', objectPath(this.#bucket, key), {}, undefined);
      if (answer.status >= 300) return sendAnswer(response, answer);
      const marker = await this.#store.add(key, undefined, { deleteMarker: true });
      response.writeHead(204, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId });
      response.end();
      return;
    }
    const record = this.#store.find(key, versionId);
    if (record === undefined) {
      // S3 answers success for a version that does not exist.
      response.writeHead(204, { 'x-amz-version-id': versionId });
      response.end();
      return;
    }
    const wasLatest = this.#store.latest(key) === record;
    await this.#store.remove(record);
    if (wasLatest) await this.#restoreLatest(key);
    response.writeHead(204, {
      'x-amz-version-id': versionId,
      ...(record.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
    });
    response.end();
  }

  /** After the latest version was removed, s3rver's object becomes the version before it, or goes. */
  async #restoreLatest(key: string): Promise<void> {
    const previous = this.#store.latest(key);
    const path = objectPath(this.#bucket, key);
    if (previous === undefined || previous.deleteMarker) {
      await this.#upstream.call('DELETE', path, {}, undefined);
      return;
    }
    const restored = await this.#store.body(previous);
    await this.#upstream.call(
      'PUT',
      path,
      { ...previous.metadata, ...optional('content-type', previous.contentType) },
      restored,
    );
  }

  async #serveVersion(
    key: string,
    versionId: string,
    head: boolean,
    response: ServerResponse,
  ): Promise<void> {
    const record = this.#store.find(key, versionId);
    if (record === undefined) {
      return sendError(response, 404, 'NoSuchVersion', 'The specified version does not exist.', head, {
        Key: key,
        VersionId: versionId,
      });
    }
    if (record.deleteMarker) {
      response.writeHead(405, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionId });
      response.end();
      return;
    }
    const body = await this.#store.body(record);
    response.writeHead(200, {
      ...record.metadata,
      'content-type': record.contentType ?? 'application/octet-stream',
      'content-length': String(body.byteLength),
      'last-modified': new Date(record.lastModified).toUTCString(),
      'accept-ranges': 'bytes',
      'x-amz-version-id': record.versionId,
      ...optional('etag', record.etag),
    });
    response.end(head ? undefined : body);
  }
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const MULTIPART_OPERATIONS: ReadonlySet<string> = new Set([
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
]);

function sendXml(response: ServerResponse, body: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  response.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
