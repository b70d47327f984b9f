import type { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  COUNSELOR_OPTIONS,
  type CounselorOption,
  HAPPYTALK_BASE_URLS as HAPPYTALK_HOSTS,
  REDACTION_MASKS,
  type RedactionMask,
} from '../lib/contract/environment.js';

export type HappyTalkEnvironment = 'prod' | 'dev';
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';
export type HttpApiAuthorization = 'iam' | 'none';

export const HAPPYTALK_ENVIRONMENTS: readonly HappyTalkEnvironment[] = ['prod', 'dev'];
export const OBJECT_LOCK_MODES: readonly ObjectLockMode[] = ['GOVERNANCE', 'COMPLIANCE'];
export const HTTP_API_AUTHORIZATIONS: readonly HttpApiAuthorization[] = ['iam', 'none'];
export { COUNSELOR_OPTIONS, type CounselorOption, REDACTION_MASKS, type RedactionMask };

/** The HappyTalk host each environment calls. */
export const HAPPYTALK_BASE_URLS: Readonly<Record<HappyTalkEnvironment, string>> = HAPPYTALK_HOSTS;

/**
 * Settings of {@link HappyTalkArchive}. Every property is optional; the defaults
 * suit a production account archiving for three years.
 */
export interface HappyTalkArchiveProps {
  /**
   * Directory holding the function bundles built by `npm run build`:
   * `<functionsDir>/http-api/index.mjs` and `<functionsDir>/archive-events/index.mjs`.
   * @default `dist/functions` of this repository
   */
  readonly functionsDir?: string;

  /**
   * Which HappyTalk host the functions call: `prod` (`https://customer.happytalk.io`)
   * or `dev` (`https://patch-customer.happytalk.io`).
   * @default 'prod'
   */
  readonly happytalkEnv?: HappyTalkEnvironment;

  /**
   * An explicit HappyTalk base URL (https only) that overrides `happytalkEnv`.
   * @default - the host of `happytalkEnv`
   */
  readonly happytalkBaseUrl?: string;

  /**
   * IANA time zone HappyTalk reports local times in.
   * @default 'Asia/Seoul'
   */
  readonly happytalkTimezone?: string;

  /**
   * Object Lock default retention of every archived object version, in days (1–36500).
   * @default 1095 (three years)
   */
  readonly retentionDays?: number;

  /**
   * Object Lock mode of the default retention. `GOVERNANCE` lets a principal with
   * `s3:BypassGovernanceRetention` delete early (e.g. to honour an erasure request);
   * `COMPLIANCE` lets nobody, not even the account root, until the retention ends.
   * @default 'GOVERNANCE'
   */
  readonly objectLockMode?: ObjectLockMode;

  /**
   * Expire current objects when their retention period ends, so records are
   * destroyed once the purpose of keeping them has ended. `false` keeps them
   * indefinitely.
   * @default true
   */
  readonly expireAfterRetention?: boolean;

  /**
   * Days after which a replaced or expired (noncurrent) version is deleted, once
   * its Object Lock retention allows it (1–36500).
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;

  /**
   * Days the S3 server access logs of the archive bucket are kept (1–36500).
   * @default 365
   */
  readonly accessLogExpirationDays?: number;

  /**
   * Name of an existing Secrets Manager secret holding the HappyTalk token, instead
   * of the one this construct creates. Mutually exclusive with `existingSecretArn`.
   * @default - a new secret is created
   */
  readonly existingSecretName?: string;

  /**
   * Complete ARN (with its 6-character suffix) of an existing secret holding the
   * HappyTalk token. Mutually exclusive with `existingSecretName`.
   * @default - a new secret is created
   */
  readonly existingSecretArn?: string;

  /**
   * ARN of the customer-managed KMS key the existing secret is encrypted with, so
   * the functions may decrypt it through Secrets Manager. Leave unset when the
   * secret uses the AWS managed key `aws/secretsmanager`.
   * @default - no extra key grant
   */
  readonly existingSecretKeyArn?: string;

  /**
   * Memory of each function in MB (128–10240).
   * @default 768 (about the smallest setting that archives a 50 MiB HappyTalk answer with the redacted copy, 576 without it: docs/PERFORMANCE.md §4)
   */
  readonly memorySize?: number;

  /**
   * Timeout of the `http-api` function (1–29 s: HTTP APIs give up on an integration after 30 s).
   * @default Duration.seconds(29)
   */
  readonly httpApiTimeout?: Duration;

  /**
   * Timeout of the `archive-events` function (1–900 s).
   * @default Duration.seconds(60)
   */
  readonly archiveEventsTimeout?: Duration;

  /**
   * Retention of the functions' and the HTTP API's log groups.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;

  /**
   * How callers of the HTTP API authenticate: `iam` (SigV4-signed requests, allowed
   * by `execute-api:Invoke`) or `none`. `none` leaves personal data readable by
   * anyone who knows the URL and a room id: only for a private test account.
   * @default 'iam'
   */
  readonly httpApiAuthorization?: HttpApiAuthorization;

  /**
   * Steady-state requests per second the HTTP API accepts (default stage).
   * @default 10
   */
  readonly throttleRateLimit?: number;

  /**
   * Burst of requests the HTTP API accepts (default stage).
   * @default 20
   */
  readonly throttleBurstLimit?: number;

  /**
   * EventBridge bus HappyTalk's "chat completed" events arrive on.
   * @default 'default'
   */
  readonly eventBusName?: string;

  /**
   * `source` of the events to archive.
   * @default 'happytalk'
   */
  readonly eventSource?: string;

  /**
   * `detail-type` of the events to archive.
   * @default 'Chat Completed'
   */
  readonly eventDetailType?: string;

  /**
   * Messages per `archive-events` invocation (1–10). The records of a batch are
   * archived one after another and one room may take its whole worst case
   * (HappyTalk's timeout and retries, the images, the writes: derived from
   * `archiveEventsTimeout`), so more than one needs a timeout that holds that
   * many worst cases; synth refuses a batch that does not fit.
   * @default 1
   */
  readonly batchSize?: number;

  /**
   * Most concurrent `archive-events` invocations the queue drives (2–1000). It
   * bounds the load put on the HappyTalk API.
   * @default 2
   */
  readonly maxConcurrency?: number;

  /**
   * Receives of a message before it moves to the dead-letter queue (1–1000).
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * Visibility timeout of the archive queue; at least 6 × `archiveEventsTimeout`, as
   * AWS recommends for Lambda event sources.
   * @default 6 × `archiveEventsTimeout`
   */
  readonly queueVisibilityTimeout?: Duration;

  /**
   * Email address subscribed to the alarm topic (it must confirm the subscription).
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * When the reconciliation runs: an EventBridge `cron(...)` or `rate(...)` expression, in UTC.
   * @default 'cron(30 18 * * ? *)' (daily at 03:30 in Seoul)
   */
  readonly reconcileSchedule?: string;

  /**
   * Days the reconciliation looks back, today included (1–31).
   * @default 2
   */
  readonly reconcileWindowDays?: number;

  /**
   * Alarm when the reconciliation found gaps on this many consecutive days (1–7).
   * @default 3
   */
  readonly reconcileGapAlarmDays?: number;

  /**
   * How often the completion watcher lists the rooms HappyTalk finished and
   * sends the ones not archived to the archive queue (whole minutes, 1 to
   * 1440), or `'off'` for no watcher (events, reconcile and backfill only).
   * @default Duration.minutes(5)
   */
  readonly completionWatchInterval?: Duration | 'off';

  /**
   * How far before its watermark each watcher run lists again, for clock skew
   * and rooms HappyTalk writes late (whole minutes, 0 to 1440).
   * @default Duration.minutes(10)
   */
  readonly completionWatchOverlap?: Duration;

  /**
   * Days the watcher's listing reaches back, today included (1–31): a room
   * registered that long before it finishes is still found.
   * @default 7
   */
  readonly completionWatchLookbackDays?: number;

  /**
   * The statuses of a finished room, the one definition the event path, the
   * watcher, reconcile and backfill share: `2` completed and `4` ended in the
   * chatbot; add `3` to archive deleted rooms as finished.
   * @default ['2', '4']
   */
  readonly finalStatuses?: readonly string[];

  /**
   * Write a redacted copy of every transcript beside it
   * (`redacted/year=YYYY/month=MM/day=DD/<room_id>.json`), for analytics:
   * personal data found in free text replaced, the customer's ids by keyed
   * pseudonyms. The stack creates the pseudonym key's secret, and `grantQuery`
   * gives the copies' tables only. `false`: no copy, no key.
   * @default true
   */
  readonly redactedCopy?: boolean;

  /**
   * What a finding becomes in the redacted copy: `type` (`[PHONE]`, `[RRN]`, …)
   * or `pii` (`[PII]`, whatever it is).
   * @default 'type'
   */
  readonly redactionMask?: RedactionMask;

  /**
   * Counselors' names and ids in the redacted copy: `keep` them, or
   * `pseudonymize` them like the customer's.
   * @default 'keep'
   */
  readonly redactionCounselors?: CounselorOption;

  /**
   * Name of the Glue database holding the `rooms` table and the `messages` view
   * (unique in the account and region).
   * @default - the stack name in lower case, other characters than letters and digits as `_`
   *   (`happytalkarchive` for the stack `HappyTalkArchive`)
   */
  readonly glueDatabaseName?: string;

  /**
   * Name of the Athena workgroup for queries of the redacted copies (unique in the account and
   * region); the workgroup for queries of the full transcripts is this name with `-full`, so it
   * has at most 123 characters.
   * @default - the stack name
   */
  readonly athenaWorkGroupName?: string;

  /**
   * Athena cancels a query of either workgroup once it has scanned this many MB (at least 10).
   * @default 10240 (10 GB)
   */
  readonly athenaBytesScannedCutoffMb?: number;
}
