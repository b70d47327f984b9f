/**
 * The building blocks of every role and grant of the archive: objects under a
 * prefix, the bucket's listing, the archive key through S3, the token secret,
 * and the cdk-nag acknowledgement of a prefix wildcard with its reason.
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { ARCHIVE_PREFIXES } from '../../lib/contract/keys.js';

/** Key prefixes the functions write (lib/contract/keys.ts decides what goes under each). */
export { ARCHIVE_PREFIXES };

export type ArchivePrefix = (typeof ARCHIVE_PREFIXES)[keyof typeof ARCHIVE_PREFIXES];

/** Why each archive prefix is granted with a wildcard: the cdk-nag acknowledgement of its IAM5 finding. */
const ARCHIVE_PREFIX_REASONS: Readonly<Record<ArchivePrefix, string>> = {
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
  [ARCHIVE_PREFIXES.redacted]:
    'Room keys are redacted/year=YYYY/month=MM/day=DD/<room_id>.json, decided at run time: objects under ' +
    'redacted/ are the narrowest resource that covers them.',
};

/** The HappyTalk token as the roles name it. */
export interface TokenSecretAccess {
  /** The ARN the policies name (a `-??????` pattern for a secret imported by name). */
  readonly arnForPolicy: string;
  /** The secret's customer-managed key, when it has one. */
  readonly keyArn: string | undefined;
}

/** The objects under each prefix, as IAM resources. */
export function objectsUnder(bucket: Bucket, prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
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
export function listBucketStatement(bucket: Bucket): PolicyStatement {
  return new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] });
}

/** The condition that limits a key to its use through one service (`s3`, `secretsmanager`). */
export function viaService(service: string): Record<string, Record<string, string>> {
  return { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` } };
}

/** The archive key, used only through S3 (SSE-KMS). */
export function keyThroughS3Statement(key: IKey, actions: string[]): PolicyStatement {
  return new PolicyStatement({ actions, resources: [key.keyArn], conditions: viaService('s3') });
}

/** Reading the HappyTalk token, and its customer-managed key through Secrets Manager when it has one. */
export function secretStatements(secret: TokenSecretAccess): PolicyStatement[] {
  return [
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.arnForPolicy] }),
    ...(secret.keyArn === undefined
      ? []
      : [
          new PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: [secret.keyArn],
            conditions: viaService('secretsmanager'),
          }),
        ]),
  ];
}

/** The bucket as cdk-nag writes it in a finding's id: `<LogicalId.Arn>`. */
export function bucketArnInFindings(bucket: Bucket): string {
  return `<${Stack.of(bucket).resolve((bucket.node.defaultChild as CfnBucket).logicalId)}.Arn>`;
}

/**
 * Acknowledges, on `principal`, cdk-nag's IAM5 finding for each prefix granted
 * with a wildcard, with its reason (by default the archive prefix's): an app
 * that runs cdk-nag (as this one does) sees them as the construct's decisions.
 */
export function acknowledgePrefixWildcards(
  principal: IConstruct | object,
  bucket: Bucket,
  prefixes: readonly (ArchivePrefix | { readonly prefix: string; readonly reason: string })[],
): void {
  if (!Construct.isConstruct(principal)) return;
  const bucketArn = bucketArnInFindings(bucket);
  Validations.of(principal).acknowledge(
    ...prefixes.map((entry) => {
      const { prefix, reason } =
        typeof entry === 'string' ? { prefix: entry, reason: ARCHIVE_PREFIX_REASONS[entry] } : entry;
      return { id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, reason };
    }),
  );
}
