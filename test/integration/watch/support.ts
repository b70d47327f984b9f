/**
 * The completion watcher against the simulator and s3rver, on a fake clock: a
 * HappyTalk day plays out in seconds. The local S3 honours conditional writes
 * and records every version written.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { LocalS3 } from '../../../dev/aws/s3/index.js';
import type { LiveRoomPlan } from '../../../dev/simulator/index.js';
import { archiveRoom } from '../../../lib/archive/archive-room.js';
import type { IndexRecord } from '../../../lib/archive/index-record.js';
import type { S3Port } from '../../../lib/archive/s3-objects.js';
import { createArchiveService } from '../../../lib/archive/service.js';
import { createS3Client, createSecretsManagerClient } from '../../../lib/aws.js';
import { readArchiveConfig } from '../../../lib/config.js';
import { createCompletionWatcher, readWatchSettings } from '../../../lib/watch/service.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

export const MINUTE = 60_000;

export interface WatchWorld {
  readonly clock: { now: Date };
  readonly stack: TestStack;
  /** The local S3: conditional writes honoured, every version recorded. */
  readonly front: LocalS3;
  readonly s3: S3Client;
  /** A watcher archiving with this clock (or its own), as `happytalk-archive watch` does. */
  watcher(options?: { now?: () => Date; first?: Date; s3?: S3Port }): {
    runPass: ReturnType<typeof createCompletionWatcher>['runPass'];
  };
  /** The index of a room, or undefined. */
  index(roomId: string): Promise<IndexRecord | undefined>;
  /** How many transcript versions were written for a room. */
  transcriptVersions(roomId: string): number;
  close(): Promise<void>;
}

export async function startWatchWorld(start: Date, liveRooms: readonly LiveRoomPlan[]): Promise<WatchWorld> {
  const clock = { now: start };
  const stack = await startTestStack({ simulator: { clock: () => clock.now, liveRooms, rooms: [] } });
  const front = stack.s3;
  const env = stack.env;
  const s3 = createS3Client(env);
  const secretsManager = createSecretsManagerClient(env);
  const config = { ...readArchiveConfig(env, { allowLocalToken: false }), ...readWatchSettings(env) };
  // No retries in the call: a failing HappyTalk fails the pass at once (the next pass is the retry).
  const client = { retry: { maxAttempts: 1 } };
  return {
    clock,
    stack,
    front,
    s3,
    watcher: (options = {}) => {
      const now = options.now ?? (() => clock.now);
      const client3 = options.s3 ?? s3;
      const service = createArchiveService(config, { s3: client3, secretsManager, client });
      return createCompletionWatcher(config, {
        s3: client3,
        secretsManager,
        client,
        target: {
          kind: 'archive',
          archive: (roomId) => archiveRoom(roomId, { ...service.deps, now }),
          concurrency: 4,
        },
        firstWatermark: () => options.first ?? start,
        now,
      });
    },
    index: (roomId) => createArchiveService(config, { s3, secretsManager }).store.readIndex(roomId),
    transcriptVersions: (roomId) =>
      front.versions.filter(
        (version) => version.key.startsWith('transcripts/') && version.key.endsWith(`/${roomId}.json`),
      ).length,
    close: async () => {
      s3.destroy();
      await stack.close();
    },
  };
}

/** The value below which `share` of the sorted values fall (nearest rank). */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(share * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
