import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_PREFIXES, FUNCTION_BUNDLES } from '../../infra/happytalk-archive.js';
import {
  buildBundles,
  type Grant,
  grantsOfRole,
  inlinePoliciesOfRole,
  logicalIdOf,
  propsOf,
  redactionKeySecretIdOf,
  synthTemplate,
  tokenSecretIdOf,
} from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;
let ids: {
  bucket: string;
  key: string;
  secret: string;
  redactionKey: string;
  dlq: string;
  queue: string;
  httpApiFunction: string;
  retrievalFunction: string;
  archiveEventsFunction: string;
  reconcileFunction: string;
  httpApiRole: string;
  retrievalRole: string;
  archiveEventsRole: string;
  httpApiLogGroup: string;
  retrievalLogGroup: string;
  archiveEventsLogGroup: string;
};

function functionId(t: Template, description: RegExp): string {
  const matches = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([, fn]) =>
    description.test(String(fn.Properties.Description)),
  );
  if (matches.length !== 1)
    throw new Error(`expected one function matching ${description}, found ${matches.length}`);
  return (matches[0] as [string, unknown])[0];
}

function refId(value: unknown): string {
  const node = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = node.Ref ?? node['Fn::GetAtt']?.[0];
  if (id === undefined) throw new Error(`not a reference: ${JSON.stringify(value)}`);
  return id;
}

function sorted(grants: Grant[]): string[] {
  return grants.map((g) => `${g.action} ${g.resource}`).sort();
}

function logGroupOf(t: Template, fn: string): string {
  return refId((propsOf(t, fn).LoggingConfig as { LogGroup: unknown }).LogGroup);
}

function environmentOf(t: Template, fn: string): Record<string, unknown> {
  return (propsOf(t, fn).Environment as { Variables: Record<string, unknown> }).Variables;
}

const S3_VIA_SERVICE = {
  StringEquals: {
    'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
  },
};

const SECRETS_VIA_SERVICE = {
  StringEquals: {
    'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
  },
};

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
  const httpApiFunction = functionId(template, /HTTP API/);
  const retrievalFunction = functionId(template, /retrieval API/);
  const archiveEventsFunction = functionId(template, /events from the queue/);
  const queue = logicalIdOf(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
  ids = {
    bucket: logicalIdOf(template, 'AWS::S3::Bucket', { ObjectLockEnabled: true }),
    key: logicalIdOf(template, 'AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('transcript archive'),
    }),
    secret: tokenSecretIdOf(template),
    redactionKey: redactionKeySecretIdOf(template),
    queue,
    dlq: refId(
      (propsOf(template, queue).RedrivePolicy as { deadLetterTargetArn: unknown }).deadLetterTargetArn,
    ),
    httpApiFunction,
    retrievalFunction,
    archiveEventsFunction,
    reconcileFunction: functionId(template, /reconciliation/),
    httpApiRole: refId(propsOf(template, httpApiFunction).Role),
    retrievalRole: refId(propsOf(template, retrievalFunction).Role),
    archiveEventsRole: refId(propsOf(template, archiveEventsFunction).Role),
    httpApiLogGroup: logGroupOf(template, httpApiFunction),
    retrievalLogGroup: logGroupOf(template, retrievalFunction),
    archiveEventsLogGroup: logGroupOf(template, archiveEventsFunction),
  };
});

afterAll(async () => {
  await bundles.remove();
});

describe('function bundles', () => {
  it('are the five functions of the contract', () => {
    // Assess
    expect(FUNCTION_BUNDLES).toEqual([
      'http-api',
      'retrieval-api',
      'archive-events',
      'reconcile',
      'completion-watcher',
    ]);
  });

  it('are the real builds of scripts/build.ts', () => {
    // Assess
    for (const name of FUNCTION_BUNDLES) {
      expect(existsSync(join(bundles.dir, name, 'index.mjs')), name).toBe(true);
      expect(existsSync(join(bundles.dir, name, 'index.mjs.map')), name).toBe(true);
    }
  });
});

describe('functions', () => {
  it('run index.handler on nodejs24.x, arm64, 768 MB, without X-Ray tracing', () => {
    // Assess
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 768,
        TracingConfig: Match.absent(),
      },
      5,
    );
    template.resourceCountIs('AWS::Lambda::Function', 5);
  });

  it('time out after 29 s (http-api and retrieval-api) and 60 s (archive-events)', () => {
    // Assess
    expect(propsOf(template, ids.httpApiFunction).Timeout).toBe(29);
    expect(propsOf(template, ids.retrievalFunction).Timeout).toBe(29);
    expect(propsOf(template, ids.archiveEventsFunction).Timeout).toBe(60);
  });

  it('take memory and timeouts from context', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, {
      context: { memorySize: '1024', httpApiTimeoutSeconds: '20', archiveEventsTimeoutSeconds: '120' },
    });

    // Assess
    const sizing = (fn: string) => {
      const { MemorySize, Timeout } = propsOf(tuned, fn);
      return { MemorySize, Timeout };
    };
    expect(sizing(ids.httpApiFunction)).toEqual({ MemorySize: 1024, Timeout: 20 });
    expect(sizing(ids.retrievalFunction)).toEqual({ MemorySize: 1024, Timeout: 20 });
    expect(sizing(ids.archiveEventsFunction)).toEqual({ MemorySize: 1024, Timeout: 120 });
    expect(sizing(ids.reconcileFunction)).toEqual({ MemorySize: 1024, Timeout: 300 });
    expect(sizing(functionId(tuned, /completion watcher/))).toEqual({ MemorySize: 1024, Timeout: 300 });
    tuned.resourcePropertiesCountIs('AWS::Lambda::Function', { MemorySize: 1024 }, 5);
    tuned.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 720,
      RedrivePolicy: Match.anyValue(),
    });
  });

  it('receive the archive settings as environment variables', () => {
    // Assess
    const common = {
      ARCHIVE_BUCKET: { Ref: ids.bucket },
      HAPPYTALK_SECRET_ID: { Ref: ids.secret },
      REDACTED_COPY: 'on',
      REDACTION_KEY_SECRET_ID: { Ref: ids.redactionKey },
      REDACTION_MASK: 'type',
      REDACTION_COUNSELORS: 'keep',
      HAPPYTALK_BASE_URL: 'https://customer.happytalk.io',
      HAPPYTALK_TIMEZONE: 'Asia/Seoul',
      HAPPYTALK_FINAL_STATUSES: '2,4',
      POWERTOOLS_SERVICE_NAME: 'happytalk-archive',
      POWERTOOLS_METRICS_NAMESPACE: 'HappyTalkArchive',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    // 29 s: a third for a request, a twelfth each for the longest backoff and the storage margin, a sixth
    // for the images, and the rest for the retry budget: one room's worst case is 29 s.
    expect(propsOf(template, ids.httpApiFunction).Environment).toEqual({
      Variables: {
        ...common,
        HAPPYTALK_TIMEOUT_MS: '9666',
        HAPPYTALK_MAX_DELAY_MS: '2416',
        HAPPYTALK_RETRY_BUDGET_MS: '9669',
        ATTACHMENT_BUDGET_MS: '4833',
        ROOM_STORAGE_MARGIN_MS: '2416',
      },
    });
    // 60 s: the transport's and the attachment step's defaults fit, with a 5 s storage margin: 55 s.
    expect(propsOf(template, ids.archiveEventsFunction).Environment).toEqual({
      Variables: {
        ...common,
        HAPPYTALK_TIMEOUT_MS: '10000',
        HAPPYTALK_MAX_DELAY_MS: '5000',
        HAPPYTALK_RETRY_BUDGET_MS: '20000',
        ATTACHMENT_BUDGET_MS: '15000',
        ROOM_STORAGE_MARGIN_MS: '5000',
        ARCHIVE_DLQ_URL: { Ref: ids.dlq },
        COMPLETION_MAX_ATTEMPTS: '4',
      },
    });
  });

  it('take the redacted copy settings from context, and name no key when the copy is off', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, {
      context: { redactionMask: 'pii', redactionCounselors: 'pseudonymize' },
    });
    const off = synthTemplate(bundles.dir, { context: { redactedCopy: 'false' } });

    // Assess
    for (const pattern of [/HTTP API/, /events from the queue/]) {
      expect(environmentOf(tuned, functionId(tuned, pattern))).toMatchObject({
        REDACTED_COPY: 'on',
        REDACTION_MASK: 'pii',
        REDACTION_COUNSELORS: 'pseudonymize',
      });
      const variables = environmentOf(off, functionId(off, pattern));
      expect(variables.REDACTED_COPY).toBe('off');
      expect(Object.keys(variables).filter((name) => name.startsWith('REDACTION_'))).toEqual([]);
      const grants = grantsOfRole(off, refId(propsOf(off, functionId(off, pattern)).Role));
      expect(grants.filter((g) => g.resource.includes('/redacted/'))).toEqual([]);
      expect(grants.filter((g) => g.action.startsWith('secretsmanager:'))).toHaveLength(1);
    }
  });

  it('name the pseudonym key to the archiving functions only', () => {
    // Act
    const named = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([, fn]) => 'REDACTION_KEY_SECRET_ID' in (fn.Properties.Environment?.Variables ?? {}))
      .map(([id]) => id)
      .sort();

    // Assess
    expect(named).toEqual([ids.archiveEventsFunction, ids.httpApiFunction].sort());
  });

  it('give retrieval-api the bucket and logging settings only: no HappyTalk settings, no secret', () => {
    // Assess
    expect(propsOf(template, ids.retrievalFunction).Environment).toEqual({
      Variables: {
        ARCHIVE_BUCKET: { Ref: ids.bucket },
        POWERTOOLS_SERVICE_NAME: 'happytalk-archive',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
  });

  it('give retrieval-api no secret even when the secret is imported', () => {
    // Act
    const byName = synthTemplate(bundles.dir, { context: { existingSecretName: 'happytalk/token' } });

    // Assess
    expect(Object.keys(environmentOf(byName, functionId(byName, /retrieval API/))).sort()).toEqual([
      'ARCHIVE_BUCKET',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
    ]);
  });

  it('call the dev host for happytalkEnv dev, and an explicit base URL when given', () => {
    // Act
    const dev = synthTemplate(bundles.dir, { context: { happytalkEnv: 'dev', happytalkTimezone: 'UTC' } });
    const explicit = synthTemplate(bundles.dir, {
      context: { happytalkEnv: 'dev', happytalkBaseUrl: 'https://happytalk.example.com/' },
    });

    // Assess
    dev.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            HAPPYTALK_BASE_URL: 'https://patch-customer.happytalk.io',
            HAPPYTALK_TIMEZONE: 'UTC',
          }),
        },
      },
      4,
    );
    explicit.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: { Variables: Match.objectLike({ HAPPYTALK_BASE_URL: 'https://happytalk.example.com' }) },
      },
      4,
    );
  });

  it('each log to their own log group, kept for a year, encrypted with the archive key and retained', () => {
    // Assess
    const logGroups = [ids.httpApiLogGroup, ids.retrievalLogGroup, ids.archiveEventsLogGroup];
    expect(new Set(logGroups).size).toBe(3);
    for (const logGroup of logGroups) {
      expect(template.toJSON().Resources[logGroup]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Retain',
        Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [ids.key, 'Arn'] } },
      });
    }
  });

  it('encrypt every log group of the stack with the archive key, the API access logs, reconcile and the watcher included', () => {
    // Act
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));

    // Assess: one per function, and the API's access logs
    expect(logGroups).toHaveLength(functions.length + 1);
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
    }
  });

  it('let CloudWatch Logs use the archive key for the log groups of this account and region only', () => {
    // Act
    const statements = propsOf(template, ids.key).KeyPolicy as { Statement: Record<string, unknown>[] };
    const forLogs = statements.Statement.filter((statement) =>
      JSON.stringify(statement.Principal).includes('logs.'),
    );

    // Assess
    expect(forLogs).toEqual([
      {
        Sid: 'AllowCloudWatchLogsOfThisAccount',
        Effect: 'Allow',
        Principal: {
          Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
        },
        Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':logs:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':log-group:*',
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('take the log retention from context', () => {
    // Act
    const short = synthTemplate(bundles.dir, { context: { logRetentionDays: '90' } });

    // Assess
    // The five functions' log groups and the API access log group.
    short.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90 }, 6);
  });
});

describe('function permissions', () => {
  const bucketArn = () => `<${ids.bucket}.Arn>`;

  it('use roles without managed or inline policies', () => {
    // Assess
    expect(new Set([ids.httpApiRole, ids.retrievalRole, ids.archiveEventsRole]).size).toBe(3);
    for (const role of [ids.httpApiRole, ids.retrievalRole, ids.archiveEventsRole]) {
      expect(template.toJSON().Resources[role].Properties.ManagedPolicyArns).toBeUndefined();
      expect(inlinePoliciesOfRole(template, role)).toEqual([]);
    }
  });

  it('grant http-api exactly its logs, prefixes (every version), the bucket listing, key and secret', () => {
    // Act
    const grants = grantsOfRole(template, ids.httpApiRole);

    // Assess
    expect(sorted(grants)).toEqual(
      [
        `logs:CreateLogStream <${ids.httpApiLogGroup}.Arn>`,
        `logs:PutLogEvents <${ids.httpApiLogGroup}.Arn>`,
        `s3:PutObject ${bucketArn()}/raw/*`,
        `s3:PutObject ${bucketArn()}/transcripts/*`,
        `s3:PutObject ${bucketArn()}/index/*`,
        `s3:PutObject ${bucketArn()}/attachments/*`,
        `s3:PutObject ${bucketArn()}/redacted/*`,
        // A large transcript is a multipart upload, aborted when its completion does not happen.
        `s3:AbortMultipartUpload ${bucketArn()}/raw/*`,
        `s3:AbortMultipartUpload ${bucketArn()}/transcripts/*`,
        `s3:AbortMultipartUpload ${bucketArn()}/index/*`,
        `s3:AbortMultipartUpload ${bucketArn()}/attachments/*`,
        `s3:AbortMultipartUpload ${bucketArn()}/redacted/*`,
        `s3:GetObject ${bucketArn()}/raw/*`,
        `s3:GetObject ${bucketArn()}/index/*`,
        `s3:GetObject ${bucketArn()}/transcripts/*`,
        `s3:GetObject ${bucketArn()}/attachments/*`,
        `s3:GetObject ${bucketArn()}/redacted/*`,
        // The unchanged-room path reads the transcript by the version id the index pins.
        `s3:GetObjectVersion ${bucketArn()}/raw/*`,
        `s3:GetObjectVersion ${bucketArn()}/index/*`,
        `s3:GetObjectVersion ${bucketArn()}/transcripts/*`,
        `s3:GetObjectVersion ${bucketArn()}/attachments/*`,
        `s3:GetObjectVersion ${bucketArn()}/redacted/*`,
        `s3:ListBucket ${bucketArn()}`,
        `kms:Decrypt <${ids.key}.Arn>`,
        `kms:GenerateDataKey <${ids.key}.Arn>`,
        // Through Secrets Manager: the token and the pseudonym key are both encrypted with the archive key.
        `kms:Decrypt <${ids.key}.Arn>`,
        `secretsmanager:GetSecretValue <${ids.secret}>`,
        `secretsmanager:GetSecretValue <${ids.redactionKey}>`,
      ].sort(),
    );
  });

  it('grant archive-events the same plus consuming its queue and sending to its DLQ', () => {
    // Act
    const httpApi = sorted(grantsOfRole(template, ids.httpApiRole)).map((g) =>
      g.replace(`<${ids.httpApiLogGroup}.Arn>`, '<LOG_GROUP>'),
    );
    const archiveEvents = sorted(grantsOfRole(template, ids.archiveEventsRole)).map((g) =>
      g.replace(`<${ids.archiveEventsLogGroup}.Arn>`, '<LOG_GROUP>'),
    );

    // Assess
    expect(archiveEvents).toEqual(
      [
        ...httpApi,
        `sqs:SendMessage <${ids.dlq}.Arn>`,
        `sqs:ReceiveMessage <${ids.queue}.Arn>`,
        `sqs:ChangeMessageVisibility <${ids.queue}.Arn>`,
        `sqs:GetQueueUrl <${ids.queue}.Arn>`,
        `sqs:DeleteMessage <${ids.queue}.Arn>`,
        `sqs:GetQueueAttributes <${ids.queue}.Arn>`,
      ].sort(),
    );
  });

  it('never grant s3:*, deletes, retention changes, governance bypass or a wildcard resource on S3 and secrets', () => {
    for (const role of [ids.httpApiRole, ids.retrievalRole, ids.archiveEventsRole]) {
      // Act
      const grants = grantsOfRole(template, role);

      // Assess
      const actions = grants.map((g) => g.action);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      expect(
        actions.filter((a) => /^s3:(Delete|PutObjectRetention|PutObjectLegalHold|BypassGovernance)/.test(a)),
      ).toEqual([]);
      const storageGrants = grants.filter((g) => /^(s3|secretsmanager|kms):/.test(g.action));
      expect(storageGrants.filter((g) => g.resource === '*' || !g.resource.startsWith('<'))).toEqual([]);
    }
  });

  it('list the bucket without a condition, so that a missing key is a 404, and use the key through S3 and Secrets Manager only', () => {
    for (const role of [ids.httpApiRole, ids.archiveEventsRole]) {
      // Act
      const grants = grantsOfRole(template, role);

      // Assess
      expect(grants.filter((g) => g.action === 's3:ListBucket')).toEqual([
        { action: 's3:ListBucket', resource: bucketArn() },
      ]);
      const keyGrants = grants.filter((g) => g.action.startsWith('kms:'));
      expect(keyGrants.map((g) => JSON.stringify(g.condition)).sort()).toEqual(
        [S3_VIA_SERVICE, S3_VIA_SERVICE, SECRETS_VIA_SERVICE].map((c) => JSON.stringify(c)).sort(),
      );
    }
  });

  it('cover every archive prefix, attachments/ and redacted/ included', () => {
    // Assess
    expect(ARCHIVE_PREFIXES).toEqual({
      raw: 'raw/',
      transcripts: 'transcripts/',
      index: 'index/',
      attachments: 'attachments/',
      redacted: 'redacted/',
    });
  });

  it('grant retrieval-api exactly its logs and read-only access to the five prefixes with versions', () => {
    // Act
    const grants = grantsOfRole(template, ids.retrievalRole);

    // Assess
    expect(sorted(grants)).toEqual(
      [
        `logs:CreateLogStream <${ids.retrievalLogGroup}.Arn>`,
        `logs:PutLogEvents <${ids.retrievalLogGroup}.Arn>`,
        `s3:GetObject ${bucketArn()}/raw/*`,
        `s3:GetObject ${bucketArn()}/transcripts/*`,
        `s3:GetObject ${bucketArn()}/index/*`,
        `s3:GetObject ${bucketArn()}/attachments/*`,
        `s3:GetObject ${bucketArn()}/redacted/*`,
        `s3:GetObjectVersion ${bucketArn()}/raw/*`,
        `s3:GetObjectVersion ${bucketArn()}/transcripts/*`,
        `s3:GetObjectVersion ${bucketArn()}/index/*`,
        `s3:GetObjectVersion ${bucketArn()}/attachments/*`,
        `s3:GetObjectVersion ${bucketArn()}/redacted/*`,
        `s3:ListBucket ${bucketArn()}`,
        `s3:ListBucketVersions ${bucketArn()}`,
        `kms:Decrypt <${ids.key}.Arn>`,
      ].sort(),
    );
  });

  it('list retrieval-api the bucket without a condition (404 for an unarchived room) and use the key through S3 only', () => {
    // Act
    const grants = grantsOfRole(template, ids.retrievalRole);

    // Assess
    expect(grants.filter((g) => g.action.startsWith('s3:List'))).toEqual([
      { action: 's3:ListBucket', resource: bucketArn() },
      { action: 's3:ListBucketVersions', resource: bucketArn() },
    ]);
    expect(grants.filter((g) => g.action.startsWith('kms:'))).toEqual([
      { action: 'kms:Decrypt', resource: `<${ids.key}.Arn>`, condition: S3_VIA_SERVICE },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a created secret', {}],
    ['a secret imported by name', { existingSecretName: 'happytalk/token' }],
    [
      'a secret imported by ARN with its own key',
      {
        existingSecretArn: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:happytalk/token-AbCdEf',
        existingSecretKeyArn:
          'arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    ],
  ])('never let retrieval-api write, read the secret or encrypt, with %s', (_case, context) => {
    // Act
    const t = Object.keys(context).length === 0 ? template : synthTemplate(bundles.dir, { context });
    const grants = grantsOfRole(t, refId(propsOf(t, functionId(t, /retrieval API/)).Role));
    const actions = grants.map((g) => g.action);

    // Assess
    expect(actions).not.toContain('s3:PutObject');
    expect(
      actions.filter((a) => /^s3:(Put|Delete|Restore|Replicate|Abort|BypassGovernance)/.test(a)),
    ).toEqual([]);
    expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions).not.toContain('kms:GenerateDataKey');
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt']);
    expect(grants.filter((g) => g.action.startsWith('kms:')).map((g) => g.condition)).toEqual([
      S3_VIA_SERVICE,
    ]);
  });

  it('read a secret imported by name through the -?????? suffix pattern, and pass its name', () => {
    // Act
    const byName = synthTemplate(bundles.dir, { context: { existingSecretName: 'happytalk/token' } });
    const fn = functionId(byName, /HTTP API/);
    const grants = grantsOfRole(byName, refId(propsOf(byName, fn).Role));

    // Assess
    expect(grants.filter((g) => g.action.startsWith('secretsmanager:'))).toEqual([
      {
        action: 'secretsmanager:GetSecretValue',
        resource:
          'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:happytalk/token-??????',
      },
      { action: 'secretsmanager:GetSecretValue', resource: `<${redactionKeySecretIdOf(byName)}>` },
    ]);
    // Through Secrets Manager, only the archive key, for the pseudonym key: the token's own key is not named.
    expect(
      grants
        .filter((g) => g.action === 'kms:Decrypt' && JSON.stringify(g.condition).includes('secretsmanager'))
        .map((g) => g.resource),
    ).toEqual([
      `<${logicalIdOf(byName, 'AWS::KMS::Key', { Description: Match.stringLikeRegexp('transcript archive') })}.Arn>`,
    ]);
    expect(
      (propsOf(byName, fn).Environment as { Variables: Record<string, unknown> }).Variables
        .HAPPYTALK_SECRET_ID,
    ).toBe('happytalk/token');
  });

  it('read a secret imported by ARN, and decrypt with its own key when one is given', () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:happytalk/token-AbCdEf';
    const keyArn = 'arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

    // Act
    const byArn = synthTemplate(bundles.dir, {
      context: { existingSecretArn: arn, existingSecretKeyArn: keyArn },
    });
    const fn = functionId(byArn, /events from the queue/);
    const grants = grantsOfRole(byArn, refId(propsOf(byArn, fn).Role));

    // Assess
    expect(grants.filter((g) => g.action.startsWith('secretsmanager:'))).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: arn },
      { action: 'secretsmanager:GetSecretValue', resource: `<${redactionKeySecretIdOf(byArn)}>` },
    ]);
    expect(grants.filter((g) => g.resource === keyArn)).toEqual([
      {
        action: 'kms:Decrypt',
        resource: keyArn,
        condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
          },
        },
      },
    ]);
    expect(
      (propsOf(byArn, fn).Environment as { Variables: Record<string, unknown> }).Variables
        .HAPPYTALK_SECRET_ID,
    ).toBe(arn);
  });
});
