import S3rver from 's3rver';

/** A local S3 server (s3rver) with the archive bucket created. For the local stack and tests only. */
export interface LocalS3 {
  /** e.g. `http://127.0.0.1:4569`, for `AWS_ENDPOINT_URL_S3`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Where s3rver keeps its files. */
  readonly directory: string;
  close(): Promise<void>;
}

export async function startLocalS3(options: {
  directory: string;
  bucket: string;
  port?: number;
  host?: string;
}): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket }],
    vhostBuckets: false,
  });
  const address = await server.run();
  return {
    endpoint: `http://${host}:${address.port}`,
    bucket: options.bucket,
    directory: options.directory,
    close: () => server.close(),
  };
}
