import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import S3rver from 's3rver';

/** A fault the local S3 answers with instead of doing the request. */
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

/** One successful PutObject of this run: a version of the object. */
export interface StoredVersion {
  readonly key: string;
  readonly versionId: string;
  /** The `sha256` metadata the object was written with. */
  readonly sha256: string | undefined;
  /** SHA-256 of the bytes written. */
  readonly bodySha256: string;
}

/**
 * A local S3 on loopback (for `npm start`, the tests and the benchmark) that
 * behaves like a versioned S3 bucket where it matters to the archive: s3rver
 * stores the objects, and a front before it
 *
 * - honours `If-None-Match: *` and `If-Match` on PutObject, one write per key
 *   at a time, as S3's conditional writes do (412 `PreconditionFailed`);
 * - makes a read of a key wait for a write of it in progress (S3 is strongly
 *   consistent; s3rver writes an object's bytes and metadata in two files);
 * - keeps every version of every object, with its metadata (under
 *   `<directory>/.versions/`, so they outlive a restart): PutObject answers its
 *   `x-amz-version-id`, GetObject and HeadObject read any version by
 *   `versionId` (404 `NoSuchVersion` for one that does not exist), the latest
 *   carries its version id, ListObjectVersions lists versions and delete
 *   markers, and DeleteObject adds a delete marker (or, with a `versionId`,
 *   removes that version);
 * - injects faults on demand (500, 503 SlowDown, 403, connection resets
 *   mid-upload, 412/409 races).
 *
 * A CopyObject within the bucket is a new version too (the archive copies an
 * attachment onto itself to keep it longer), and honours
 * `x-amz-copy-source-if-match`.
 *
 * Objects written to s3rver's directory before the front existed have no
 * version: they are read as S3 reads objects written before versioning was
 * enabled (no version id). Multipart uploads are not versioned.
 */
export interface LocalS3 {
  /** e.g. `http://127.0.0.1:4569`, for `AWS_ENDPOINT_URL_S3`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Where s3rver keeps its files (the versions under `.versions/`). */
  readonly directory: string;
  /** The PutObjects (and CopyObjects) of this run that succeeded, in order. */
  readonly versions: StoredVersion[];
  readonly rules: S3FaultRule[];
  /** PUTs refused by a condition (412) since the last reset. */
  preconditionFailures: number;
  addFault(rule: S3FaultRule): void;
  /** Forgets this run's record of PUTs, the faults and the counter; the objects and their versions stay. */
  reset(): void;
  close(): Promise<void>;
}

export interface LocalS3Options {
  readonly directory: string;
  readonly bucket: string;
  /** The port of the front, the one clients use (default: a free one). */
  readonly port?: number;
  readonly host?: string;
}

interface VersionRecord {
  readonly key: string;
  readonly versionId: string;
  readonly sequence: number;
  readonly deleteMarker: boolean;
  readonly etag?: string;
  readonly size?: number;
  readonly lastModified: string;
  readonly contentType?: string;
  /** The `x-amz-meta-*` headers, by their full lowercase names. */
  readonly metadata?: Readonly<Record<string, string>>;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: 0,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket }],
    vhostBuckets: false,
  });
  const address = await server.run();
  const store = await VersionStore.open(join(options.directory, '.versions', options.bucket));
  const front = new S3Front(`http://${host}:${address.port}`, options.bucket, store);
  let closed = false;
  const endpoint = await front.listen(host, options.port ?? 0);
  const local: LocalS3 = {
    endpoint,
    bucket: options.bucket,
    directory: options.directory,
    versions: front.versions,
    rules: front.rules,
    get preconditionFailures() {
      return front.preconditionFailures;
    },
    set preconditionFailures(value: number) {
      front.preconditionFailures = value;
    },
    addFault: (rule) => front.rules.push({ ...rule }),
    reset: () => {
      front.versions.length = 0;
      front.rules.length = 0;
      front.preconditionFailures = 0;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await front.close();
      await server.close();
    },
  };
  return local;
}

/** Every version of the bucket's objects, on disk, with an index in memory. */
class VersionStore {
  readonly #directory: string;
  readonly #byKey = new Map<string, VersionRecord[]>();
  #sequence = 0;

  private constructor(directory: string) {
    this.#directory = directory;
  }

  static async open(directory: string): Promise<VersionStore> {
    const store = new VersionStore(directory);
    await mkdir(directory, { recursive: true });
    for (const keyDirectory of await readdir(directory)) {
      for (const file of await readdir(join(directory, keyDirectory))) {
        if (!file.endsWith('.json')) continue;
        const record = JSON.parse(
          await readFile(join(directory, keyDirectory, file), 'utf8'),
        ) as VersionRecord;
        store.#remember(record);
      }
    }
    for (const records of store.#byKey.values()) records.sort((a, b) => a.sequence - b.sequence);
    return store;
  }

  /** The versions of `key`, oldest first. */
  versionsOf(key: string): readonly VersionRecord[] {
    return this.#byKey.get(key) ?? [];
  }

  keys(): string[] {
    return [...this.#byKey.keys()].sort();
  }

  latest(key: string): VersionRecord | undefined {
    return this.versionsOf(key).at(-1);
  }

  find(key: string, versionId: string): VersionRecord | undefined {
    return this.versionsOf(key).find((record) => record.versionId === versionId);
  }

  async add(
    key: string,
    body: Buffer | undefined,
    fields: Omit<VersionRecord, 'key' | 'versionId' | 'sequence' | 'lastModified'>,
  ): Promise<VersionRecord> {
    this.#sequence += 1;
    const record: VersionRecord = {
      key,
      versionId: randomBytes(24).toString('base64url'),
      sequence: this.#sequence,
      lastModified: new Date().toISOString(),
      ...fields,
    };
    const folder = join(this.#directory, keyFolder(key));
    await mkdir(folder, { recursive: true });
    if (body !== undefined) await writeFile(join(folder, `${fileStem(record)}.body`), body);
    await writeFile(join(folder, `${fileStem(record)}.json`), JSON.stringify(record));
    this.#remember(record);
    return record;
  }

  async body(record: VersionRecord): Promise<Buffer> {
    return readFile(join(this.#directory, keyFolder(record.key), `${fileStem(record)}.body`));
  }

  async remove(record: VersionRecord): Promise<void> {
    const folder = join(this.#directory, keyFolder(record.key));
    await rm(join(folder, `${fileStem(record)}.json`), { force: true });
    await rm(join(folder, `${fileStem(record)}.body`), { force: true });
    const remaining = this.versionsOf(record.key).filter((other) => other !== record);
    if (remaining.length > 0) this.#byKey.set(record.key, remaining);
    else this.#byKey.delete(record.key);
  }

  #remember(record: VersionRecord): void {
    this.#sequence = Math.max(this.#sequence, record.sequence);
    this.#byKey.set(record.key, [...this.versionsOf(record.key), record]);
  }
}

function keyFolder(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function fileStem(record: VersionRecord): string {
  return `${String(record.sequence).padStart(12, '0')}-${record.versionId}`;
}

/** The HTTP server between the clients and s3rver. */
class S3Front {
  readonly versions: StoredVersion[] = [];
  readonly rules: S3FaultRule[] = [];
  preconditionFailures = 0;
  readonly #upstream: URL;
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
    this.#upstream = new URL(upstream);
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
    const [bucket = '', ...parts] = url.pathname.split('/').slice(1);
    const key = decodeURIComponent(parts.join('/'));
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
        return this.#listVersions(url.searchParams, response);
      }
      await this.#forward(request, body, response);
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
        await this.#forward(request, body, response, latest?.deleteMarker === false ? latest : undefined);
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
    if (method === 'DELETE') {
      return this.#exclusively(key, () => this.#delete(key, versionId, response));
    }
    await this.#forward(request, body, response);
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
    if (refusal) {
      this.preconditionFailures += 1;
      return refusal === 412
        ? sendError(
            response,
            412,
            'PreconditionFailed',
            'At least one of the preconditions you specified did not hold.',
          )
        : sendError(response, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    const answer = await this.#call(request.method ?? 'PUT', request.url ?? '/', request.headers, body);
    if (answer.status !== 200) return sendAnswer(response, answer);
    await this.#untilStored(key, body.byteLength);
    const versionId = await this.#recordVersion(key, body, {
      metadata: metadataOf(request.headers),
      etag: headerOf(answer.headers, 'etag'),
      contentType: headerOf(request.headers, 'content-type'),
    });
    sendAnswer(response, { ...answer, headers: { ...answer.headers, 'x-amz-version-id': versionId } });
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
      bodySha256: createHash('sha256').update(body).digest('hex'),
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
        ? await this.#call('HEAD', objectPath(this.#bucket, sourceParts.join('/')), {}, undefined)
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
    const answer = await this.#call('PUT', request.url ?? '/', request.headers, Buffer.alloc(0));
    if (answer.status !== 200) return sendAnswer(response, answer);
    const size = Number(headerOf(source?.headers ?? {}, 'content-length'));
    if (Number.isInteger(size)) await this.#untilStored(key, size);
    const copied = await this.#call('GET', objectPath(this.#bucket, key), {}, undefined);
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
      const head = await this.#call('HEAD', objectPath(this.#bucket, key), {}, undefined);
      if (head.status === 200 && Number(headerOf(head.headers, 'content-length')) === bytes) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  async #checkConditions(request: IncomingMessage, key: string): Promise<number | undefined> {
    const ifNoneMatch = headerOf(request.headers, 'if-none-match');
    const ifMatch = headerOf(request.headers, 'if-match');
    if (!ifNoneMatch && !ifMatch) return undefined;
    const head = await this.#call('HEAD', objectPath(this.#bucket, key), {}, undefined);
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
      const answer = await this.#call('DELETE', objectPath(this.#bucket, key), {}, undefined);
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
      await this.#call('DELETE', path, {}, undefined);
      return;
    }
    const restored = await this.#store.body(previous);
    await this.#call(
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

  #listVersions(query: URLSearchParams, response: ServerResponse): void {
    const prefix = query.get('prefix') ?? '';
    const maxKeys = Math.min(1000, Math.max(0, Number(query.get('max-keys') ?? 1000) || 1000));
    const keyMarker = query.get('key-marker') ?? '';
    const versionMarker = query.get('version-id-marker') ?? '';
    const entries = this.#store
      .keys()
      .filter((key) => key.startsWith(prefix))
      .flatMap((key) => {
        const records = this.#store.versionsOf(key);
        return [...records].reverse().map((record, index) => ({ record, latest: index === 0 }));
      });
    let start = 0;
    if (keyMarker) {
      const afterVersion = versionMarker
        ? entries.findIndex(({ record }) => record.key === keyMarker && record.versionId === versionMarker)
        : -1;
      start =
        afterVersion >= 0 ? afterVersion + 1 : entries.findIndex(({ record }) => record.key > keyMarker);
      if (start < 0) start = entries.length;
    }
    const page = entries.slice(start, start + maxKeys);
    const truncated = start + maxKeys < entries.length;
    const last = page.at(-1)?.record;
    const items = page
      .map(({ record, latest }) => {
        const common =
          `<Key>${xml(record.key)}</Key><VersionId>${xml(record.versionId)}</VersionId>` +
          `<IsLatest>${latest}</IsLatest><LastModified>${record.lastModified}</LastModified>`;
        return record.deleteMarker
          ? `<DeleteMarker>${common}</DeleteMarker>`
          : `<Version>${common}<ETag>${xml(record.etag ?? '')}</ETag><Size>${record.size ?? 0}</Size>` +
              '<StorageClass>STANDARD</StorageClass></Version>';
      })
      .join('');
    const body =
      `${XML_HEAD}<ListVersionsResult xmlns="${S3_NAMESPACE}"><Name>${xml(this.#bucket)}</Name>` +
      `<Prefix>${xml(prefix)}</Prefix><KeyMarker>${xml(keyMarker)}</KeyMarker>` +
      `<VersionIdMarker>${xml(versionMarker)}</VersionIdMarker><MaxKeys>${maxKeys}</MaxKeys>` +
      `<IsTruncated>${truncated}</IsTruncated>` +
      (truncated && last
        ? `<NextKeyMarker>${xml(last.key)}</NextKeyMarker><NextVersionIdMarker>${xml(last.versionId)}</NextVersionIdMarker>`
        : '') +
      `${items}</ListVersionsResult>`;
    response.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  }

  /** Passes a request to s3rver and its answer back, streamed; the latest's version id added when known. */
  #forward(
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
    latest?: VersionRecord,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: this.#upstream.hostname,
          port: this.#upstream.port,
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
  #call(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    body: Buffer | undefined,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: this.#upstream.hostname,
          port: this.#upstream.port,
          method,
          path,
          headers: {
            host: this.#upstream.host,
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

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function objectPath(bucket: string, key: string): string {
  return `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function metadataOf(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) {
      metadata[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return metadata;
}

function optional<K extends string>(name: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: string };
}

function sendAnswer(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.byteLength) });
  response.end(answer.body);
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
    const code = fault.status === 412 ? 'PreconditionFailed' : 'ConditionalRequestConflict';
    return sendError(response, fault.status, code, `injected ${code}`);
  }
  sendError(response, fault.status, fault.code, `injected ${fault.code}`);
}

function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  head = false,
  details: Record<string, string> = {},
): void {
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${xml(value)}</${name}>`)
    .join('');
  const body = `${XML_HEAD}<Error><Code>${code}</Code><Message>${xml(message)}</Message>${extra}<RequestId>local</RequestId></Error>`;
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  response.end(head ? undefined : body);
}

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
