import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { createArchiveService } from '../../lib/archive/service.js';
import { createS3Client } from '../../lib/aws.js';
import { createSqsClient } from '../../lib/aws-sqs.js';
import { readArchiveConfig } from '../../lib/config.js';
import { SqsArchiveRequestQueue } from '../../lib/queue/archive-requests.js';
import { createCompletionWatcher, readWatchSettings } from '../../lib/watch/service.js';
import type { WatchPassReport, WatchTarget } from '../../lib/watch/watcher.js';
import type { CommandContext } from '../context.js';
import { integer, queueUrlOf } from '../options.js';
import { redactionOf, secretsManagerFor } from '../redaction.js';

interface WatchFlags {
  once?: boolean;
  interval?: number;
  since?: Date;
  viaQueue?: string;
  concurrency: number;
}

/**
 * `happytalk-archive watch`: the completion watcher from a terminal or cron,
 * with the deployed watcher's watermark (`state/completion-watcher.json` in the
 * archive bucket). Archives the rooms itself, or sends them to the archive
 * queue with `--via-queue`; one JSON line per pass; exit 1 if a pass failed.
 */
export function registerWatchCommand(program: Command, context: CommandContext): void {
  program
    .command('watch')
    .description(
      'Archive every room HappyTalk finishes (status 2 or 4, HAPPYTALK_FINAL_STATUSES), pass after pass: lists ' +
        'the rooms finished since the watermark in s3://$ARCHIVE_BUCKET/state/completion-watcher.json, archives ' +
        'the ones not archived (or sends them to the archive queue with --via-queue) and moves the watermark. ' +
        'One JSON line per pass; exit 1 if a pass had failures.',
    )
    .option('--once', 'run one pass and exit')
    .option(
      '--interval <seconds>',
      'seconds from the start of a pass to the next (default WATCH_INTERVAL_SECONDS, else 300)',
      integer('--interval', 1),
    )
    .option(
      '--since <iso_time>',
      'where a first pass starts, less the overlap, when there is no watermark yet (default: now)',
      isoTime,
    )
    .option('--via-queue <queue_url>', 'send the rooms to this SQS archive queue instead of archiving here')
    .option(
      '--concurrency <n>',
      'HappyTalk requests in flight at once, 1 to 64 (rooms archived at once: 4 times as many)',
      concurrency,
      4,
    )
    .action(async (flags: WatchFlags) => {
      const env = context.env;
      const logger = context.logger();
      const config = readArchiveConfig(env, { allowLocalToken: true });
      const settings = readWatchSettings(env);
      const intervalSeconds = flags.interval ?? settings.intervalSeconds;
      const s3 = createS3Client(env);
      // Sent to the queue, the rooms are archived (and redacted) by the deployed function.
      const redaction = flags.viaQueue === undefined ? redactionOf(env, context.stderr) : undefined;
      const secretsManager = secretsManagerFor(env, {
        token: config.credentials.kind === 'secret',
        redaction,
      });
      const target: WatchTarget =
        flags.viaQueue === undefined
          ? {
              kind: 'archive',
              archive: createArchiveService(config, { s3, ...secretsManager, logger, redaction }).archive,
              concurrency: flags.concurrency,
            }
          : {
              kind: 'queue',
              queue: new SqsArchiveRequestQueue({
                client: createSqsClient(env),
                queueUrl: queueUrlOf(flags.viaQueue),
                source: 'happytalk-archive.watch',
              }),
            };
      const watcher = createCompletionWatcher(
        { ...config, ...settings, intervalSeconds },
        { s3, ...secretsManager, target, firstWatermark: (now) => flags.since ?? now, logger },
      );
      const stop = context.signal === undefined ? stopOnSignals() : undefined;
      const signal = context.signal ?? stop?.signal;
      try {
        for (;;) {
          const started = Date.now();
          const report = await watcher.runPass();
          context.stdout(`${JSON.stringify(report)}\n`);
          if (incomplete(report)) context.setExitCode(1);
          if (flags.once || signal?.aborted) return;
          const wait = started + intervalSeconds * 1000 - Date.now();
          if (!(await pause(wait, signal))) return;
        }
      } finally {
        stop?.dispose();
      }
    });
}

/** Whether a pass left something undone: a room not sent, a day not listed, or the pass stopped. */
export function incomplete(report: WatchPassReport): boolean {
  return report.failures.length > 0 || report.failed_windows.length > 0 || report.aborted !== undefined;
}

/** Waits `ms`; false when the signal ended the wait. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(Math.max(0, ms), undefined, signal ? { signal } : {});
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}

/** Ctrl-C (or SIGTERM) ends the loop once the running pass is done; a second one kills it. */
function stopOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

function concurrency(value: string): number {
  const number = integer('--concurrency', 1)(value);
  if (number > 64) throw new InvalidArgumentError('--concurrency must be a whole number from 1 to 64');
  return number;
}

/** An ISO 8601 time with its offset: a time without one would depend on this machine's zone. */
function isoTime(value: string): Date {
  const time = new Date(value);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(time.getTime())
  ) {
    throw new InvalidArgumentError(
      '--since must be an ISO 8601 time with its offset, e.g. 2024-06-12T09:00:00+09:00',
    );
  }
  return time;
}
