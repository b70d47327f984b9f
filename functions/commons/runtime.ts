import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type ArchiveService, createArchiveService } from '../../lib/archive/service.js';
import { createS3Client, createSecretsManagerClient } from '../../lib/aws.js';
import { type Environment, readArchiveConfig } from '../../lib/config.js';
import { ConfigurationError } from '../../lib/errors.js';
import { DEFAULT_ROOM_DEADLINE, roomWorstCaseMs } from '../../lib/happytalk/deadline.js';

/** Everything a function needs, built once per execution environment. */
export interface FunctionRuntime {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly archive: ArchiveService;
  /**
   * The longest one room can take with these settings (`roomWorstCaseMs` of
   * lib/happytalk/deadline.ts): a function does not start a room with less time left.
   */
  readonly roomWorstCaseMs: number;
}

/** The structured logger and the EMF metrics every function writes to (Powertools). */
export function createObservability(env: Environment): { logger: Logger; metrics: Metrics } {
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? 'happytalk-archive';
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'HappyTalkArchive', serviceName }),
  };
}

/** The metric of the time from a room's completion to its archive (`archive-events`). */
export const COMPLETION_TO_ARCHIVE_METRIC = 'CompletionToArchiveSeconds';

/**
 * Reads and validates the configuration and creates the SDK clients, the
 * logger and the metrics. Called at module scope, so a misconfiguration fails
 * the cold start with a message that names the variable.
 *
 * Optional tuning: `HAPPYTALK_TIMEOUT_MS`, `HAPPYTALK_MAX_ATTEMPTS`,
 * `HAPPYTALK_MAX_DELAY_MS`, `HAPPYTALK_RETRY_BUDGET_MS`,
 * `HAPPYTALK_SECRET_MAX_AGE_MS`, `ROOM_STORAGE_MARGIN_MS` (the infrastructure
 * derives them from the function's timeout: lib/happytalk/deadline.ts).
 *
 * @param options.completionLag record {@link COMPLETION_TO_ARCHIVE_METRIC} for
 *   every archive of a finished room: its `completed_at` to the moment the
 *   archive was written
 */
export function createFunctionRuntime(
  env: Environment,
  options: { completionLag?: boolean } = {},
): FunctionRuntime {
  const config = readArchiveConfig(env, { allowLocalToken: false });
  const { logger, metrics } = createObservability(env);
  const tuning = readClientTuning(env);
  const secretMaxAgeMs = optionalInteger(env, 'HAPPYTALK_SECRET_MAX_AGE_MS');
  const storageMarginMs = optionalInteger(env, 'ROOM_STORAGE_MARGIN_MS');
  const archive = createArchiveService(config, {
    s3: createS3Client(env),
    secretsManager: createSecretsManagerClient(env),
    logger,
    client: tuning,
    ...(secretMaxAgeMs !== undefined ? { secretMaxAgeMs } : {}),
    onFetched: ({ latencyMs, attempts }) => {
      metrics.addMetric('UpstreamLatency', MetricUnit.Milliseconds, latencyMs);
      metrics.addMetric('UpstreamAttempts', MetricUnit.Count, attempts);
    },
    ...(options.completionLag
      ? {
          onArchived: ({ final, completedAt, archivedAt }) => {
            if (!final || completedAt === null) return;
            // Clocks differ (HappyTalk's against Lambda's): a lag below zero is reported as none.
            const seconds = Math.max(0, (Date.parse(archivedAt) - Date.parse(completedAt)) / 1000);
            if (Number.isFinite(seconds)) {
              metrics.addMetric(COMPLETION_TO_ARCHIVE_METRIC, MetricUnit.Seconds, seconds);
            }
          },
        }
      : {}),
  });
  const worstCase = roomWorstCaseMs({
    requestTimeoutMs: tuning.timeoutMs ?? DEFAULT_ROOM_DEADLINE.requestTimeoutMs,
    maxBackoffMs: tuning.retry.maxDelayMs ?? DEFAULT_ROOM_DEADLINE.maxBackoffMs,
    retryBudgetMs: tuning.retry.totalBudgetMs ?? DEFAULT_ROOM_DEADLINE.retryBudgetMs,
    attachmentBudgetMs: config.attachments?.enabled ? config.attachments.budgetMs : 0,
    storageMarginMs: storageMarginMs ?? DEFAULT_ROOM_DEADLINE.storageMarginMs,
  });
  return { logger, metrics, archive, roomWorstCaseMs: worstCase };
}

/**
 * The HappyTalk client's optional tuning: `HAPPYTALK_TIMEOUT_MS`,
 * `HAPPYTALK_MAX_ATTEMPTS`, `HAPPYTALK_MAX_DELAY_MS`, `HAPPYTALK_RETRY_BUDGET_MS`.
 */
export function readClientTuning(env: Environment): {
  timeoutMs?: number;
  retry: { maxAttempts?: number; maxDelayMs?: number; totalBudgetMs?: number };
} {
  const timeoutMs = optionalInteger(env, 'HAPPYTALK_TIMEOUT_MS');
  const maxAttempts = optionalInteger(env, 'HAPPYTALK_MAX_ATTEMPTS');
  const maxDelayMs = optionalInteger(env, 'HAPPYTALK_MAX_DELAY_MS');
  const totalBudgetMs = optionalInteger(env, 'HAPPYTALK_RETRY_BUDGET_MS');
  return {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    retry: {
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(maxDelayMs !== undefined ? { maxDelayMs } : {}),
      ...(totalBudgetMs !== undefined ? { totalBudgetMs } : {}),
    },
  };
}

/** Counts one archive outcome (`archived`, `updated`, `unchanged` or `failed`). */
export function recordOutcome(metrics: Metrics, outcome: string, messageCount?: number): void {
  metrics.addMetric(outcome === 'failed' ? 'Failed' : capitalize(outcome), MetricUnit.Count, 1);
  if (messageCount !== undefined) metrics.addMetric('MessageCount', MetricUnit.Count, messageCount);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function optionalInteger(env: Environment, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer, received ${JSON.stringify(raw)}`);
  }
  return value;
}
