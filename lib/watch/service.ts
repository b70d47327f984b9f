import type { S3Port } from '../archive/s3-objects.js';
import { S3ArchiveStore } from '../archive/store.js';
import { type ArchiveConfig, archiveConfigOf, type Environment } from '../config.js';
import {
  type COMPLETION_WATCHER_ENVIRONMENT,
  type EnvironmentOf,
  readEnvironment,
  WATCH_ENVIRONMENT,
} from '../contract/environment.js';
import { credentialsProviderFor } from '../credentials/from-config.js';
import type { SecretsManagerPort } from '../credentials/provider.js';
import type { HappyTalkClientOptions } from '../happytalk/chat-data-client.js';
import { HappyTalkRoomListClient } from '../happytalk/room-list-client.js';
import type { Logger } from '../logger.js';
import { S3WatcherStateStore } from './state.js';
import { type WatcherMemory, type WatchPassReport, type WatchTarget, watchPass } from './watcher.js';

/** How the watcher runs: `WATCH_*` variables, each optional. */
export interface WatchSettings {
  /** `WATCH_INTERVAL_SECONDS` (1–86400, default 300): the time between two passes. */
  readonly intervalSeconds: number;
  /** `WATCH_OVERLAP_MINUTES` (0–1440, default 10): how far before the watermark each pass lists again. */
  readonly overlapMinutes: number;
  /** `WATCH_LOOKBACK_DAYS` (1–31, default 7): the days the listed range reaches back, today included. */
  readonly lookbackDays: number;
}

/** The deployed watcher's configuration: the archive's, the watcher's and the archive queue. */
export interface WatchConfig extends ArchiveConfig, WatchSettings {
  /** `ARCHIVE_QUEUE_URL`: where the rooms to archive are sent. */
  readonly queueUrl: string;
}

/** Reads the `WATCH_*` settings, failing fast with the name of a bad variable. */
export function readWatchSettings(env: Environment): WatchSettings {
  return watchSettingsOf(readEnvironment(WATCH_ENVIRONMENT, env));
}

/** The `WATCH_*` variables once read. */
export function watchSettingsOf(variables: {
  readonly WATCH_INTERVAL_SECONDS: number;
  readonly WATCH_OVERLAP_MINUTES: number;
  readonly WATCH_LOOKBACK_DAYS: number;
}): WatchSettings {
  return {
    intervalSeconds: variables.WATCH_INTERVAL_SECONDS,
    overlapMinutes: variables.WATCH_OVERLAP_MINUTES,
    lookbackDays: variables.WATCH_LOOKBACK_DAYS,
  };
}

/** The deployed watcher's configuration of its variables once read. */
export function watchConfigOf(variables: EnvironmentOf<typeof COMPLETION_WATCHER_ENVIRONMENT>): WatchConfig {
  return {
    ...archiveConfigOf(variables, { allowLocalToken: false }),
    ...watchSettingsOf(variables),
    queueUrl: variables.ARCHIVE_QUEUE_URL,
  };
}

export interface CompletionWatcherOptions {
  readonly s3: S3Port;
  /** Required when the credentials come from a secret. */
  readonly secretsManager?: SecretsManagerPort;
  /** Where the rooms the archive lacks go. */
  readonly target: WatchTarget;
  /** Where the watermark starts when there is none yet. */
  readonly firstWatermark: (now: Date) => Date;
  readonly logger?: Logger;
  /** Overrides of the HappyTalk client's timeout, retries or fetch. */
  readonly client?: Omit<HappyTalkClientOptions, 'credentials' | 'baseUrl' | 'logger'>;
  readonly now?: () => Date;
}

/** {@link watchPass} wired to HappyTalk's room list, the archive's index and the watcher state in S3. */
export function createCompletionWatcher(
  config: ArchiveConfig & WatchSettings,
  options: CompletionWatcherOptions,
): { runPass(): Promise<WatchPassReport> } {
  const rooms = new HappyTalkRoomListClient({
    ...options.client,
    credentials: credentialsProviderFor(config.credentials, {
      ...(options.secretsManager ? { secretsManager: options.secretsManager } : {}),
    }),
    baseUrl: config.baseUrl,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const index = new S3ArchiveStore({ client: options.s3, bucket: config.bucket });
  const state = new S3WatcherStateStore({ store: index });
  // Lives as long as the watcher: a warm execution environment's memory of its passes.
  const memory: WatcherMemory = {};
  return {
    runPass: () =>
      watchPass({
        rooms,
        index,
        state,
        target: options.target,
        timeZone: config.timeZone,
        finalStatuses: config.finalStatuses,
        overlapMinutes: config.overlapMinutes,
        lookbackDays: config.lookbackDays,
        firstWatermark: options.firstWatermark,
        memory,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.now ? { now: options.now } : {}),
      }),
  };
}
