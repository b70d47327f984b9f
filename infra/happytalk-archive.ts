import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Aspects, Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Effect, Grant, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type LifecycleRule,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DEFAULT_ROOM_DEADLINE,
  type RoomDeadline,
  roomDeadlineEnvironment,
  roomDeadlineFor,
  roomWorstCaseMs,
} from '../lib/deadline.js';
import { FinalStatuses } from '../lib/happytalk/finality.js';
import { ArchiveAnalytics, MESSAGES_VIEW, ROOMS_TABLE } from './analytics.js';
import { createArchiveFunction, EncryptLogGroups } from './archive-function.js';
import { CompletionWatchSchedule, WATCHER_STATE_PREFIX } from './completion-watcher.js';
import { ArchiveConfigError } from './errors.js';
import { ArchiveReconciliation } from './reconciliation.js';

export type HappyTalkEnvironment = 'prod' | 'dev';
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';
export type HttpApiAuthorization = 'iam' | 'none';

export const HAPPYTALK_ENVIRONMENTS: readonly HappyTalkEnvironment[] = ['prod', 'dev'];
export const OBJECT_LOCK_MODES: readonly ObjectLockMode[] = ['GOVERNANCE', 'COMPLIANCE'];
export const HTTP_API_AUTHORIZATIONS: readonly HttpApiAuthorization[] = ['iam', 'none'];

/** The HappyTalk host each environment calls. */
export const HAPPYTALK_BASE_URLS: Readonly<Record<HappyTalkEnvironment, string>> = {
  prod: 'https://customer.happytalk.io',
  dev: 'https://patch-customer.happytalk.io',
};

/** The routes of the HTTP API, as `grantInvokeApi` takes them. */
export const API_ROUTES = [
  'POST /rooms/{room_id}/archive',
  'GET /rooms/{room_id}/archive',
  'GET /rooms/{room_id}/archive/versions',
] as const;
export type ApiRoute = (typeof API_ROUTES)[number];

/** The bundles `npm run build` writes, one directory each under `functionsDir`. */
export const FUNCTION_BUNDLES = [
  'http-api',
  'retrieval-api',
  'archive-events',
  'reconcile',
  'completion-watcher',
] as const;

/** Key prefixes the functions write; `lib/archive/keys.ts` decides what goes under each. */
export const ARCHIVE_PREFIXES = {
  raw: 'raw/',
  transcripts: 'transcripts/',
  index: 'index/',
  attachments: 'attachments/',
} as const;

/** Why each archive prefix is granted with a wildcard: the cdk-nag acknowledgement of its IAM5 finding. */
const ARCHIVE_PREFIX_REASONS: Readonly<
  Record<(typeof ARCHIVE_PREFIXES)[keyof typeof ARCHIVE_PREFIXES], string>
> = {
  [ARCHIVE_PREFIXES.raw]:
    'Room keys are raw/year=YYYY/month=MM/day=DD/<room_id>.json, decided at run time: objects under raw/ ' +
    'are the narrowest resource that covers them.',
  [ARCHIVE_PREFIXES.transcripts]:
    'Room keys are transcripts/year=YYYY/month=MM/day=DD/<room_id>.json, decided at run time: objects under ' +
    'transcripts/ are the narrowest resource that covers them.',
  [ARCHIVE_PREFIXES.index]:
    'Room keys are index/rooms/<room_id>.json, decided at run time: objects under index/ are the narrowest ' +
    'resource that covers them.',
  [ARCHIVE_PREFIXES.attachments]:
    'Attachment keys are attachments/<sha256 of the image>, decided at run time: objects under ' +
    'attachments/ are the narrowest resource that covers them.',
};

const DEFAULT_FUNCTIONS_DIR = fileURLToPath(new URL('../dist/functions/', import.meta.url));

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
   * @default 768 (the smallest setting that archives a 50 MB HappyTalk answer is 640 MB: docs/PERFORMANCE.md)
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
   * Name of the Glue database holding the `rooms` table and the `messages` view
   * (unique in the account and region).
   * @default - the stack name in lower case, other characters than letters and digits as `_`
   *   (`happytalkarchive` for the stack `HappyTalkArchive`)
   */
  readonly glueDatabaseName?: string;

  /**
   * Name of the Athena workgroup for queries over the archive (unique in the account and region).
   * @default - the stack name
   */
  readonly athenaWorkGroupName?: string;

  /**
   * Athena cancels a query of the workgroup once it has scanned this many MB (at least 10).
   * @default 10240 (10 GB)
   */
  readonly athenaBytesScannedCutoffMb?: number;
}

/** Props with defaults applied and validated. */
interface ArchiveSettings {
  readonly functionsDir: string;
  readonly happytalkBaseUrl: string;
  readonly happytalkTimezone: string;
  readonly retentionDays: number;
  readonly objectLockMode: ObjectLockMode;
  readonly expireAfterRetention: boolean;
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
  readonly secretSource: SecretSource;
  readonly memorySize: number;
  readonly httpApiTimeout: Duration;
  readonly archiveEventsTimeout: Duration;
  readonly logRetention: RetentionDays;
  readonly httpApiAuthorization: HttpApiAuthorization;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly eventDetailType: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly maxReceiveCount: number;
  readonly queueVisibilityTimeout: Duration;
  readonly alarmEmail: string | undefined;
  readonly reconcileSchedule: string;
  readonly reconcileWindowDays: number;
  readonly reconcileGapAlarmDays: number;
  readonly completionWatchInterval: Duration | 'off';
  readonly completionWatchOverlap: Duration;
  readonly completionWatchLookbackDays: number;
  readonly finalStatuses: readonly string[];
  /** Undefined: derived from the stack name. */
  readonly glueDatabaseName: string | undefined;
  readonly athenaWorkGroupName: string | undefined;
  readonly athenaBytesScannedCutoffMb: number;
  /** How one room fits in each archiving function's timeout. */
  readonly httpApiRoomDeadline: RoomDeadline;
  readonly archiveEventsRoomDeadline: RoomDeadline;
}

type SecretSource =
  | { readonly kind: 'created' }
  | { readonly kind: 'name'; readonly name: string; readonly keyArn: string | undefined }
  | { readonly kind: 'arn'; readonly arn: string; readonly keyArn: string | undefined };

/**
 * The HappyTalk transcript archive: an Object-Locked, KMS-encrypted S3 bucket,
 * the `http-api` function behind an IAM-authorized HTTP API, the
 * `archive-events` function fed by EventBridge through an SQS queue, the
 * HappyTalk token secret, alarms to an SNS topic, the scheduled `reconcile`
 * function ({@link ArchiveReconciliation}) and SQL over the archive with Glue
 * and Athena ({@link ArchiveAnalytics}).
 *
 * Deploys the prebuilt bundles of `npm run build` as they are.
 */
export class HappyTalkArchive extends Construct {
  /** The archive bucket (versioned, Object Lock, SSE-KMS). */
  readonly bucket: Bucket;
  /** The customer-managed key of the archive bucket (and of the created secret). */
  readonly key: Key;
  /** The bucket receiving the archive bucket's server access logs. */
  readonly accessLogBucket: Bucket;
  /** The secret holding the HappyTalk token. */
  readonly secret: ISecret;
  /** The ARN the functions' IAM policy names for the secret (a `-??????` pattern for a secret imported by name). */
  readonly secretArnForPolicy: string;
  /** What the functions receive as `HAPPYTALK_SECRET_ID`: the secret's ARN, or its name when imported by name. */
  readonly secretId: string;
  readonly httpApiFunction: LambdaFunction;
  /** The read-only function behind the GET routes: it can read the archive, never write it. */
  readonly retrievalFunction: LambdaFunction;
  readonly archiveEventsFunction: LambdaFunction;
  readonly httpApi: HttpApi;
  readonly httpApiStage: HttpStage;
  /** Base URL of the HTTP API, ending in `/`. */
  readonly apiUrl: string;
  /** The queue between the EventBridge rule and `archive-events`. */
  readonly queue: Queue;
  /** Dead-letter queue of `queue`; `archive-events` also sends permanent failures here. */
  readonly deadLetterQueue: Queue;
  /** Dead-letter queue of the rule target: events EventBridge could not deliver to `queue`. */
  readonly ruleDeadLetterQueue: Queue;
  readonly rule: Rule;
  readonly alarmTopic: Topic;
  readonly alarms: readonly Alarm[];
  /** The scheduled `reconcile` function that queues the rooms the archive missed. */
  readonly reconciliation: ArchiveReconciliation;
  /** The completion watcher: its function and its schedule; undefined with `completionWatchInterval: 'off'`. */
  readonly completionWatcher:
    | { readonly function: LambdaFunction; readonly schedule: CompletionWatchSchedule }
    | undefined;
  /** The Glue database, `rooms` table, `messages` view and Athena workgroup over `transcripts/`. */
  readonly analytics: ArchiveAnalytics;

  constructor(scope: Construct, id: string, props: HappyTalkArchiveProps = {}) {
    super(scope, id);
    const settings = resolveSettings(props);

    this.key = new Key(this, 'ArchiveKey', {
      description:
        'Encrypts the HappyTalk transcript archive, the HappyTalk token secret and the log groups of the archive',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allowCloudWatchLogs(this.key);
    // Every log group of the archive (room ids, caller ARNs) is encrypted with the key, one added later too.
    Aspects.of(this).add(new EncryptLogGroups(this.key));

    this.accessLogBucket = this.createAccessLogBucket(settings);
    this.bucket = this.createArchiveBucket(settings);

    const secret = this.resolveSecret(settings.secretSource);
    this.secret = secret.secret;
    this.secretArnForPolicy = secret.arnForPolicy;
    this.secretId = secret.secretId;

    const commonEnvironment: Record<string, string> = {
      ARCHIVE_BUCKET: this.bucket.bucketName,
      HAPPYTALK_SECRET_ID: this.secretId,
      HAPPYTALK_BASE_URL: settings.happytalkBaseUrl,
      HAPPYTALK_TIMEZONE: settings.happytalkTimezone,
      HAPPYTALK_FINAL_STATUSES: settings.finalStatuses.join(','),
      POWERTOOLS_SERVICE_NAME: 'happytalk-archive',
      POWERTOOLS_METRICS_NAMESPACE: 'HappyTalkArchive',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };

    const retrieval = this.createFunction('RetrievalFunction', 'retrieval-api', settings, {
      description: 'HappyTalk archive retrieval API: reads transcripts, raw answers and versions (read-only)',
      timeout: settings.httpApiTimeout,
      environment: {
        ARCHIVE_BUCKET: this.bucket.bucketName,
        POWERTOOLS_SERVICE_NAME: 'happytalk-archive',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      statements: [],
    });
    // Read-only: every version of the archive, decrypted through S3; no write, no secret.
    this.grantRead(retrieval.role);
    this.retrievalFunction = retrieval.function;

    this.httpApiFunction = this.createFunction('HttpApiFunction', 'http-api', settings, {
      description: 'HappyTalk archive HTTP API: archives a room on POST',
      timeout: settings.httpApiTimeout,
      environment: {
        ...commonEnvironment,
        ...roomDeadlineEnvironment(settings.httpApiRoomDeadline),
      },
      statements: this.archivingStatements(secret.keyArn),
    }).function;

    this.deadLetterQueue = new Queue(this, 'ArchiveDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'ArchiveQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: settings.queueVisibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    });
    this.ruleDeadLetterQueue = new Queue(this, 'RuleDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.archiveEventsFunction = this.createFunction('ArchiveEventsFunction', 'archive-events', settings, {
      description: 'HappyTalk archive: archives the rooms named by "chat completed" events from the queue',
      timeout: settings.archiveEventsTimeout,
      environment: {
        ...commonEnvironment,
        ...roomDeadlineEnvironment(settings.archiveEventsRoomDeadline),
        ARCHIVE_DLQ_URL: this.deadLetterQueue.queueUrl,
        // Deliveries of an event for a room not yet final before it is archived as it is;
        // one below maxReceiveCount, so that the last delivery archives instead of dead-lettering.
        COMPLETION_MAX_ATTEMPTS: String(Math.max(1, Math.min(4, settings.maxReceiveCount - 1))),
      },
      statements: [
        ...this.archivingStatements(secret.keyArn),
        // Permanent failures (unknown room, malformed event) go straight to the DLQ with their reason.
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
      ],
    }).function;
    this.archiveEventsFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: settings.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: settings.maxConcurrency,
      }),
    );

    this.rule = new Rule(this, 'ChatCompletedRule', {
      description: `Archives a HappyTalk room when a "${settings.eventDetailType}" event from "${settings.eventSource}" arrives`,
      eventBus: EventBus.fromEventBusName(this, 'EventBus', settings.eventBusName),
      eventPattern: { source: [settings.eventSource], detailType: [settings.eventDetailType] },
      targets: [
        new SqsQueue(this.queue, {
          deadLetterQueue: this.ruleDeadLetterQueue,
          // The EventBridge maxima: transient SQS errors heal; what is left lands in the DLQ and alarms.
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    const api = this.createHttpApi(settings);
    this.httpApi = api.api;
    this.httpApiStage = api.stage;
    this.apiUrl = api.stage.url;

    this.alarmTopic = this.createAlarmTopic(settings.alarmEmail);
    this.reconciliation = new ArchiveReconciliation(this, 'Reconciliation', {
      functionsDir: settings.functionsDir,
      bucket: this.bucket,
      key: this.key,
      queue: this.queue,
      secretArnForPolicy: this.secretArnForPolicy,
      secretKeyArn: secret.keyArn,
      logKey: this.key,
      environment: commonEnvironment,
      memorySize: settings.memorySize,
      logRetention: settings.logRetention,
      schedule: settings.reconcileSchedule,
      windowDays: settings.reconcileWindowDays,
      gapAlarmDays: settings.reconcileGapAlarmDays,
      alarmTopic: this.alarmTopic,
    });
    this.completionWatcher = this.createCompletionWatcher(settings, commonEnvironment, secret.keyArn);
    this.alarms = [
      ...this.createAlarms(),
      ...this.reconciliation.alarms,
      ...(this.completionWatcher ? [this.completionWatcher.schedule.lagAlarm] : []),
    ];
    this.analytics = new ArchiveAnalytics(this, 'Analytics', {
      bucket: this.bucket,
      key: this.key,
      accessLogBucket: this.accessLogBucket,
      databaseName: settings.glueDatabaseName ?? defaultGlueDatabaseName(Stack.of(this).stackName),
      workGroupName: settings.athenaWorkGroupName ?? Stack.of(this).stackName,
      bytesScannedCutoffPerQuery: settings.athenaBytesScannedCutoffMb * 1_000_000,
    });

    this.acknowledgeNagFindings(settings);
  }

  /** The `completion-watcher` function (built as every function is) and its schedule; none when `off`. */
  private createCompletionWatcher(
    settings: ArchiveSettings,
    commonEnvironment: Record<string, string>,
    secretKeyArn: string | undefined,
  ): HappyTalkArchive['completionWatcher'] {
    const interval = settings.completionWatchInterval;
    if (interval === 'off') return undefined;
    const fn = this.createFunction('CompletionWatcherFunction', 'completion-watcher', settings, {
      description:
        'HappyTalk archive completion watcher: lists the rooms finished lately and queues the ones not archived',
      timeout: Duration.minutes(5),
      environment: {
        ...commonEnvironment,
        ARCHIVE_QUEUE_URL: this.queue.queueUrl,
        WATCH_INTERVAL_SECONDS: String(interval.toSeconds()),
        WATCH_OVERLAP_MINUTES: String(settings.completionWatchOverlap.toMinutes()),
        WATCH_LOOKBACK_DAYS: String(settings.completionWatchLookbackDays),
      },
      statements: this.watcherStatements(secretKeyArn),
    }).function;
    const schedule = new CompletionWatchSchedule(this, 'CompletionWatch', {
      function: fn,
      interval,
      bucket: this.bucket,
      alarmTopic: this.alarmTopic,
      metricsNamespace: commonEnvironment.POWERTOOLS_METRICS_NAMESPACE ?? 'HappyTalkArchive',
      serviceName: commonEnvironment.POWERTOOLS_SERVICE_NAME ?? 'happytalk-archive',
    });
    return { function: fn, schedule };
  }

  /**
   * Lets `grantee` read the whole archive, as a compliance reader or the
   * retrieval API does: every version of the transcripts, the raw answers, the
   * index and the attachments, the bucket's listings (a missing room then
   * answers 404, not 403), and the key's decryption through S3. Nothing is
   * writable.
   */
  grantRead(grantee: IGrantable): Grant {
    const prefixes = Object.values(ARCHIVE_PREFIXES);
    this.acknowledgePrefixWildcards(grantee, prefixes);
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resourceArns: prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
    })
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['s3:ListBucket', 's3:ListBucketVersions'],
          resourceArns: [this.bucket.bucketArn],
        }),
      )
      .combine(this.grantKeyThroughS3(grantee, ['kms:Decrypt']));
  }

  /**
   * Lets `grantee` query the archive with SQL in the Athena workgroup: run and
   * read its queries, read the Glue database, the `rooms` table and the
   * `messages` view, read `transcripts/` (Athena lists and reads the table's
   * location with the caller's permissions), write and read the results bucket,
   * and use the key through S3 for both. The transcripts are personal data:
   * grant it to few.
   */
  grantQuery(grantee: IGrantable): Grant {
    this.acknowledgePrefixWildcards(grantee, [ARCHIVE_PREFIXES.transcripts]);
    const stack = Stack.of(this);
    const database = this.analytics.database.ref;
    const workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.analytics.workGroup.ref,
    });
    const glue = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, ...(resourceName === undefined ? {} : { resourceName }) });
    const results = this.analytics.resultsBucket;
    return Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetWorkGroup',
      ],
      resourceArns: [workGroupArn],
    })
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: [
            'glue:GetDatabase',
            'glue:GetTable',
            'glue:GetTables',
            'glue:GetPartition',
            'glue:GetPartitions',
          ],
          resourceArns: [
            glue('catalog'),
            glue('database', database),
            glue('table', `${database}/${ROOMS_TABLE}`),
            glue('table', `${database}/${MESSAGES_VIEW}`),
          ],
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['s3:GetObject'],
          resourceArns: [this.bucket.arnForObjects(`${ARCHIVE_PREFIXES.transcripts}*`)],
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resourceArns: [this.bucket.bucketArn, results.bucketArn],
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          resourceArns: [results.arnForObjects('*')],
        }),
      )
      .combine(this.grantKeyThroughS3(grantee, ['kms:Decrypt', 'kms:GenerateDataKey']));
  }

  /**
   * Lets `grantee` send rooms to the archive queue, as `backfill --via-queue`
   * does (`sqs:SendMessage`; the queue is encrypted by SQS, no key grant).
   */
  grantEnqueue(grantee: IGrantable): Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /**
   * Lets `grantee` call the HTTP API with SigV4-signed requests
   * (`execute-api:Invoke`) on `routes`, by default all three.
   *
   * @throws ArchiveConfigError for a route the API does not have
   */
  grantInvokeApi(grantee: IGrantable, routes: readonly ApiRoute[] = API_ROUTES): Grant {
    const unknown = routes.filter((route) => !API_ROUTES.includes(route));
    if (unknown.length > 0 || routes.length === 0) {
      throw new ArchiveConfigError(
        `grantInvokeApi routes must be some of ${API_ROUTES.map((r) => `"${r}"`).join(', ')}, got ${JSON.stringify(routes)}`,
      );
    }
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: routes.map((route) => {
        const [method, path] = route.split(' ') as [string, string];
        return this.httpApi.arnForExecuteApi(method, path.replace(/\{[^}]+\}/g, '*'), '$default');
      }),
    });
  }

  /**
   * Grants what `happytalk-archive reindex` needs to derive transcripts again
   * from the archived raw responses, and nothing more: read (every version)
   * `raw/`, `transcripts/` and `index/`; write `transcripts/` and `index/`,
   * never `raw/`; list the bucket (a room not archived is then a 404); use the
   * archive key through S3 only. No HappyTalk secret: reindex never calls
   * HappyTalk. Give it to the role an operator assumes to run the CLI.
   */
  grantReindex(grantee: IGrantable): Grant {
    const objects = (...prefixes: string[]) =>
      prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    const { raw, transcripts, index } = ARCHIVE_PREFIXES;
    this.acknowledgePrefixWildcards(grantee, [raw, transcripts, index]);
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resourceArns: objects(raw, transcripts, index),
    })
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['s3:PutObject'],
          resourceArns: objects(transcripts, index),
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['s3:ListBucket'],
          resourceArns: [this.bucket.bucketArn],
        }),
      )
      .combine(this.grantKeyThroughS3(grantee, ['kms:Decrypt', 'kms:GenerateDataKey']));
  }

  /**
   * Acknowledges, on the grantee, cdk-nag's IAM5 finding for each prefix
   * granted with a wildcard, with its reason: an app that runs cdk-nag (as this
   * one does) sees them as the construct's decisions, not its own.
   */
  private acknowledgePrefixWildcards(
    grantee: IGrantable,
    prefixes: readonly (typeof ARCHIVE_PREFIXES)[keyof typeof ARCHIVE_PREFIXES][],
  ): void {
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    const bucketArn = `<${this.logicalIdOf(this.bucket.node.defaultChild as CfnBucket)}.Arn>`;
    Validations.of(principal).acknowledge(
      ...prefixes.map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
        reason: ARCHIVE_PREFIX_REASONS[prefix],
      })),
    );
  }

  /** The key, used through S3 only (`kms:ViaService`): what SSE-KMS reads and writes need. */
  private grantKeyThroughS3(grantee: IGrantable, actions: string[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    });
  }

  private createAccessLogBucket(settings: ArchiveSettings): Bucket {
    return new Bucket(this, 'AccessLogBucket', {
      // S3 server access logging can only deliver to SSE-S3 encrypted buckets.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Object ownership is left to CDK: it follows @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy.
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(settings.accessLogExpirationDays) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createArchiveBucket(settings: ArchiveSettings): Bucket {
    const retention = Duration.days(settings.retentionDays);
    const lifecycleRules: LifecycleRule[] = [
      // S3 Lifecycle cannot remove a version while its Object Lock retention is in
      // force: an expiration that comes due earlier (an overwritten object, a
      // shorter noncurrent window) only takes effect after the retain-until date.
      {
        id: 'expire-noncurrent-versions',
        noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionExpirationDays),
      },
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ];
    if (settings.expireAfterRetention) {
      // Korean privacy law asks for destruction once the purpose of keeping ends: when the
      // retention ends the current version gets a delete marker, becomes noncurrent, and is
      // deleted by the rule above; the then-lone delete marker is removed by the last rule.
      // One rule per prefix, each counting from the creation of the key's current version:
      // raw/ and transcripts/ from the room's last archive, index/ from its last write, and
      // attachments/ from the last day a transcript linked the image, since the archive copies
      // a shared image onto itself (a new version, locked anew) when a newer transcript links
      // it (lib/archive/store.ts, writeAttachment).
      for (const [name, prefix] of Object.entries(ARCHIVE_PREFIXES)) {
        lifecycleRules.push({ id: `expire-${name}-after-retention`, prefix, expiration: retention });
      }
      lifecycleRules.push({ id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true });
    }

    return new Bucket(this, 'ArchiveBucket', {
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        settings.objectLockMode === 'COMPLIANCE'
          ? ObjectLockRetention.compliance(retention)
          : ObjectLockRetention.governance(retention),
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'archive-bucket/',
      lifecycleRules,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private resolveSecret(source: SecretSource): {
    secret: ISecret;
    arnForPolicy: string;
    secretId: string;
    keyArn: string | undefined;
  } {
    switch (source.kind) {
      case 'created': {
        const secret = new Secret(this, 'HappyTalkTokenSecret', {
          description:
            'HappyTalk API credentials for happytalk-archive. Replace the generated placeholder with ' +
            'either the bare API token, or JSON {"token":"...","client_id":"...","client_secret":"..."}.',
          encryptionKey: this.key,
        });
        return {
          secret,
          arnForPolicy: secret.secretArn,
          secretId: secret.secretArn,
          keyArn: this.key.keyArn,
        };
      }
      case 'name': {
        const secret = Secret.fromSecretNameV2(this, 'HappyTalkTokenSecret', source.name);
        // Secrets Manager appends "-" and 6 random characters to every secret's ARN.
        const arnForPolicy = Stack.of(this).formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${source.name}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        return { secret, arnForPolicy, secretId: source.name, keyArn: source.keyArn };
      }
      case 'arn': {
        const secret = Secret.fromSecretCompleteArn(this, 'HappyTalkTokenSecret', source.arn);
        return { secret, arnForPolicy: source.arn, secretId: source.arn, keyArn: source.keyArn };
      }
    }
  }

  /** One function of the archive, built as they all are ({@link createArchiveFunction}). */
  private createFunction(
    id: string,
    bundle: (typeof FUNCTION_BUNDLES)[number],
    settings: ArchiveSettings,
    options: {
      description: string;
      timeout: Duration;
      environment: Record<string, string>;
      statements: readonly PolicyStatement[];
    },
  ) {
    return createArchiveFunction(this, id, {
      bundle,
      functionsDir: settings.functionsDir,
      description: options.description,
      memorySize: settings.memorySize,
      timeout: options.timeout,
      logRetention: settings.logRetention,
      logKey: this.key,
      environment: options.environment,
      statements: options.statements,
    });
  }

  /**
   * Lets CloudWatch Logs use the key for the log groups of this account and
   * region, and nothing else: the service encrypts and decrypts log events
   * with it on behalf of the log group (AWS CloudWatch Logs User Guide,
   * "Encrypt log data in CloudWatch Logs using AWS KMS": the key policy names
   * the service principal `logs.<region>.amazonaws.com` and the encryption
   * context `aws:logs:arn`).
   */
  private allowCloudWatchLogs(key: Key): void {
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.${Aws.URL_SUFFIX}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
  }

  /**
   * The statements both archiving functions share, beside what CDK adds for the
   * event source: write their prefixes, read them back (every version), list the
   * bucket, use the key through S3, read the token.
   */
  private archivingStatements(secretKeyArn: string | undefined): PolicyStatement[] {
    const objects = Object.values(ARCHIVE_PREFIXES).map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    return [
      new PolicyStatement({ actions: ['s3:PutObject'], resources: objects }),
      // The archive compares with the sha256 in the index and, before each conditional write, in the
      // object's metadata (HeadObject); the unchanged-room path reads the transcript by the version id
      // the index pins, which S3 authorizes as s3:GetObjectVersion, not s3:GetObject. An attachment
      // linked again is copied onto itself (GetObject on the source, PutObject on the copy).
      new PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: objects }),
      this.listBucketStatement(),
      this.archiveKeyStatement(['kms:Decrypt', 'kms:GenerateDataKey']),
      ...this.secretStatements(secretKeyArn),
    ];
  }

  /**
   * The completion watcher's statements: the room list through the secret, the
   * index read, its own state read and written, the archive queue; no
   * transcript, no raw answer.
   */
  private watcherStatements(secretKeyArn: string | undefined): PolicyStatement[] {
    const readable = [ARCHIVE_PREFIXES.index, WATCHER_STATE_PREFIX];
    return [
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: readable.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
      }),
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${WATCHER_STATE_PREFIX}*`)],
      }),
      // A room not archived has no index, and a first run no state: 404s, not 403s.
      this.listBucketStatement(),
      this.archiveKeyStatement(['kms:Decrypt', 'kms:GenerateDataKey']),
      ...this.secretStatements(secretKeyArn),
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    ];
  }

  /** The archive key, used only through S3 (SSE-KMS). */
  private archiveKeyStatement(actions: string[]): PolicyStatement {
    return new PolicyStatement({
      actions,
      resources: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    });
  }

  /** Reading the HappyTalk token, and its customer-managed key through Secrets Manager when it has one. */
  private secretStatements(secretKeyArn: string | undefined): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.secretArnForPolicy],
      }),
      ...(secretKeyArn === undefined
        ? []
        : [
            new PolicyStatement({
              actions: ['kms:Decrypt'],
              resources: [secretKeyArn],
              conditions: {
                StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` },
              },
            }),
          ]),
    ];
  }

  /**
   * `s3:ListBucket` on the bucket, without a condition: with it, a read of a
   * missing key answers 404 (`NoSuchKey`) instead of 403, which is how the
   * archive tells a first archive or an unarchived room from a refusal. The S3
   * API reference (GetObject, HeadObject: "If the object you request doesn't
   * exist, the error that Amazon S3 returns depends on whether you also have
   * the s3:ListBucket permission") names the permission and no condition on
   * it, so the 404 is not left to how S3 would evaluate an `s3:prefix`
   * condition on a GET. What it adds is listing key names, which hold dates
   * and room ids only, of objects these roles can read anyway.
   */
  private listBucketStatement(): PolicyStatement {
    return new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] });
  }

  private createHttpApi(settings: ArchiveSettings): { api: HttpApi; stage: HttpStage } {
    const api = new HttpApi(this, 'HttpApi', {
      description: 'HappyTalk archive: archive a room and read its transcript',
      createDefaultStage: false,
    });
    const authorizer: IHttpRouteAuthorizer =
      settings.httpApiAuthorization === 'iam' ? new HttpIamAuthorizer() : new HttpNoneAuthorizer();
    if (settings.httpApiAuthorization === 'none') {
      Validations.of(this).addWarning(
        'happytalk-archive:UnauthenticatedHttpApi',
        'httpApiAuthorization is "none": anyone who knows the API URL and a room id can read its transcript',
      );
    }
    api.addRoutes({
      path: '/rooms/{room_id}/archive',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('HttpApiIntegration', this.httpApiFunction, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
      authorizer,
    });
    const retrieval = new HttpLambdaIntegration('RetrievalIntegration', this.retrievalFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    for (const path of ['/rooms/{room_id}/archive', '/rooms/{room_id}/archive/versions']) {
      api.addRoutes({ path, methods: [HttpMethod.GET], integration: retrieval, authorizer });
    }

    const accessLogGroup = new LogGroup(this, 'HttpApiAccessLogGroup', {
      retention: settings.logRetention,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = new HttpStage(this, 'HttpApiDefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            caller: '$context.identity.caller',
            userArn: '$context.identity.userArn',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });
    return { api, stage };
  }

  private createAlarmTopic(alarmEmail: string | undefined): Topic {
    const alarmKey = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the HappyTalk archive alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch cannot publish to a topic under the AWS managed aws/sns key: it needs this grant.
    alarmKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'HappyTalk archive alarms',
      masterKey: alarmKey,
      enforceSSL: true,
    });
    // The topic policy CDK writes replaces SNS's default one, which let CloudWatch publish.
    topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    if (alarmEmail !== undefined) {
      const subscription = topic.addSubscription(new EmailSubscription(alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An alarm email that cannot be delivered has nowhere better to go: the alarm state stays in ' +
          'CloudWatch, and a dead-letter queue nobody reads for undelivered alarms adds nothing.',
      });
    }
    return topic;
  }

  private createAlarms(): Alarm[] {
    const period = Duration.minutes(5);
    const alarmOn = (id: string, metric: IMetric, description: string): Alarm => {
      const alarm = new Alarm(this, id, {
        alarmDescription: `HappyTalk archive: ${description}`,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
      alarm.addOkAction(new SnsAction(this.alarmTopic));
      return alarm;
    };
    const queueDepth = (queue: Queue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' });
    return [
      alarmOn(
        'ArchiveDeadLetterQueueAlarm',
        queueDepth(this.deadLetterQueue),
        'rooms could not be archived from events; their messages wait in the archive dead-letter queue',
      ),
      alarmOn(
        'RuleDeadLetterQueueAlarm',
        queueDepth(this.ruleDeadLetterQueue),
        'EventBridge could not deliver events to the archive queue; they wait in the rule dead-letter queue',
      ),
      alarmOn(
        'HttpApiFunctionErrorsAlarm',
        this.httpApiFunction.metricErrors({ period, statistic: 'Sum' }),
        'the http-api function failed',
      ),
      alarmOn(
        'HttpApiFunctionThrottlesAlarm',
        this.httpApiFunction.metricThrottles({ period, statistic: 'Sum' }),
        'the http-api function was throttled',
      ),
      alarmOn(
        'RetrievalFunctionErrorsAlarm',
        this.retrievalFunction.metricErrors({ period, statistic: 'Sum' }),
        'the retrieval-api function failed',
      ),
      alarmOn(
        'RetrievalFunctionThrottlesAlarm',
        this.retrievalFunction.metricThrottles({ period, statistic: 'Sum' }),
        'the retrieval-api function was throttled',
      ),
      alarmOn(
        'ArchiveEventsFunctionErrorsAlarm',
        this.archiveEventsFunction.metricErrors({ period, statistic: 'Sum' }),
        'the archive-events function failed',
      ),
      alarmOn(
        'ArchiveEventsFunctionThrottlesAlarm',
        this.archiveEventsFunction.metricThrottles({ period, statistic: 'Sum' }),
        'the archive-events function was throttled',
      ),
      ...(this.completionWatcher === undefined
        ? []
        : [
            // A failed pass is reported, not thrown: Errors are crashes. The lag alarm watches the rest.
            alarmOn(
              'CompletionWatcherFunctionErrorsAlarm',
              this.completionWatcher.function.metricErrors({ period, statistic: 'Sum' }),
              'the completion-watcher function crashed',
            ),
            alarmOn(
              'CompletionWatcherFunctionThrottlesAlarm',
              this.completionWatcher.function.metricThrottles({ period, statistic: 'Sum' }),
              'the completion-watcher function was throttled',
            ),
          ]),
    ];
  }

  /**
   * Acknowledges the cdk-nag findings (AwsSolutions and Serverless packs) that this
   * design answers otherwise, each with its reason. Wildcard findings are
   * acknowledged one by one with their full id.
   */
  private acknowledgeNagFindings(settings: ArchiveSettings): void {
    // The retrieval role's wildcards are acknowledged by grantRead, which gives them.
    for (const fn of [this.httpApiFunction, this.archiveEventsFunction]) {
      if (fn.role !== undefined) this.acknowledgePrefixWildcards(fn.role, Object.values(ARCHIVE_PREFIXES));
    }

    for (const fn of [this.httpApiFunction, this.retrievalFunction, this.archiveEventsFunction]) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Nothing invokes this function asynchronously: API Gateway and the SQS event source invoke it ' +
          'synchronously, so a Lambda dead-letter queue would never receive anything; failed events go to ' +
          'the SQS dead-letter queue instead.',
      });
    }
    Validations.of(this.archiveEventsFunction).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; the queue redrive policy moves ' +
        `a message to the dead-letter queue after ${settings.maxReceiveCount} receives instead.`,
    });

    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The HappyTalk token is issued by HappyTalk and cannot be rotated from this account; rotate it in ' +
        'HappyTalk and put the new value into the secret.',
    });

    for (const dlq of [this.deadLetterQueue, this.ruleDeadLetterQueue]) {
      Validations.of(dlq).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This is a dead-letter queue: the end of the line, read and redriven by an operator.',
      });
    }
    Validations.of(this.ruleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the EventBridge rule target (DeadLetterConfig), which the ' +
        'rule names rather than a queue redrive policy.',
    });
  }

  private logicalIdOf(resource: CfnBucket): string {
    return Stack.of(this).resolve(resource.logicalId) as string;
  }
}

function resolveSettings(props: HappyTalkArchiveProps): ArchiveSettings {
  const functionsDir = props.functionsDir ?? DEFAULT_FUNCTIONS_DIR;
  for (const bundle of FUNCTION_BUNDLES) {
    const entry = join(functionsDir, bundle, 'index.mjs');
    if (!existsSync(entry)) {
      throw new ArchiveConfigError(
        `function bundle ${bundle} not found at ${entry}: run \`npm run build\` first ` +
          '(the stack deploys exactly the bundles in dist/functions)',
      );
    }
  }

  const happytalkEnv = oneOf('happytalkEnv', props.happytalkEnv, HAPPYTALK_ENVIRONMENTS, 'prod');
  const archiveEventsTimeout = seconds('archiveEventsTimeout', props.archiveEventsTimeout, 60, 1, 900);
  const queueVisibilityTimeout =
    props.queueVisibilityTimeout ?? Duration.seconds(archiveEventsTimeout.toSeconds() * 6);
  const minimumVisibility = archiveEventsTimeout.toSeconds() * 6;
  if (
    !Token.isUnresolved(queueVisibilityTimeout.toSeconds()) &&
    (queueVisibilityTimeout.toSeconds() < minimumVisibility || queueVisibilityTimeout.toSeconds() > 43_200)
  ) {
    throw new ArchiveConfigError(
      `queueVisibilityTimeout must be at least 6 × archiveEventsTimeout (${minimumVisibility} s) and at most ` +
        `43200 s, got ${queueVisibilityTimeout.toSeconds()} s`,
    );
  }
  const httpApiTimeout = seconds('httpApiTimeout', props.httpApiTimeout, 29, 1, 29);
  const archiveEventsRoomDeadline = roomDeadlineFor(archiveEventsTimeout.toMilliseconds(), {
    attachmentShare: 1 / 4,
    attachmentMaxMs: DEFAULT_ROOM_DEADLINE.attachmentBudgetMs,
  });
  const batchSize = integer('batchSize', props.batchSize, 1, 1, 10);
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
    functionsDir,
    happytalkBaseUrl:
      props.happytalkBaseUrl === undefined
        ? HAPPYTALK_BASE_URLS[happytalkEnv]
        : httpsUrl(props.happytalkBaseUrl),
    happytalkTimezone: timeZone(props.happytalkTimezone ?? 'Asia/Seoul'),
    retentionDays: integer('retentionDays', props.retentionDays, 1095, 1, 36_500),
    objectLockMode: oneOf('objectLockMode', props.objectLockMode, OBJECT_LOCK_MODES, 'GOVERNANCE'),
    expireAfterRetention: props.expireAfterRetention ?? true,
    noncurrentVersionExpirationDays: integer(
      'noncurrentVersionExpirationDays',
      props.noncurrentVersionExpirationDays,
      30,
      1,
      36_500,
    ),
    accessLogExpirationDays: integer(
      'accessLogExpirationDays',
      props.accessLogExpirationDays,
      365,
      1,
      36_500,
    ),
    secretSource: secretSource(props),
    memorySize: integer('memorySize', props.memorySize, 768, 128, 10_240),
    httpApiTimeout,
    archiveEventsTimeout,
    logRetention: logRetention(props.logRetention),
    httpApiAuthorization: oneOf(
      'httpApiAuthorization',
      props.httpApiAuthorization,
      HTTP_API_AUTHORIZATIONS,
      'iam',
    ),
    throttleRateLimit: positive('throttleRateLimit', props.throttleRateLimit, 10),
    throttleBurstLimit: integer('throttleBurstLimit', props.throttleBurstLimit, 20, 1, 5_000),
    eventBusName: matching('eventBusName', props.eventBusName, 'default', /^[/.\-_A-Za-z0-9]{1,256}$/),
    eventSource: matching('eventSource', props.eventSource, 'happytalk', /^\S(.{0,254}\S)?$/),
    eventDetailType: matching(
      'eventDetailType',
      props.eventDetailType,
      'Chat Completed',
      /^\S(.{0,126}\S)?$/,
    ),
    batchSize,
    maxConcurrency: integer('maxConcurrency', props.maxConcurrency, 2, 2, 1_000),
    maxReceiveCount: integer('maxReceiveCount', props.maxReceiveCount, 5, 1, 1_000),
    queueVisibilityTimeout,
    alarmEmail: props.alarmEmail === undefined ? undefined : email(props.alarmEmail),
    reconcileSchedule: matching(
      'reconcileSchedule',
      props.reconcileSchedule,
      'cron(30 18 * * ? *)',
      /^(cron\(\S+( \S+){5}\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\))$/,
    ),
    reconcileWindowDays: integer('reconcileWindowDays', props.reconcileWindowDays, 2, 1, 31),
    reconcileGapAlarmDays: integer('reconcileGapAlarmDays', props.reconcileGapAlarmDays, 3, 1, 7),
    completionWatchInterval:
      props.completionWatchInterval === 'off'
        ? 'off'
        : wholeMinutes('completionWatchInterval', props.completionWatchInterval, 5, 1, 1440),
    completionWatchOverlap: wholeMinutes('completionWatchOverlap', props.completionWatchOverlap, 10, 0, 1440),
    completionWatchLookbackDays: integer(
      'completionWatchLookbackDays',
      props.completionWatchLookbackDays,
      7,
      1,
      31,
    ),
    finalStatuses: finalStatuses(props.finalStatuses),
    glueDatabaseName:
      props.glueDatabaseName === undefined
        ? undefined
        : matching('glueDatabaseName', props.glueDatabaseName, '', GLUE_DATABASE_NAME),
    athenaWorkGroupName:
      props.athenaWorkGroupName === undefined
        ? undefined
        : matching('athenaWorkGroupName', props.athenaWorkGroupName, '', ATHENA_WORKGROUP_NAME),
    athenaBytesScannedCutoffMb: integer(
      'athenaBytesScannedCutoffMb',
      props.athenaBytesScannedCutoffMb,
      10_240,
      10,
      1_000_000_000,
    ),
    httpApiRoomDeadline: roomDeadlineFor(httpApiTimeout.toMilliseconds(), {
      attachmentShare: 1 / 6,
      attachmentMaxMs: 5_000,
    }),
    archiveEventsRoomDeadline,
  };
}

function integer(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ArchiveConfigError(
      `${name} must be a whole number from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Token.isUnresolved(value)) return value;
  if (!Number.isFinite(value) || value <= 0) {
    throw new ArchiveConfigError(`${name} must be a number greater than 0, got ${String(value)}`);
  }
  return value;
}

function seconds(
  name: string,
  value: Duration | undefined,
  fallback: number,
  min: number,
  max: number,
): Duration {
  if (value === undefined) return Duration.seconds(fallback);
  const amount = value.toSeconds();
  if (Token.isUnresolved(amount)) return value;
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    throw new ArchiveConfigError(
      `${name} must be a whole number of seconds from ${min} to ${max}, got ${amount} s`,
    );
  }
  return value;
}

/** A duration of whole minutes from `min` to `max` (a schedule's rate counts in minutes). */
function wholeMinutes(name: string, value: Duration | undefined, fallback: number, min: number, max: number) {
  const duration = value ?? Duration.minutes(fallback);
  const minutes = duration.toSeconds() / 60;
  if (
    Token.isUnresolved(duration.toSeconds()) ||
    !Number.isInteger(minutes) ||
    minutes < min ||
    minutes > max
  ) {
    throw new ArchiveConfigError(
      `${name} must be a whole number of minutes from ${min} to ${max}, got ${duration.toSeconds()} s`,
    );
  }
  return Duration.minutes(minutes);
}

/** The functions' own definition of the final statuses checks them, so that synth and run time agree. */
function finalStatuses(value: readonly string[] | undefined): readonly string[] {
  try {
    return new FinalStatuses(value?.map((code) => code.trim())).codes;
  } catch (error) {
    throw new ArchiveConfigError(`finalStatuses: ${(error as Error).message}`);
  }
}

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new ArchiveConfigError(
      `${name} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function matching(name: string, value: string | undefined, fallback: string, pattern: RegExp): string {
  if (value === undefined) return fallback;
  if (Token.isUnresolved(value)) return value;
  if (!pattern.test(value)) {
    throw new ArchiveConfigError(`${name} ${JSON.stringify(value)} is not valid: expected ${pattern.source}`);
  }
  return value;
}

function httpsUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    throw new ArchiveConfigError(
      `happytalkBaseUrl must be an https URL without credentials, query or fragment, got ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, '');
}

function timeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw new ArchiveConfigError(
      `happytalkTimezone must be an IANA time zone such as "Asia/Seoul", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function email(value: string): string {
  if (Token.isUnresolved(value)) return value;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new ArchiveConfigError(`alarmEmail must be an email address, got ${JSON.stringify(value)}`);
  }
  return value;
}

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((days): days is number => typeof days === 'number'),
);

function logRetention(value: RetentionDays | undefined): RetentionDays {
  if (value === undefined) return RetentionDays.ONE_YEAR;
  if (!RETENTION_DAYS.has(value)) {
    throw new ArchiveConfigError(
      `logRetention must be a CloudWatch Logs retention (${[...RETENTION_DAYS].join(', ')} days), got ${String(value)}`,
    );
  }
  return value;
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const GLUE_DATABASE_NAME = /^[a-z0-9_]{1,255}$/;
const ATHENA_WORKGROUP_NAME = /^[a-zA-Z0-9._-]{1,128}$/;

/**
 * The Glue database a stack gets by default: its name in lower case, every
 * other character than a letter or a digit as `_` (Glue's rule), so that two
 * stacks in one account never share one.
 */
export function defaultGlueDatabaseName(stackName: string): string {
  return stackName
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 255);
}
const SECRET_COMPLETE_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function secretSource(props: HappyTalkArchiveProps): SecretSource {
  const { existingSecretName: name, existingSecretArn: arn, existingSecretKeyArn: keyArn } = props;
  if (name !== undefined && arn !== undefined) {
    throw new ArchiveConfigError(
      `existingSecretName and existingSecretArn are mutually exclusive, got both (${JSON.stringify(name)} and ${JSON.stringify(arn)})`,
    );
  }
  if (keyArn !== undefined) {
    if (name === undefined && arn === undefined) {
      throw new ArchiveConfigError(
        `existingSecretKeyArn needs existingSecretName or existingSecretArn (the created secret uses the archive key), got ${JSON.stringify(keyArn)}`,
      );
    }
    if (!Token.isUnresolved(keyArn) && !KMS_KEY_ARN.test(keyArn)) {
      throw new ArchiveConfigError(
        `existingSecretKeyArn must be a KMS key ARN, got ${JSON.stringify(keyArn)}`,
      );
    }
  }
  if (name !== undefined) {
    if (!Token.isUnresolved(name) && !SECRET_NAME.test(name)) {
      throw new ArchiveConfigError(
        `existingSecretName must be a Secrets Manager secret name (letters, digits and /_+=.@-), got ${JSON.stringify(name)}`,
      );
    }
    return { kind: 'name', name, keyArn };
  }
  if (arn !== undefined) {
    if (!Token.isUnresolved(arn) && !SECRET_COMPLETE_ARN.test(arn)) {
      throw new ArchiveConfigError(
        'existingSecretArn must be the complete ARN of a secret, ending in its 6-character suffix ' +
          `(to import by name use existingSecretName), got ${JSON.stringify(arn)}`,
      );
    }
    return { kind: 'arn', arn, keyArn };
  }
  return { kind: 'created' };
}
