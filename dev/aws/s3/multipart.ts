/**
 * Multipart uploads of the local S3, kept by the front (s3rver's own are not
 * versioned): CreateMultipartUpload, UploadPart, CompleteMultipartUpload and
 * AbortMultipartUpload, with S3's rules on parts (numbers 1–10,000, every part
 * but the last at least 5 MiB, the completion naming each part by its number
 * and ETag, in ascending order).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { metadataOf } from './wire.js';

/** S3's smallest part, the last one excepted (`EntityTooSmall`). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;

interface Upload {
  readonly key: string;
  /** The `x-amz-meta-*` and `content-type` headers of the CreateMultipartUpload. */
  readonly headers: Readonly<Record<string, string>>;
  readonly parts: Map<number, { readonly body: Buffer; readonly etag: string }>;
}

/** An S3 error answer: status, code and message. */
export interface MultipartRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** The object a completed upload makes: its bytes and the headers it is stored with. */
export interface AssembledObject {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export const NO_SUCH_UPLOAD: MultipartRefusal = {
  status: 404,
  code: 'NoSuchUpload',
  message: 'The specified multipart upload does not exist.',
};

/** The uploads in progress, in memory (an upload does not outlive the local S3). */
export class MultipartUploads {
  readonly #uploads = new Map<string, Upload>();

  /** How many uploads are started and neither completed nor aborted. */
  get inProgress(): number {
    return this.#uploads.size;
  }

  create(key: string, headers: IncomingHttpHeaders): string {
    const uploadId = randomBytes(24).toString('base64url');
    const contentType = headers['content-type'];
    this.#uploads.set(uploadId, {
      key,
      headers: { ...metadataOf(headers), ...(contentType ? { 'content-type': contentType } : {}) },
      parts: new Map(),
    });
    return uploadId;
  }

  /** Keeps a part (a part sent again under its number replaces it); answers its ETag. */
  uploadPart(uploadId: string, key: string, partNumber: number, body: Buffer): string | MultipartRefusal {
    const upload = this.#uploads.get(uploadId);
    if (upload === undefined || upload.key !== key) return NO_SUCH_UPLOAD;
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      return { status: 400, code: 'InvalidArgument', message: 'Part number must be from 1 to 10000.' };
    }
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    upload.parts.set(partNumber, { body, etag });
    return etag;
  }

  /**
   * The object the upload's parts make, in the order the completion names
   * them. The upload stays until {@link remove}: S3 keeps an upload whose
   * completion a condition refused, and it can be aborted.
   */
  assemble(uploadId: string, key: string, completion: string): AssembledObject | MultipartRefusal {
    const upload = this.#uploads.get(uploadId);
    if (upload === undefined || upload.key !== key) return NO_SUCH_UPLOAD;
    const named = [...completion.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, part = '']) => ({
      number: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(part)?.[1]),
      etag: /<ETag>([\s\S]*?)<\/ETag>/.exec(part)?.[1]?.replaceAll('&quot;', '"').trim(),
    }));
    if (named.length === 0) {
      return { status: 400, code: 'MalformedXML', message: 'The completion names no part.' };
    }
    const bodies: Buffer[] = [];
    for (const [index, { number, etag }] of named.entries()) {
      const previous = named[index - 1];
      if (previous !== undefined && !(number > previous.number)) {
        return {
          status: 400,
          code: 'InvalidPartOrder',
          message: 'The parts must be named in ascending order.',
        };
      }
      const part = upload.parts.get(number);
      if (part === undefined || part.etag !== etag) {
        return { status: 400, code: 'InvalidPart', message: `Part ${number} was not uploaded as named.` };
      }
      if (index < named.length - 1 && part.body.byteLength < MIN_PART_BYTES) {
        return {
          status: 400,
          code: 'EntityTooSmall',
          message: 'Every part but the last must be at least 5 MiB.',
        };
      }
      bodies.push(part.body);
    }
    return { body: Buffer.concat(bodies), headers: upload.headers };
  }

  /** Forgets an upload (completed or aborted); false when there was none. */
  remove(uploadId: string, key: string): boolean {
    const upload = this.#uploads.get(uploadId);
    if (upload === undefined || upload.key !== key) return false;
    this.#uploads.delete(uploadId);
    return true;
  }
}

/** Which S3 operation a request is, by its method, query and headers (for counting requests). */
export function operationOf(
  method: string,
  key: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
): string {
  if (!key) {
    if (method === 'GET' && query.has('versions')) return 'ListObjectVersions';
    if (method === 'GET') return query.has('list-type') ? 'ListObjectsV2' : 'ListObjects';
    return `${method} bucket`;
  }
  switch (method) {
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (query.has('uploadId')) return 'UploadPart';
      return headers['x-amz-copy-source'] === undefined ? 'PutObject' : 'CopyObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      return query.has('uploadId') ? 'CompleteMultipartUpload' : 'POST object';
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return `${method} object`;
  }
}
