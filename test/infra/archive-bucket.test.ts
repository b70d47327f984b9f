import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBundles,
  logicalIdOf,
  redactionKeySecretIdOf,
  synthTemplate,
  tokenSecretIdOf,
} from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;
let bucketId: string;
let keyId: string;
let logBucketId: string;

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
  bucketId = logicalIdOf(template, 'AWS::S3::Bucket', { ObjectLockEnabled: true });
  logBucketId = logicalIdOf(template, 'AWS::S3::Bucket', { LoggingConfiguration: Match.absent() });
  keyId = logicalIdOf(template, 'AWS::KMS::Key', {
    Description: Match.stringLikeRegexp('transcript archive'),
  });
});

afterAll(async () => {
  await bundles.remove();
});

describe('archive bucket', () => {
  it('is versioned with Object Lock in GOVERNANCE mode for 1095 days by default', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1095 } },
      },
    });
  });

  it('uses COMPLIANCE mode and the given retention when opted in through context', () => {
    // Act
    const compliance = synthTemplate(bundles.dir, {
      context: { objectLockMode: 'COMPLIANCE', retentionDays: '2555' },
    });

    // Assess
    compliance.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'expire-transcripts-after-retention', ExpirationInDays: 2555 }),
          Match.objectLike({ Id: 'expire-attachments-after-retention', ExpirationInDays: 2555 }),
        ]),
      },
    });
  });

  it('uses COMPLIANCE mode when opted in through props', () => {
    // Act
    const compliance = synthTemplate(bundles.dir, { props: { archive: { objectLockMode: 'COMPLIANCE' } } });

    // Assess
    compliance.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1095 } } },
    });
  });

  it('encrypts with SSE-KMS under its own rotating customer-managed key, with bucket keys', () => {
    // Assess
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(template.toJSON().Resources[keyId].Properties.EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      },
    });
  });

  it('blocks all public access', () => {
    // Assess
    const block = {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    };
    expect(template.toJSON().Resources[bucketId].Properties.PublicAccessBlockConfiguration).toEqual(block);
    expect(template.toJSON().Resources[logBucketId].Properties.PublicAccessBlockConfiguration).toEqual(block);
  });

  it('denies requests without TLS and below TLS 1.2 in its bucket policy', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      },
    });
  });

  it('writes server access logs to the separate log bucket', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 'archive-bucket/' },
    });
  });

  it('expires noncurrent versions after 30 days and, prefix by prefix, current objects when the retention ends', () => {
    // Assess
    const rules = template.toJSON().Resources[bucketId].Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual([
      {
        Id: 'expire-noncurrent-versions',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        Status: 'Enabled',
      },
      {
        Id: 'abort-incomplete-multipart-uploads',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        Status: 'Enabled',
      },
      { Id: 'expire-raw-after-retention', Prefix: 'raw/', ExpirationInDays: 1095, Status: 'Enabled' },
      {
        Id: 'expire-transcripts-after-retention',
        Prefix: 'transcripts/',
        ExpirationInDays: 1095,
        Status: 'Enabled',
      },
      { Id: 'expire-index-after-retention', Prefix: 'index/', ExpirationInDays: 1095, Status: 'Enabled' },
      {
        Id: 'expire-attachments-after-retention',
        Prefix: 'attachments/',
        ExpirationInDays: 1095,
        Status: 'Enabled',
      },
      // The redacted copies live and expire as the transcripts they are made from.
      {
        Id: 'expire-redacted-after-retention',
        Prefix: 'redacted/',
        ExpirationInDays: 1095,
        Status: 'Enabled',
      },
      { Id: 'remove-expired-delete-markers', ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
    ]);
  });

  it('keeps current objects indefinitely when expireAfterRetention is false', () => {
    // Act
    const keep = synthTemplate(bundles.dir, {
      context: { expireAfterRetention: 'false', noncurrentVersionExpirationDays: '90' },
    });

    // Assess
    const id = logicalIdOf(keep, 'AWS::S3::Bucket', { ObjectLockEnabled: true });
    const rules = keep.toJSON().Resources[id].Properties.LifecycleConfiguration.Rules as Record<
      string,
      unknown
    >[];
    expect(rules.map((rule) => rule.Id)).toEqual([
      'expire-noncurrent-versions',
      'abort-incomplete-multipart-uploads',
    ]);
    expect(rules.some((rule) => 'ExpirationInDays' in rule)).toBe(false);
    expect(rules[0]).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } });
  });

  it('retains the bucket and its key when the stack is deleted', () => {
    // Assess
    const resources = template.toJSON().Resources;
    expect(resources[bucketId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(resources[keyId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('access log bucket', () => {
  it('is SSE-S3 encrypted, expires logs after 365 days and is retained', () => {
    // Assess
    expect(template.toJSON().Resources[logBucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LifecycleConfiguration: {
          Rules: [{ Id: 'expire-access-logs', ExpirationInDays: 365, Status: 'Enabled' }],
        },
      },
    });
  });

  it('denies requests without TLS and lets only the S3 logging service write', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
          }),
        ]),
      },
    });
  });
});

describe('token secret', () => {
  it('is created without a value in the template, encrypted with the archive key', () => {
    // Assess
    const secret = template.toJSON().Resources[tokenSecretIdOf(template)];
    expect(secret.Properties).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.Description).toMatch(
      /\{"token":"...","client_id":"...","client_secret":"..."\}/,
    );
  });

  it('is not created when an existing secret is named: the pseudonym key remains the only secret created', () => {
    // Act
    const existing = synthTemplate(bundles.dir, { context: { existingSecretName: 'happytalk/token' } });

    // Assess
    existing.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(redactionKeySecretIdOf(existing)).toBe(redactionKeySecretIdOf(template));
  });
});

describe('redaction key secret', () => {
  it('is generated by Secrets Manager, never in the template, encrypted with the archive key and retained', () => {
    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const secret = template.toJSON().Resources[redactionKeySecretIdOf(template)];
    expect(secret).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      },
    });
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.Description).toMatch(/a new value gives every customer a new pseudonym/);
  });

  it('is not created, nor named to any function, when the redacted copy is off', () => {
    // Act
    const off = synthTemplate(bundles.dir, { context: { redactedCopy: 'false' } });

    // Assess
    off.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const environments = Object.values(off.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>,
    );
    expect(environments.some((variables) => 'REDACTION_KEY_SECRET_ID' in variables)).toBe(false);
    expect(environments.filter((variables) => variables.REDACTED_COPY === 'off')).toHaveLength(2);
    expect(JSON.stringify(off.toJSON())).not.toContain('RedactionKeySecret');
  });
});
