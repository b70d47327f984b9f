import { join } from 'node:path';
import S3rver from 's3rver';
import { S3Front } from './front.js';
import { VersionStore } from './version-store.js';

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
 * - honours `If-None-Match: *` and `If-Match` on PutObject and on
 *   CompleteMultipartUpload, one write per key at a time, as S3's conditional
 *   writes do (412 `PreconditionFailed`); keeps multipart uploads itself, with
 *   S3's rules on parts (every part but the last at least 5 MiB);
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
 *   mid-upload, 412/409 races);
 * - counts the requests it receives by S3 operation (`requests`; over HTTP,
 *   `GET /__local-s3/requests`, and `DELETE` to start again from zero), which
 *   is how the benchmark counts what each outcome costs.
 *
 * A CopyObject within the bucket is a new version too (the archive copies an
 * attachment onto itself to keep it longer), and honours
 * `x-amz-copy-source-if-match`.
 *
 * Objects written to s3rver's directory before the front existed have no
 * version: they are read as S3 reads objects written before versioning was
 * enabled (no version id). A completed multipart upload is a version like a PutObject.
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
  /** Requests received since the last reset, by S3 operation (`PutObject`, `GetObject`, …). */
  readonly requests: ReadonlyMap<string, number>;
  addFault(rule: S3FaultRule): void;
  /** Forgets this run's record of PUTs, the faults and the counters; the objects and their versions stay. */
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
    requests: front.requests,
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
      front.requests.clear();
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
