import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createS3Client, createSecretsManagerClient, lazySqsClient } from '../../lib/aws.js';
import type { Environment } from '../../lib/config.js';
import { RECONCILE_ENVIRONMENT, readEnvironment } from '../../lib/contract/environment.js';
import { METRIC } from '../../lib/contract/observability.js';
import { ArchiveError } from '../../lib/errors.js';
import type { ReconcileReport } from '../../lib/reconcile/reconcile.js';
import { createReconciler, reconcileConfigOf } from '../../lib/reconcile/service.js';
import { createObservability, type Observability } from '../commons/runtime.js';

/** What `reconcile` runs with. */
export interface ReconcileRuntime extends Observability {
  readonly reconciler: { run(): Promise<ReconcileReport> };
}

/** What `reconcile` runs with, from its environment (the archive's settings, `ARCHIVE_QUEUE_URL`, `RECONCILE_*`). */
export function reconcileRuntime(env: Environment): ReconcileRuntime {
  const variables = readEnvironment(RECONCILE_ENVIRONMENT, env);
  const { logger, metrics } = createObservability(variables);
  const reconciler = createReconciler(reconcileConfigOf(variables), {
    s3: createS3Client(env),
    secretsManager: createSecretsManagerClient(env),
    sqs: lazySqsClient(env),
    logger,
  });
  return { logger, metrics, reconciler };
}

/** Some gaps could not be sent to the archive queue: the run fails, so it is retried and alarms. */
export class ReconcileIncompleteError extends ArchiveError {
  readonly code = 'RECONCILE_INCOMPLETE';
  readonly retryable = true;
}

/**
 * Runs one reconciliation (the scheduled event's content is not used: the
 * window trails the current time) and records `RoomsChecked`, `GapsFound`,
 * `GapsEnqueued` and `ReconcileDaysRefused`.
 */
export function createReconcileHandler({ logger, metrics, reconciler }: ReconcileRuntime) {
  async function handleSchedule(_event: unknown, _context: Context): Promise<ReconcileReport> {
    const report = await reconciler.run();
    metrics.addMetric(METRIC.roomsChecked, MetricUnit.Count, report.listed);
    metrics.addMetric(METRIC.gapsFound, MetricUnit.Count, report.gaps);
    metrics.addMetric(METRIC.gapsEnqueued, MetricUnit.Count, report.enqueued);
    metrics.addMetric(METRIC.reconcileDaysRefused, MetricUnit.Count, report.failed_windows.length);
    if (report.enqueue_failures.length > 0) {
      throw new ReconcileIncompleteError(
        `${report.enqueue_failures.length} of ${report.gaps} gaps could not be sent to the archive queue`,
      );
    }
    return report;
  }

  return middy<unknown, ReconcileReport>(handleSchedule)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
