// The local S3 (s3rver behind its versioning front) in a process of its own, as S3 is a service apart: in the bench's process its work would
// queue behind the simulator's. Prints its endpoint, and stops when its stdin closes.
import { startLocalS3 } from '../../dev/aws/s3/index.js';

const { directory, bucket } = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as {
  directory: string;
  bucket: string;
};
const s3 = await startLocalS3({ directory, bucket, host: '127.0.0.1' });
process.stdout.write(`BENCH ${JSON.stringify({ endpoint: s3.endpoint })}\n`);
process.stdin.on('end', () => {
  s3.close().finally(() => process.exit(0));
});
process.stdin.resume();
