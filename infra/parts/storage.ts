import { Aspects, Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type LifecycleRule,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ArchiveSettings } from '../settings/resolve.js';
import { EncryptLogGroups } from './archive-function.js';
import { ARCHIVE_PREFIXES } from './permissions.js';

/** Where the archive keeps what it archives. */
export interface ArchiveStorage {
  /** The customer-managed key of the archive bucket, the created secret and the log groups. */
  readonly key: Key;
  /** The bucket receiving the archive bucket's server access logs. */
  readonly accessLogBucket: Bucket;
  /** The archive bucket (versioned, Object Lock, SSE-KMS). */
  readonly bucket: Bucket;
}

/**
 * The archive key (rotating, retained, usable by CloudWatch Logs of this
 * account for the archive's log groups, which an aspect encrypts with it),
 * the access log bucket and the archive bucket with its Object Lock default
 * retention and lifecycle. Creates `ArchiveKey`, `AccessLogBucket` and
 * `ArchiveBucket` in `scope`: ids a deployed stack must keep (the bucket and
 * the key are retained, and hold the archive).
 */
export function buildStorage(scope: Construct, settings: ArchiveSettings): ArchiveStorage {
  const key = new Key(scope, 'ArchiveKey', {
    description:
      'Encrypts the HappyTalk transcript archive, the HappyTalk token secret and the log groups of the archive',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  allowCloudWatchLogs(key);
  // Every log group of the archive (room ids, caller ARNs) is encrypted with the key, one added later too.
  Aspects.of(scope).add(new EncryptLogGroups(key));
  const accessLogBucket = buildAccessLogBucket(scope, settings);
  return { key, accessLogBucket, bucket: buildArchiveBucket(scope, settings, key, accessLogBucket) };
}

/**
 * Lets CloudWatch Logs use the key for the log groups of this account and
 * region, and nothing else: the service encrypts and decrypts log events
 * with it on behalf of the log group (AWS CloudWatch Logs User Guide,
 * "Encrypt log data in CloudWatch Logs using AWS KMS": the key policy names
 * the service principal `logs.<region>.amazonaws.com` and the encryption
 * context `aws:logs:arn`).
 */
function allowCloudWatchLogs(key: Key): void {
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

function buildAccessLogBucket(scope: Construct, settings: ArchiveSettings): Bucket {
  return new Bucket(scope, 'AccessLogBucket', {
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

function buildArchiveBucket(
  scope: Construct,
  settings: ArchiveSettings,
  key: Key,
  accessLogBucket: Bucket,
): Bucket {
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

  return new Bucket(scope, 'ArchiveBucket', {
    versioned: true,
    objectLockEnabled: true,
    objectLockDefaultRetention:
      settings.objectLockMode === 'COMPLIANCE'
        ? ObjectLockRetention.compliance(retention)
        : ObjectLockRetention.governance(retention),
    encryption: BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogBucket,
    serverAccessLogsPrefix: 'archive-bucket/',
    lifecycleRules,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
