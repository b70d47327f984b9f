import { Stack } from 'aws-cdk-lib';
import type { HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { type Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ApiRoute } from '../functions/routes.js';
import { FinalStatuses } from '../lib/contract/environment.js';
import { functionEnvironment } from '../lib/contract/function-environments.js';
import { POWERTOOLS } from '../lib/contract/observability.js';
import { roomDeadlineVariables } from '../lib/happytalk/deadline.js';
import { buildAlarmTopic } from './parts/alarms.js';
import { ArchiveAnalytics } from './parts/analytics.js';
import {
  createArchiveFunction,
  type FunctionDefaults,
  type SharedVariables,
} from './parts/archive-function.js';
import { buildCompletionWatcher, type CompletionWatcher } from './parts/completion-watcher.js';
import { buildEventQueues, routeEvents } from './parts/event-intake.js';
import * as grants from './parts/grants.js';
import { buildHttpApi } from './parts/http-api.js';
import {
  ARCHIVE_PREFIXES,
  acknowledgePrefixWildcards,
  keyThroughS3Statement,
  listBucketStatement,
  objectsUnder,
  secretStatements,
} from './parts/permissions.js';
import { ArchiveReconciliation } from './parts/reconciliation.js';
import { buildStorage } from './parts/storage.js';
import { buildTokenSecret } from './parts/token-secret.js';
import type { HappyTalkArchiveProps } from './props.js';
import { resolveSettings } from './settings/resolve.js';
import { defaultGlueDatabaseName } from './settings/validators.js';

export { API_ROUTE_KEYS as API_ROUTES, type ApiRoute } from '../functions/routes.js';
export { FUNCTION_BUNDLES } from './parts/archive-function.js';
export { ARCHIVE_PREFIXES } from './parts/permissions.js';
export * from './props.js';
export { defaultGlueDatabaseName } from './settings/validators.js';

/** Why the functions behind API Gateway and the SQS event source have no Lambda dead-letter queue. */
const INVOKED_SYNCHRONOUSLY =
  'Nothing invokes this function asynchronously: API Gateway and the SQS event source invoke it ' +
  'synchronously, so a Lambda dead-letter queue would never receive anything; failed events go to ' +
  'the SQS dead-letter queue instead.';

/**
 * The HappyTalk transcript archive: an Object-Locked, KMS-encrypted S3 bucket,
 * the `http-api` function behind an IAM-authorized HTTP API, the
 * `archive-events` function fed by EventBridge through an SQS queue, the
 * HappyTalk token secret, alarms to an SNS topic, the completion watcher, the
 * scheduled `reconcile` function ({@link ArchiveReconciliation}) and SQL over
 * the archive with Glue and Athena ({@link ArchiveAnalytics}).
 *
 * It composes the parts of infra/parts/, each of which builds its resources in
 * this construct's scope (so their logical ids are the ones deployed stacks
 * have), from the settings of infra/settings/. Deploys the prebuilt bundles of
 * `npm run build` as they are.
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
  readonly completionWatcher: CompletionWatcher | undefined;
  /** The Glue database, `rooms` table, `messages` view and Athena workgroup over `transcripts/`. */
  readonly analytics: ArchiveAnalytics;

  constructor(scope: Construct, id: string, props: HappyTalkArchiveProps = {}) {
    super(scope, id);
    const settings = resolveSettings(props);

    const storage = buildStorage(this, settings);
    this.key = storage.key;
    this.accessLogBucket = storage.accessLogBucket;
    this.bucket = storage.bucket;

    const token = buildTokenSecret(this, settings.secretSource, this.key);
    this.secret = token.secret;
    this.secretArnForPolicy = token.arnForPolicy;
    this.secretId = token.secretId;

    this.alarmTopic = buildAlarmTopic(this, settings.alarmEmail);
    const defaults: FunctionDefaults = {
      functionsDir: settings.functionsDir,
      memorySize: settings.memorySize,
      logRetention: settings.logRetention,
      logKey: this.key,
      alarmTopic: this.alarmTopic,
    };
    // Each function's environment is written by the contract (lib/contract/environment.ts) from values.
    const shared: SharedVariables = {
      ARCHIVE_BUCKET: this.bucket.bucketName,
      HAPPYTALK_SECRET_ID: this.secretId,
      HAPPYTALK_BASE_URL: settings.happytalkBaseUrl,
      HAPPYTALK_TIMEZONE: settings.happytalkTimezone,
      HAPPYTALK_FINAL_STATUSES: new FinalStatuses(settings.finalStatuses),
      POWERTOOLS_SERVICE_NAME: POWERTOOLS.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: POWERTOOLS.metricsNamespace,
      POWERTOOLS_LOG_LEVEL: POWERTOOLS.logLevel,
    };
    // The archiving functions write their prefixes, read them back (every version), list the bucket,
    // use the key through S3 and read the token.
    const archivePrefixes = Object.values(ARCHIVE_PREFIXES);
    const archivingStatements = () => [
      // A large transcript is a multipart upload (PutObject covers its parts and its completion); one
      // whose completion loses a race, or fails, is aborted (AbortMultipartUpload is its own action).
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: objectsUnder(this.bucket, archivePrefixes),
      }),
      // The archive compares with the sha256 in the index and, before each conditional write, in the
      // object's metadata (HeadObject); the unchanged-room path reads the transcript by the version id
      // the index pins, which S3 authorizes as s3:GetObjectVersion, not s3:GetObject. An attachment
      // linked again is copied onto itself (GetObject on the source, PutObject on the copy).
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: objectsUnder(this.bucket, archivePrefixes),
      }),
      listBucketStatement(this.bucket),
      keyThroughS3Statement(this.key, ['kms:Decrypt', 'kms:GenerateDataKey']),
      ...secretStatements(token),
    ];

    const retrieval = createArchiveFunction(this, 'RetrievalFunction', {
      ...defaults,
      bundle: 'retrieval-api',
      description: 'HappyTalk archive retrieval API: reads transcripts, raw answers and versions (read-only)',
      timeout: settings.httpApiTimeout,
      environment: functionEnvironment('retrieval-api', {
        ARCHIVE_BUCKET: shared.ARCHIVE_BUCKET,
        POWERTOOLS_SERVICE_NAME: shared.POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: shared.POWERTOOLS_LOG_LEVEL,
      }),
      statements: [],
      errorsAlarm: 'the retrieval-api function failed',
      noDeadLetterQueue: INVOKED_SYNCHRONOUSLY,
    });
    // Read-only: every version of the archive, decrypted through S3; no write, no secret.
    this.grantRead(retrieval.role);
    this.retrievalFunction = retrieval.function;

    const httpApiFunction = createArchiveFunction(this, 'HttpApiFunction', {
      ...defaults,
      bundle: 'http-api',
      description: 'HappyTalk archive HTTP API: archives a room on POST',
      timeout: settings.httpApiTimeout,
      environment: functionEnvironment('http-api', {
        ...shared,
        ...roomDeadlineVariables(settings.httpApiRoomDeadline),
      }),
      statements: archivingStatements(),
      errorsAlarm: 'the http-api function failed',
      noDeadLetterQueue: INVOKED_SYNCHRONOUSLY,
    });
    this.httpApiFunction = httpApiFunction.function;

    const queues = buildEventQueues(this, settings, this.alarmTopic);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.ruleDeadLetterQueue = queues.ruleDeadLetterQueue;

    const archiveEvents = createArchiveFunction(this, 'ArchiveEventsFunction', {
      ...defaults,
      bundle: 'archive-events',
      description: 'HappyTalk archive: archives the rooms named by "chat completed" events from the queue',
      timeout: settings.archiveEventsTimeout,
      environment: functionEnvironment('archive-events', {
        ...shared,
        ...roomDeadlineVariables(settings.archiveEventsRoomDeadline),
        ARCHIVE_DLQ_URL: this.deadLetterQueue.queueUrl,
        // Deliveries of an event for a room not yet final before it is archived as it is;
        // one below maxReceiveCount, so that the last delivery archives instead of dead-lettering.
        COMPLETION_MAX_ATTEMPTS: Math.max(1, Math.min(4, settings.maxReceiveCount - 1)),
      }),
      statements: [
        ...archivingStatements(),
        // Permanent failures (unknown room, malformed event) go straight to the DLQ with their reason.
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
      ],
      errorsAlarm: 'the archive-events function failed',
      noDeadLetterQueue: INVOKED_SYNCHRONOUSLY,
    });
    this.archiveEventsFunction = archiveEvents.function;
    this.rule = routeEvents(this, { settings, queues, archiveEvents: this.archiveEventsFunction });
    for (const role of [httpApiFunction.role, archiveEvents.role]) {
      acknowledgePrefixWildcards(role, this.bucket, archivePrefixes);
    }

    const api = buildHttpApi(this, {
      settings,
      functions: { 'http-api': this.httpApiFunction, 'retrieval-api': this.retrievalFunction },
      logKey: this.key,
    });
    this.httpApi = api.api;
    this.httpApiStage = api.stage;
    this.apiUrl = api.stage.url;

    this.reconciliation = new ArchiveReconciliation(this, 'Reconciliation', {
      defaults,
      bucket: this.bucket,
      key: this.key,
      queue: this.queue,
      secret: token,
      shared,
      schedule: settings.reconcileSchedule,
      windowDays: settings.reconcileWindowDays,
      gapAlarmDays: settings.reconcileGapAlarmDays,
    });
    this.completionWatcher = buildCompletionWatcher(this, {
      interval: settings.completionWatchInterval,
      overlap: settings.completionWatchOverlap,
      lookbackDays: settings.completionWatchLookbackDays,
      defaults,
      shared,
      bucket: this.bucket,
      key: this.key,
      secret: token,
      queue: this.queue,
    });
    this.alarms = [
      ...queues.alarms,
      ...httpApiFunction.alarms,
      ...retrieval.alarms,
      ...archiveEvents.alarms,
      ...(this.completionWatcher?.alarms ?? []),
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
  }

  /**
   * Lets `grantee` read the whole archive, as a compliance reader or the
   * retrieval API does: every version of the transcripts, the raw answers, the
   * index and the attachments, the bucket's listings (a missing room then
   * answers 404, not 403), and the key's decryption through S3. Nothing is
   * writable.
   */
  grantRead(grantee: IGrantable): Grant {
    return grants.grantRead(this, grantee);
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
    return grants.grantQuery(this, grantee);
  }

  /**
   * Lets `grantee` send rooms to the archive queue, as `backfill --via-queue`
   * does (`sqs:SendMessage`; the queue is encrypted by SQS, no key grant).
   */
  grantEnqueue(grantee: IGrantable): Grant {
    return grants.grantEnqueue(this, grantee);
  }

  /**
   * Lets `grantee` call the HTTP API with SigV4-signed requests
   * (`execute-api:Invoke`) on `routes`, by default all three.
   *
   * @throws ArchiveConfigError for a route the API does not have
   */
  grantInvokeApi(grantee: IGrantable, routes?: readonly ApiRoute[]): Grant {
    return grants.grantInvokeApi(this, grantee, routes);
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
    return grants.grantReindex(this, grantee);
  }
}
