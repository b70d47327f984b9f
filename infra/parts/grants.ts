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
import { API_ROUTE_KEYS, type ApiRoute, routeParts } from '../../functions/routes.js';
import { ArchiveConfigError } from '../errors.js';
import { type ArchiveAnalytics, MESSAGES_VIEW, ROOMS_TABLE } from './analytics.js';
import { ARCHIVE_PREFIXES, acknowledgePrefixWildcards, objectsUnder, viaService } from './permissions.js';

/** The resources of the archive the grants name. */
export interface GrantableArchive {
  readonly bucket: Bucket;
  readonly key: IKey;
  readonly queue: Queue;
  readonly httpApi: HttpApi;
  readonly analytics: ArchiveAnalytics;
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

/** See `HappyTalkArchive.grantQuery`. */
export function grantQuery(archive: GrantableArchive, grantee: IGrantable): Grant {
  acknowledgePrefixWildcards(grantee.grantPrincipal, archive.bucket, [ARCHIVE_PREFIXES.transcripts]);
  const stack = Stack.of(archive.bucket);
  const database = archive.analytics.database.ref;
  const workGroupArn = stack.formatArn({
    service: 'athena',
    resource: 'workgroup',
    resourceName: archive.analytics.workGroup.ref,
  });
  const glue = (resource: string, resourceName?: string) =>
    stack.formatArn({ service: 'glue', resource, ...(resourceName === undefined ? {} : { resourceName }) });
  const results = archive.analytics.resultsBucket;
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
        resourceArns: objectsUnder(archive.bucket, [ARCHIVE_PREFIXES.transcripts]),
      }),
    )
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resourceArns: [archive.bucket.bucketArn, results.bucketArn],
      }),
    )
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resourceArns: [results.arnForObjects('*')],
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
  const { raw, transcripts, index } = ARCHIVE_PREFIXES;
  acknowledgePrefixWildcards(grantee.grantPrincipal, archive.bucket, [raw, transcripts, index]);
  return Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resourceArns: objectsUnder(archive.bucket, [raw, transcripts, index]),
  })
    .combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:PutObject'],
        resourceArns: objectsUnder(archive.bucket, [transcripts, index]),
      }),
    )
    .combine(
      Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [archive.bucket.bucketArn] }),
    )
    .combine(grantKeyThroughS3(archive, grantee, ['kms:Decrypt', 'kms:GenerateDataKey']));
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
