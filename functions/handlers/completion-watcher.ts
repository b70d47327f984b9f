import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createS3Client, createSecretsManagerClient, lazySqsClient } from '../../lib/aws.js';
import type { Environment } from '../../lib/config.js';
import { COMPLETION_WATCHER_ENVIRONMENT, readEnvironment } from '../../lib/contract/environment.js';
import { METRIC } from '../../lib/contract/observability.js';
import { SqsArchiveRequestQueue } from '../../lib/queue/archive-requests.js';
import { createCompletionWatcher, watchConfigOf } from '../../lib/watch/service.js';
import type { WatchPassReport } from '../../lib/watch/watcher.js';
import { clientTuningOf, createObservability, type Observability } from '../commons/runtime.js';

/** What `completion-watcher` runs with. */
export interface CompletionWatcherRuntime extends Observability {
  readonly watcher: { runPass(): Promise<WatchPassReport> };
}

/**
 * What `completion-watcher` runs with, from its environment (the archive's
 * settings, `ARCHIVE_QUEUE_URL`, `WATCH_*`, the HappyTalk client's tuning).
 */
export function completionWatcherRuntime(env: Environment): CompletionWatcherRuntime {
  const variables = readEnvironment(COMPLETION_WATCHER_ENVIRONMENT, env);
  const { logger, metrics } = createObservability(variables);
  const config = watchConfigOf(variables);
  const watcher = createCompletionWatcher(config, {
    s3: createS3Client(env),
    secretsManager: createSecretsManagerClient(env),
    target: {
      kind: 'queue',
      queue: new SqsArchiveRequestQueue({
        client: lazySqsClient(env),
        queueUrl: config.queueUrl,
        source: 'happytalk-archive.completion-watcher',
      }),
    },
    // The first run comes at most one interval after the schedule was created (a rate schedule
    // without a start date starts at once): one interval back is the deployment, or earlier.
    firstWatermark: (now) => new Date(now.getTime() - config.intervalSeconds * 1000),
    client: clientTuningOf(variables),
    logger,
  });
  return { logger, metrics, watcher };
}

/**
 * Runs one pass of the completion watcher (the scheduled event's content is
 * not used: the pass starts from the watermark) and records `RoomsSeen`,
 * `RoomsEnqueued` and `WatcherLagSeconds`.
 *
 * A pass that fails (HappyTalk, S3 or the queue unavailable) is not a failed
 * invocation: it is logged with its reason, the watermark stays, the next pass
 * covers the same window, and the lag it reports grows until the lag alarm
 * (3 intervals) fires. One failing pass is no page; a watcher that keeps
 * failing, or stops running, is.
 */
export function createCompletionWatcherHandler({ logger, metrics, watcher }: CompletionWatcherRuntime) {
  async function handleSchedule(_event: unknown, _context: Context): Promise<WatchPassReport> {
    const report = await watcher.runPass();
    metrics.addMetric(METRIC.roomsSeen, MetricUnit.Count, report.seen);
    metrics.addMetric(METRIC.roomsEnqueued, MetricUnit.Count, report.enqueued);
    if (report.lag_seconds !== null) {
      metrics.addMetric(METRIC.watcherLag, MetricUnit.Seconds, report.lag_seconds);
    }
    return report;
  }

  return middy<unknown, WatchPassReport>(handleSchedule)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
