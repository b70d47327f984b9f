/** The S3 wire format of the local S3: XML answers and errors, headers, bodies, injected faults. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { S3Fault } from './index.js';
import type { VersionStore } from './version-store.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** An answer of s3rver, read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export function objectPath(bucket: string, key: string): string {
  return `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export function metadataOf(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) {
      metadata[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return metadata;
}

export function optional<K extends string>(name: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: string };
}

export function sendAnswer(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.byteLength) });
  response.end(answer.body);
}

export async function injectFault(
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

export function sendError(
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

export function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** ListObjectVersions of the bucket from the version store, as S3 answers it (XML, paged by markers). */
export function listVersions(
  store: VersionStore,
  bucket: string,
  query: URLSearchParams,
  response: ServerResponse,
): void {
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(query.get('max-keys') ?? 1000) || 1000));
  const keyMarker = query.get('key-marker') ?? '';
  const versionMarker = query.get('version-id-marker') ?? '';
  const entries = store
    .keys()
    .filter((key) => key.startsWith(prefix))
    .flatMap((key) => {
      const records = store.versionsOf(key);
      return [...records].reverse().map((record, index) => ({ record, latest: index === 0 }));
    });
  let start = 0;
  if (keyMarker) {
    const afterVersion = versionMarker
      ? entries.findIndex(({ record }) => record.key === keyMarker && record.versionId === versionMarker)
      : -1;
    start = afterVersion >= 0 ? afterVersion + 1 : entries.findIndex(({ record }) => record.key > keyMarker);
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
    `${XML_HEAD}<ListVersionsResult xmlns="${S3_NAMESPACE}"><Name>${xml(bucket)}</Name>` +
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
