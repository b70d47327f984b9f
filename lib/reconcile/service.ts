import type { S3Port } from '../archive/s3-objects.js';
import { S3ArchiveStore } from '../archive/store.js';
import { type ArchiveConfig, archiveConfigOf, type Environment } from '../config.js';
import { type EnvironmentOf, RECONCILE_ENVIRONMENT, readEnvironment } from '../contract/environment.js';
import { credentialsProviderFor } from '../credentials/from-config.js';
import type { SecretsManagerPort } from '../credentials/provider.js';
import type { HappyTalkClientOptions } from '../happytalk/chat-data-client.js';
import { HappyTalkRoomListClient } from '../happytalk/room-list-client.js';
import type { Logger } from '../logger.js';
import { SqsArchiveRequestQueue, type SqsPort } from '../queue/archive-requests.js';
import { type ReconcileReport, reconcile } from './reconcile.js';

/** The reconciliation's settings, beside the archive's. */
export interface ReconcileConfig extends ArchiveConfig {
  /** `ARCHIVE_QUEUE_URL`: where gaps are sent. */
  readonly queueUrl: string;
  /** `RECONCILE_WINDOW_DAYS` (1–31, default 2). */
  readonly windowDays: number;
  /** `RECONCILE_GRACE_MINUTES` (0–1440, default 30). */
  readonly graceMinutes: number;
}

/**
 * Reads the reconciliation's configuration: the archive's (bucket, HappyTalk
 * host, zone, secret) and `ARCHIVE_QUEUE_URL`, `RECONCILE_WINDOW_DAYS`,
 * `RECONCILE_GRACE_MINUTES`, failing fast with the name of a bad variable.
 */
export function readReconcileConfig(env: Environment): ReconcileConfig {
  return reconcileConfigOf(readEnvironment(RECONCILE_ENVIRONMENT, env));
}

/** The reconciliation's configuration of its variables once read. */
export function reconcileConfigOf(variables: EnvironmentOf<typeof RECONCILE_ENVIRONMENT>): ReconcileConfig {
  return {
    ...archiveConfigOf(variables, { allowLocalToken: false }),
    queueUrl: variables.ARCHIVE_QUEUE_URL,
    windowDays: variables.RECONCILE_WINDOW_DAYS,
    graceMinutes: variables.RECONCILE_GRACE_MINUTES,
  };
}

export interface ReconcilerOptions {
  readonly s3: S3Port;
  readonly secretsManager: SecretsManagerPort;
  readonly sqs: SqsPort;
  readonly logger?: Logger;
  /** Overrides of the HappyTalk client's timeout, retries or fetch. */
  readonly client?: Omit<HappyTalkClientOptions, 'credentials' | 'baseUrl' | 'logger'>;
  readonly now?: () => Date;
}

/** {@link reconcile} wired to HappyTalk's room list, the archive's index and the archive queue. */
export function createReconciler(
  config: ReconcileConfig,
  options: ReconcilerOptions,
): { run(): Promise<ReconcileReport> } {
  const rooms = new HappyTalkRoomListClient({
    ...options.client,
    credentials: credentialsProviderFor(config.credentials, { secretsManager: options.secretsManager }),
    baseUrl: config.baseUrl,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const index = new S3ArchiveStore({ client: options.s3, bucket: config.bucket });
  const queue = new SqsArchiveRequestQueue({
    client: options.sqs,
    queueUrl: config.queueUrl,
    source: 'happytalk-archive.reconcile',
  });
  return {
    run: () =>
      reconcile({
        rooms,
        index,
        queue,
        timeZone: config.timeZone,
        finalStatuses: config.finalStatuses,
        windowDays: config.windowDays,
        graceMinutes: config.graceMinutes,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.now ? { now: options.now } : {}),
      }),
  };
}
