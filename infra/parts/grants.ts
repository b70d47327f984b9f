/**
 * What the archive grants to principals of yours (HappyTalkArchive's
 * `grant…` methods): each grant is a set of explicit statements on the
 * grantee, and the prefix wildcards it needs acknowledged to cdk-nag on it.
 */
import { Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API_ROUTE_KEYS, type ApiRoute, routeParts } from '../../functions/routes.js';
import { ArchiveConfigError } from '../errors.js';
import {
  type ArchiveAnalytics,
  MESSAGES_REDACTED_VIEW,
  MESSAGES_VIEW,
  RESULTS_PREFIXES,
  ROOMS_REDACTED_TABLE,
  ROOMS_TABLE,
} from './analytics.js';
import {
  ARCHIVE_PREFIXES,
  acknowledgePrefixWildcards,
  objectsUnder,
  type TokenSecretAccess,
  viaService,
} from './permissions.js';

/** The resources of the archive the grants name. */
export interface GrantableArchive {
  readonly bucket: Bucket;
  readonly key: IKey;
  readonly queue: Queue;
  readonly httpApi: HttpApi;
  readonly analytics: ArchiveAnalytics;
  /** The pseudonym key's secret, when the archive writes redacted copies. */
  readonly redactionKeyAccess: TokenSecretAccess | undefined;
}

/** What `grantQuery` gives beyond the redacted copies. */
export interface QueryAccess {
  /**
   * Also the full transcripts: the `rooms` table and the `messages` view, and
   * `transcripts/`, in the full workgroup (results under `results/full/`)
   * instead of the redacted one. For compliance analysts who may see personal
   * data; by default a query grant reads the redacted copies only, in the
   * redacted workgroup (results under `results/redacted/`). A principal gets
   * one kind or the other, never both.
   * @default false
   */
  readonly fullTranscripts?: boolean;
}

/** See `HappyTalkArchive.grantRead`. */
export function grantRead(archive: GrantableArchive, grantee: IGrantable): Grant {
  const prefixes = Object.values(ARCHIVE_PREFIXES);
  acknowledgePrefixWildcards(grantee.grantPrincipal, archive.bucket, prefixes);
  return Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resourceArns: objectsUnder(archive.bucket, prefixes),
  })
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resourceArns: [archive.bucket.bucketArn],
      }),
    )
    .combine(grantKeyThroughS3(archive, grantee, ['kms:Decrypt']));
}

/**
 * Which query grant each principal was given, per archive: a principal given
 * both could run a query of the full tables in the redacted workgroup, and
 * leave its results where every analyst reads.
 */
const queryGrantsGiven = new WeakMap<ArchiveAnalytics, WeakMap<object, boolean>>();

/** Refuses a query grant of the other kind to a principal that already has one of this archive. */
function recordQueryGrant(archive: GrantableArchive, grantee: IGrantable, full: boolean): void {
  const given = queryGrantsGiven.get(archive.analytics) ?? new WeakMap<object, boolean>();
  queryGrantsGiven.set(archive.analytics, given);
  const principal = grantee.grantPrincipal;
  const before = given.get(principal);
  if (before !== undefined && before !== full) {
    const path = Construct.isConstruct(principal) ? ` ${principal.node.path}` : '';
    throw new ArchiveConfigError(
      `grantQuery: the principal${path} already has the ${before ? 'full-transcripts' : 'redacted'} query grant; ` +
        'a principal gets one of the two, never both (with both it could write results of the full tables ' +
        'where redacted-only analysts read them)',
    );
  }
  given.set(principal, full);
}

/** See `HappyTalkArchive.grantQuery`. */
export function grantQuery(archive: GrantableArchive, grantee: IGrantable, access: QueryAccess = {}): Grant {
  const full = access.fullTranscripts === true;
  recordQueryGrant(archive, grantee, full);
  const prefixes = full
    ? [ARCHIVE_PREFIXES.redacted, ARCHIVE_PREFIXES.transcripts]
    : [ARCHIVE_PREFIXES.redacted];
  const tables = full
    ? [ROOMS_REDACTED_TABLE, MESSAGES_REDACTED_VIEW, ROOMS_TABLE, MESSAGES_VIEW]
    : [ROOMS_REDACTED_TABLE, MESSAGES_REDACTED_VIEW];
  // Each kind of grant has its own workgroup and its own results prefix, and nothing of the other's.
  const workGroup = full ? archive.analytics.fullWorkGroup : archive.analytics.workGroup;
  const resultsPrefix = full ? RESULTS_PREFIXES.full : RESULTS_PREFIXES.redacted;
  const results = archive.analytics.resultsBucket;
  acknowledgePrefixWildcards(grantee.grantPrincipal, archive.bucket, prefixes);
  acknowledgePrefixWildcards(grantee.grantPrincipal, results, [
    {
      prefix: resultsPrefix,
      reason:
        `Athena names each result file after its query id (${resultsPrefix}<query id>.csv and .metadata), ` +
        `decided at run time: objects under ${resultsPrefix} are the narrowest resource that covers them.`,
    },
  ]);
  const stack = Stack.of(archive.bucket);
  const database = archive.analytics.database.ref;
  const workGroupArn = stack.formatArn({
    service: 'athena',
    resource: 'workgroup',
    resourceName: workGroup.ref,
  });
  const glue = (resource: string, resourceName?: string) =>
    stack.formatArn({ service: 'glue', resource, ...(resourceName === undefined ? {} : { resourceName }) });
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
          ...tables.map((table) => glue('table', `${database}/${table}`)),
        ],
      }),
    )
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject'],
        resourceArns: objectsUnder(archive.bucket, prefixes),
      }),
    )
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resourceArns: [archive.bucket.bucketArn],
      }),
    )
    .combine(
      // Athena writes and reads the results with the caller's permissions: the bucket's location, its
      // listing and the objects of the results location (AmazonAthenaFullAccess grants these on the
      // query results buckets: https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html). The
      // listing is limited to the workgroup's prefix, so the other's result names stay unlisted.
      Grant.addToPrincipal({ grantee, actions: ['s3:GetBucketLocation'], resourceArns: [results.bucketArn] }),
    )
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [results.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${resultsPrefix}*` } },
      }),
    )
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resourceArns: [results.arnForObjects(`${resultsPrefix}*`)],
      }),
    )
    .combine(grantKeyThroughS3(archive, grantee, ['kms:Decrypt', 'kms:GenerateDataKey']));
}

/** See `HappyTalkArchive.grantEnqueue`. */
export function grantEnqueue(archive: GrantableArchive, grantee: IGrantable): Grant {
  return archive.queue.grantSendMessages(grantee);
}

/** See `HappyTalkArchive.grantInvokeApi`. */
export function grantInvokeApi(
  archive: GrantableArchive,
  grantee: IGrantable,
  routes: readonly ApiRoute[] = API_ROUTE_KEYS,
): Grant {
  const unknown = routes.filter((route) => !API_ROUTE_KEYS.includes(route));
  if (unknown.length > 0 || routes.length === 0) {
    throw new ArchiveConfigError(
      `grantInvokeApi routes must be some of ${API_ROUTE_KEYS.map((r) => `"${r}"`).join(', ')}, got ${JSON.stringify(routes)}`,
    );
  }
  return Grant.addToPrincipal({
    grantee,
    actions: ['execute-api:Invoke'],
    resourceArns: routes.map((route) => {
      const { method, path } = routeParts(route);
      return archive.httpApi.arnForExecuteApi(method, path.replace(/\{[^}]+\}/g, '*'), '$default');
    }),
  });
}

/** See `HappyTalkArchive.grantReindex`. */
export function grantReindex(archive: GrantableArchive, grantee: IGrantable): Grant {
  const { raw, transcripts, index, redacted } = ARCHIVE_PREFIXES;
  const copies = archive.redactionKeyAccess;
  const written = copies ? [transcripts, index, redacted] : [transcripts, index];
  acknowledgePrefixWildcards(grantee.grantPrincipal, archive.bucket, [raw, ...written]);
  const grant = Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resourceArns: objectsUnder(archive.bucket, [raw, ...written]),
  })
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:PutObject'],
        resourceArns: objectsUnder(archive.bucket, written),
      }),
    )
    .combine(
      Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [archive.bucket.bucketArn] }),
    )
    .combine(grantKeyThroughS3(archive, grantee, ['kms:Decrypt', 'kms:GenerateDataKey']));
  if (!copies) return grant;
  // The pseudonym key, to make the copies: read from its secret, decrypted through Secrets Manager.
  const secret = Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [copies.arnForPolicy],
  });
  return copies.keyArn === undefined
    ? grant.combine(secret)
    : grant.combine(secret).combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['kms:Decrypt'],
          resourceArns: [copies.keyArn],
          conditions: viaService('secretsmanager'),
        }),
      );
}

/** The key, used through S3 only (`kms:ViaService`): what SSE-KMS reads and writes need. */
function grantKeyThroughS3(archive: GrantableArchive, grantee: IGrantable, actions: string[]): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [archive.key.keyArn],
    conditions: viaService('s3'),
  });
}
