import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type ArchiveService, createArchiveService } from '../../lib/archive/service.js';
import { createS3Client, createSecretsManagerClient } from '../../lib/aws.js';
import { archiveConfigOf, type Environment, redactionConfigOf } from '../../lib/config.js';
import type { EnvironmentOf, HTTP_API_ENVIRONMENT } from '../../lib/contract/environment.js';
import { METRIC } from '../../lib/contract/observability.js';
import { DEFAULT_ROOM_DEADLINE, roomWorstCaseMs } from '../../lib/happytalk/deadline.js';

/** The logger and metrics of a function, under its Powertools settings. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Everything a function needs, built once per execution environment. */
export interface FunctionRuntime extends Observability {
  readonly archive: ArchiveService;
  /**
   * The longest one room can take with these settings (`roomWorstCaseMs` of
   * lib/happytalk/deadline.ts): a function does not start a room with less time left.
   */
  readonly roomWorstCaseMs: number;
}

/** The structured logger and the EMF metrics every function writes to (Powertools). */
export function createObservability(variables: {
  readonly POWERTOOLS_SERVICE_NAME: string;
  readonly POWERTOOLS_METRICS_NAMESPACE?: string;
}): Observability {
  const serviceName = variables.POWERTOOLS_SERVICE_NAME;
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: variables.POWERTOOLS_METRICS_NAMESPACE, serviceName }),
  };
}

/**
 * Builds the archive service, the SDK clients, the logger and the metrics of
 * an archiving function (`http-api`, `archive-events`) from its environment,
 * read once (`variables`, by the contract) and `env` (the SDK's region,
 * endpoints and keys). Called when the handler is built, at the cold start,
 * so a misconfiguration fails it with a message that names the variable.
 *
 * The redacted copy (`REDACTED_COPY`, `REDACTION_KEY_SECRET_ID`,
 * `REDACTION_MASK`, `REDACTION_COUNSELORS`) is written beside every
 * transcript; a copy left pending (its key unreadable) records
 * `RedactionPending`.
 *
 * The HappyTalk client's tuning (`HAPPYTALK_TIMEOUT_MS`, `…_MAX_ATTEMPTS`,
 * `…_MAX_DELAY_MS`, `…_RETRY_BUDGET_MS`), `HAPPYTALK_SECRET_MAX_AGE_MS` and
 * `ROOM_STORAGE_MARGIN_MS` are optional; the infrastructure derives them from
 * the function's timeout (lib/happytalk/deadline.ts).
 *
 * @param options.completionLag record `CompletionToArchiveSeconds` for every
 *   archive of a finished room: its `completed_at` to the moment the archive
 *   was written
 */
export function createFunctionRuntime(
  variables: EnvironmentOf<typeof HTTP_API_ENVIRONMENT>,
  env: Environment,
  options: { completionLag?: boolean } = {},
): FunctionRuntime {
  const config = archiveConfigOf(variables, { allowLocalToken: false });
  const { logger, metrics } = createObservability(variables);
  const tuning = clientTuningOf(variables);
  const secretMaxAgeMs = variables.HAPPYTALK_SECRET_MAX_AGE_MS;
  const archive = createArchiveService(config, {
    s3: createS3Client(env),
    secretsManager: createSecretsManagerClient(env),
    logger,
    client: tuning,
    ...(secretMaxAgeMs !== undefined ? { secretMaxAgeMs } : {}),
    onFetched: ({ latencyMs, attempts }) => {
      metrics.addMetric(METRIC.upstreamLatency, MetricUnit.Milliseconds, latencyMs);
      metrics.addMetric(METRIC.upstreamAttempts, MetricUnit.Count, attempts);
    },
    // The copy beside each transcript; its key is read only from the secret the stack created.
    redaction: redactionConfigOf(variables, { allowLocalKey: false }),
    onRedactionPending: () => metrics.addMetric(METRIC.redactionPending, MetricUnit.Count, 1),
    ...(options.completionLag
      ? {
          onArchived: ({ final, completedAt, archivedAt }) => {
            if (!final || completedAt === null) return;
            // Clocks differ (HappyTalk's against Lambda's): a lag below zero is reported as none.
            const seconds = Math.max(0, (Date.parse(archivedAt) - Date.parse(completedAt)) / 1000);
            if (Number.isFinite(seconds)) {
              metrics.addMetric(METRIC.completionToArchive, MetricUnit.Seconds, seconds);
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
    storageMarginMs: variables.ROOM_STORAGE_MARGIN_MS ?? DEFAULT_ROOM_DEADLINE.storageMarginMs,
  });
  return { logger, metrics, archive, roomWorstCaseMs: worstCase };
}

/**
 * The HappyTalk client's optional tuning: `HAPPYTALK_TIMEOUT_MS`,
 * `HAPPYTALK_MAX_ATTEMPTS`, `HAPPYTALK_MAX_DELAY_MS`, `HAPPYTALK_RETRY_BUDGET_MS`.
 */
export function clientTuningOf(variables: {
  readonly HAPPYTALK_TIMEOUT_MS?: number | undefined;
  readonly HAPPYTALK_MAX_ATTEMPTS?: number | undefined;
  readonly HAPPYTALK_MAX_DELAY_MS?: number | undefined;
  readonly HAPPYTALK_RETRY_BUDGET_MS?: number | undefined;
}): {
  timeoutMs?: number;
  retry: { maxAttempts?: number; maxDelayMs?: number; totalBudgetMs?: number };
} {
  const {
    HAPPYTALK_TIMEOUT_MS: timeoutMs,
    HAPPYTALK_MAX_ATTEMPTS: maxAttempts,
    HAPPYTALK_MAX_DELAY_MS: maxDelayMs,
    HAPPYTALK_RETRY_BUDGET_MS: totalBudgetMs,
  } = variables;
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
  if (messageCount !== undefined) metrics.addMetric(METRIC.messageCount, MetricUnit.Count, messageCount);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
