/** What the commands print beside their results: progress bars on a terminal, plurals. */
import cliProgress from 'cli-progress';
import { S3ArchiveStore } from '../lib/archive/store.js';
import { createS3Client } from '../lib/aws.js';
import { type Environment, readBucket } from '../lib/config.js';

/** `one` or `many` by `count`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/** A progress bar, updated with a value, a total and the payload the format names. */
export interface ProgressBar {
  update(value: number, total: number, payload: Record<string, unknown>): void;
  stop(): void;
}

/** A progress bar on a terminal; nothing elsewhere (logs and the summary say the rest). */
export function progressBar(
  stream: NodeJS.WriteStream | undefined,
  format: string,
  options: { etaBuffer?: number } = {},
): ProgressBar {
  if (!stream?.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    stream,
    format,
    hideCursor: true,
    clearOnComplete: false,
    ...(options.etaBuffer === undefined ? {} : { etaBuffer: options.etaBuffer }),
  });
  let started = false;
  let stopped = false;
  return {
    update: (value, total, payload) => {
      if (stopped) return;
      if (!started) {
        bar.start(Math.max(total, 1), value, payload);
        started = true;
        return;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(value, payload);
    },
    stop: () => {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

/** The archive of `ARCHIVE_BUCKET`, through the S3 client of the environment. */
export function storeOf(env: Environment): S3ArchiveStore {
  return new S3ArchiveStore({ client: createS3Client(env), bucket: readBucket(env) });
}
