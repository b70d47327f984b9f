import { Duration, Token } from 'aws-cdk-lib';
import {
  DEFAULT_ROOM_DEADLINE,
  type RoomDeadline,
  roomDeadlineFor,
  roomWorstCaseMs,
} from '../../lib/happytalk/deadline.js';
import { ArchiveConfigError } from '../errors.js';
import { HAPPYTALK_BASE_URLS, type HappyTalkArchiveProps } from '../props.js';
import { type CheckedProps, checkProps } from './table.js';
import { type SecretSource, secretSource } from './validators.js';

/** The props with defaults applied and validated, and what follows from several of them. */
export interface ArchiveSettings
  extends Omit<
    CheckedProps,
    | 'happytalkEnv'
    | 'happytalkBaseUrl'
    | 'existingSecretName'
    | 'existingSecretArn'
    | 'existingSecretKeyArn'
    | 'queueVisibilityTimeout'
  > {
  /** `happytalkBaseUrl`, else the host of `happytalkEnv`. */
  readonly happytalkBaseUrl: string;
  readonly secretSource: SecretSource;
  readonly queueVisibilityTimeout: Duration;
  /** How one room fits in each archiving function's timeout. */
  readonly httpApiRoomDeadline: RoomDeadline;
  readonly archiveEventsRoomDeadline: RoomDeadline;
}

/**
 * Checks every prop by its row of the settings table, then what props decide
 * together: the queue's visibility timeout against `archiveEventsTimeout`, a
 * batch against the time one room may take, the secret props.
 *
 * @throws ArchiveConfigError naming the prop and the value received
 */
export function resolveSettings(props: HappyTalkArchiveProps): ArchiveSettings {
  const {
    happytalkEnv,
    happytalkBaseUrl,
    existingSecretName,
    existingSecretArn,
    existingSecretKeyArn,
    queueVisibilityTimeout: givenVisibility,
    ...checked
  } = checkProps(props);
  const { archiveEventsTimeout, httpApiTimeout, batchSize } = checked;

  const minimumVisibility = archiveEventsTimeout.toSeconds() * 6;
  const queueVisibilityTimeout = givenVisibility ?? Duration.seconds(minimumVisibility);
  if (
    !Token.isUnresolved(queueVisibilityTimeout.toSeconds()) &&
    (queueVisibilityTimeout.toSeconds() < minimumVisibility || queueVisibilityTimeout.toSeconds() > 43_200)
  ) {
    throw new ArchiveConfigError(
      `queueVisibilityTimeout must be at least 6 × archiveEventsTimeout (${minimumVisibility} s) and at most ` +
        `43200 s, got ${queueVisibilityTimeout.toSeconds()} s`,
    );
  }

  const archiveEventsRoomDeadline = roomDeadlineFor(archiveEventsTimeout.toMilliseconds(), {
    attachmentShare: 1 / 4,
    attachmentMaxMs: DEFAULT_ROOM_DEADLINE.attachmentBudgetMs,
  });
  // A batch is archived room after room: every room must be able to take its worst case before the
  // timeout, or a timeout returns the whole batch, healthy records included (their receive counts rise).
  const roomSeconds = Math.ceil(roomWorstCaseMs(archiveEventsRoomDeadline) / 1000);
  if (batchSize * roomSeconds > archiveEventsTimeout.toSeconds()) {
    throw new ArchiveConfigError(
      `batchSize ${batchSize} needs archiveEventsTimeout of at least ${batchSize * roomSeconds} s ` +
        `(one room may take ${roomSeconds} s), got ${archiveEventsTimeout.toSeconds()} s`,
    );
  }

  return {
    ...checked,
    happytalkBaseUrl: happytalkBaseUrl ?? HAPPYTALK_BASE_URLS[happytalkEnv],
    secretSource: secretSource({ existingSecretName, existingSecretArn, existingSecretKeyArn }),
    queueVisibilityTimeout,
    httpApiRoomDeadline: roomDeadlineFor(httpApiTimeout.toMilliseconds(), {
      attachmentShare: 1 / 6,
      attachmentMaxMs: 5_000,
    }),
    archiveEventsRoomDeadline,
  };
}
