import { join } from 'node:path';
import type { Command } from 'commander';
import { archiveRoom } from '../../lib/archive/archive-room.js';
import { S3ArchiveStore } from '../../lib/archive/store.js';
import { createS3Client, createSecretsManagerClient } from '../../lib/aws.js';
import { createSqsClient } from '../../lib/aws-sqs.js';
import { type BackfillProgressEvent, type BackfillTarget, backfill } from '../../lib/backfill/backfill.js';
import { type CheckpointScope, FileCheckpoint } from '../../lib/backfill/checkpoint.js';
import {
  type Environment,
  readBucket,
  readCredentialsSource,
  readFinalStatuses,
  readUpstreamConfig,
} from '../../lib/config.js';
import { credentialsProviderFor } from '../../lib/credentials/from-config.js';
import type { CredentialsProvider } from '../../lib/credentials/provider.js';
import { HappyTalkClient } from '../../lib/happytalk/client.js';
import { HappyTalkRoomListClient } from '../../lib/happytalk/room-list.js';
import type { Logger } from '../../lib/logger.js';
import { SqsArchiveRequestQueue } from '../../lib/queue/archive-requests.js';
import { redactedCopiesFor } from '../../lib/redaction/copy.js';
import type { CommandContext } from '../context.js';
import { day, integer, positiveNumber, queueUrlOf } from '../options.js';
import { progressBar } from '../output.js';
import { redactionOf } from '../redaction.js';

interface BackfillFlags {
  from: string;
  to: string;
  status?: number;
  concurrency: number;
  rate: number;
  viaQueue?: string;
  checkpoint?: string;
  maxWindowDays?: number;
}

/** The directory default checkpoints go to, below the working directory. */
export const CHECKPOINT_DIRECTORY = '.local/backfill';

/**
 * `happytalk-archive backfill`: lists a date range from HappyTalk's room list
 * and archives every room (or, with `--via-queue`, sends them to the archive
 * queue), resumable through a checkpoint; prints one JSON summary line.
 */
export function registerBackfillCommand(program: Command, context: CommandContext): void {
  program
    .command('backfill')
    .description(
      "Archive every finished room HappyTalk's room list has from --from to --to (registration dates, " +
        'HappyTalk local time; finished: HAPPYTALK_FINAL_STATUSES, default 2 and 4); resumable; prints a ' +
        'JSON summary. With --via-queue, only lists and sends the rooms to the archive queue for the ' +
        'deployed function.',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD', day('--from'))
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (included)', day('--to'))
    .option(
      '--status <code>',
      'list this status alone instead of the finished rooms: 2 completed, 1 in progress, 99 every room, …',
      integer('--status', -2),
    )
    .option(
      '--concurrency <n>',
      'HappyTalk requests in flight at once (rooms archived at once: 4 times as many)',
      integer('--concurrency', 1),
      4,
    )
    .option('--rate <per_second>', 'most HappyTalk requests started per second', positiveNumber('--rate'), 5)
    .option('--via-queue <queue_url>', 'send the rooms to this SQS archive queue instead of archiving here')
    .option('--checkpoint <path>', `the checkpoint file (default under ${CHECKPOINT_DIRECTORY}/)`)
    .option('--max-window-days <n>', 'list at most this many days at once', integer('--max-window-days', 1))
    .action(async (flags: BackfillFlags) => {
      const logger = context.logger();
      const env = context.env;
      const { baseUrl, timeZone } = readUpstreamConfig(env);
      const source = readCredentialsSource(env, { allowLocalToken: true });
      const credentials = credentialsProviderFor(
        source,
        source.kind === 'secret' ? { secretsManager: createSecretsManagerClient(env) } : {},
      );
      const { target, scope } = createTarget(env, flags, {
        credentials,
        baseUrl,
        timeZone,
        logger,
        stderr: context.stderr,
      });
      const rooms = new HappyTalkRoomListClient({ credentials, baseUrl, logger });
      const checkpoint = await FileCheckpoint.open(flags.checkpoint ?? defaultCheckpointPath(scope), scope);
      const bar = progressBar(
        context.progress,
        'backfill {window} [{bar}] {value}/{total} rooms listed | archived {archived} updated {updated} ' +
          'unchanged {unchanged} queued {enqueued} skipped {skipped} failed {failed}',
        { etaBuffer: 50 },
      );
      try {
        if (checkpoint.resumed > 0) {
          logger.info('backfill: resuming from the checkpoint', {
            checkpoint: checkpoint.path,
            done: checkpoint.resumed,
          });
        }
        const summary = await backfill(
          {
            from: flags.from,
            to: flags.to,
            ...(flags.status === undefined
              ? { finalStatuses: readFinalStatuses(env) }
              : { status: flags.status }),
            concurrency: flags.concurrency,
            ratePerSecond: flags.rate,
            ...(flags.maxWindowDays === undefined ? {} : { maxWindowDays: flags.maxWindowDays }),
          },
          {
            rooms,
            target,
            checkpoint,
            logger,
            onProgress: ({ listed, processed, window = '', ...counts }: BackfillProgressEvent) =>
              bar.update(processed, listed, { window, ...counts }),
          },
        );
        bar.stop();
        context.stdout(`${JSON.stringify({ ...summary, checkpoint: checkpoint.path })}\n`);
        if (summary.failed > 0 || summary.failed_windows.length > 0 || summary.aborted)
          context.setExitCode(1);
      } finally {
        bar.stop();
        await checkpoint.close();
      }
    });
}

interface Upstream {
  readonly credentials: CredentialsProvider;
  readonly baseUrl: string;
  readonly timeZone: string;
  readonly logger: Logger;
  readonly stderr: (chunk: string) => void;
}

function createTarget(
  env: Environment,
  flags: BackfillFlags,
  upstream: Upstream,
): { target: BackfillTarget; scope: CheckpointScope } {
  const range = { from: flags.from, to: flags.to, status: flags.status ?? ('final' as const) };
  if (flags.viaQueue !== undefined) {
    const queueUrl = queueUrlOf(flags.viaQueue);
    const queue = new SqsArchiveRequestQueue({
      client: createSqsClient(env),
      queueUrl,
      source: 'happytalk-archive.backfill',
    });
    return { target: { kind: 'queue', queue }, scope: { target: queueUrl, ...range } };
  }
  const bucket = readBucket(env);
  const redaction = redactedCopiesFor(redactionOf(env, upstream.stderr), () =>
    createSecretsManagerClient(env),
  );
  const deps = {
    source: new HappyTalkClient({
      credentials: upstream.credentials,
      baseUrl: upstream.baseUrl,
      logger: upstream.logger,
    }),
    store: new S3ArchiveStore({ client: createS3Client(env), bucket }),
    timeZone: upstream.timeZone,
    logger: upstream.logger,
    ...(redaction ? { redaction } : {}),
  };
  return {
    target: { kind: 'archive', archive: (roomId, options) => archiveRoom(roomId, deps, options) },
    scope: { target: `s3://${bucket}`, ...range },
  };
}

/**
 * `.local/backfill/<target>-<from>-<to>-final.jsonl` (or `-status<code>` for one
 * status), the target reduced to safe characters.
 */
export function defaultCheckpointPath(scope: CheckpointScope): string {
  const target = scope.target
    .replace(/^[a-z0-9]+:\/\//, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 100);
  const statuses = scope.status === 'final' ? 'final' : `status${scope.status}`;
  return join(CHECKPOINT_DIRECTORY, `${target}-${scope.from}-${scope.to}-${statuses}.jsonl`);
}
