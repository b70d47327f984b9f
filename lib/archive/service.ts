import type { AttachmentArchiver, AttachmentStepResult } from '../attachments/archive-attachments.js';
import type { AttachmentDownloaderOptions } from '../attachments/download.js';
import { attachmentStepNeeded } from '../attachments/warnings.js';
import type { ArchiveConfig, AttachmentConfig, RedactionConfig } from '../config.js';
import { credentialsProviderFor } from '../credentials/from-config.js';
import type { SecretsManagerPort } from '../credentials/provider.js';
import { HappyTalkClient, type HappyTalkClientOptions } from '../happytalk/chat-data-client.js';
import type { Logger } from '../logger.js';
import { redactedCopiesFor } from '../redaction/copy.js';
import {
  type ArchivedRoom,
  type ArchiveRoomDeps,
  type ArchiveRoomOptions,
  type ArchiveSummary,
  archiveRoom,
  type FetchObservation,
} from './archive-room.js';
import type { S3Port } from './s3-objects.js';
import { S3ArchiveStore } from './store.js';

export interface ArchiveServiceOptions {
  readonly s3: S3Port;
  /** Required when the credentials come from a secret. */
  readonly secretsManager?: SecretsManagerPort;
  readonly logger?: Logger;
  /** Overrides of the HappyTalk client's timeout, retries or fetch. */
  readonly client?: Omit<HappyTalkClientOptions, 'credentials' | 'baseUrl' | 'logger'>;
  /** How long the secret is cached, in ms. */
  readonly secretMaxAgeMs?: number;
  readonly onFetched?: (observation: FetchObservation) => void;
  readonly onArchived?: (archived: ArchivedRoom) => void;
  /**
   * The redacted copy written beside every transcript: its settings (a key
   * in a secret is read with `secretsManager`). Absent or off: no copy.
   */
  readonly redaction?: RedactionConfig;
  readonly onRedactionPending?: ArchiveRoomDeps['onRedactionPending'];
  /**
   * Downloader options beyond the configuration: `allowLoopback` and `lookup`,
   * for tests and the local stack only.
   */
  readonly attachments?: Pick<AttachmentDownloaderOptions, 'allowLoopback' | 'lookup'>;
}

/** The archive use case wired to its adapters: what the CLI, the functions and the local stack share. */
export interface ArchiveService {
  readonly deps: ArchiveRoomDeps;
  readonly store: S3ArchiveStore;
  readonly client: HappyTalkClient;
  archive(roomId: unknown, options?: ArchiveRoomOptions): Promise<ArchiveSummary>;
}

/**
 * The attachment step, its code loaded the first time a room has an image to
 * archive (the downloader, its address policy and its queue are no part of a
 * cold start, nor of a room without images).
 */
function lazyAttachmentStep(
  config: AttachmentConfig,
  store: S3ArchiveStore,
  overrides: ArchiveServiceOptions['attachments'],
): Pick<AttachmentArchiver, 'archive'> {
  let archiver: Promise<AttachmentArchiver> | undefined;
  const load = async () => {
    const [{ AttachmentArchiver }, { AttachmentDownloader }] = await Promise.all([
      import('../attachments/archive-attachments.js'),
      import('../attachments/download.js'),
    ]);
    return new AttachmentArchiver({
      source: new AttachmentDownloader({
        allowlist: config.hostAllowlist,
        maxBytes: config.maxBytes,
        timeoutMs: config.timeoutMs,
        maxRedirects: config.maxRedirects,
        contentTypes: config.contentTypes,
        ...overrides,
      }),
      store,
      maxPerRoom: config.maxPerRoom,
      concurrency: config.concurrency,
      budgetMs: config.budgetMs,
    });
  };
  return {
    async archive(transcript, rawMessages): Promise<AttachmentStepResult> {
      if (!attachmentStepNeeded(transcript)) return { linked: 0, pending: 0, failures: [] };
      archiver ??= load().catch((error: unknown) => {
        archiver = undefined;
        throw error;
      });
      return (await archiver).archive(transcript, rawMessages);
    },
  };
}

/** Wires {@link archiveRoom} from a validated configuration and the SDK clients. */
export function createArchiveService(config: ArchiveConfig, options: ArchiveServiceOptions): ArchiveService {
  const client = new HappyTalkClient({
    ...options.client,
    credentials: credentialsProviderFor(config.credentials, {
      ...(options.secretsManager ? { secretsManager: options.secretsManager } : {}),
      ...(options.secretMaxAgeMs !== undefined ? { maxAgeMs: options.secretMaxAgeMs } : {}),
    }),
    baseUrl: config.baseUrl,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const store = new S3ArchiveStore({ client: options.s3, bucket: config.bucket });
  const attachments = config.attachments?.enabled
    ? lazyAttachmentStep(config.attachments, store, options.attachments)
    : undefined;
  const secretsManager = options.secretsManager;
  const redaction = options.redaction
    ? redactedCopiesFor(options.redaction, secretsManager ? () => secretsManager : undefined)
    : undefined;
  const deps: ArchiveRoomDeps = {
    source: client,
    store,
    ...(attachments ? { attachments } : {}),
    ...(redaction ? { redaction } : {}),
    ...(options.onRedactionPending ? { onRedactionPending: options.onRedactionPending } : {}),
    timeZone: config.timeZone,
    finalStatuses: config.finalStatuses,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onFetched ? { onFetched: options.onFetched } : {}),
    ...(options.onArchived ? { onArchived: options.onArchived } : {}),
  };
  return {
    deps,
    store,
    client,
    archive: (roomId, archiveOptions) => archiveRoom(roomId, deps, archiveOptions),
  };
}
