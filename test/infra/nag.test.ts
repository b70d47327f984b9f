import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, type CfnRole, Role } from 'aws-cdk-lib/aws-iam';
import type { CfnKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, createStack, grantsOfRole } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;

beforeAll(async () => {
  bundles = await buildBundles();
});

afterAll(async () => {
  await bundles.remove();
});

const packs = (): NagPack[] => [new AwsSolutionsChecks(), new ServerlessChecks()];

/** Every finding of both packs, as `rule @ construct path`. */
function findings(scope: IConstruct, nagPacks: NagPack[] = packs()): string[] {
  return nagPacks.flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
      ),
  );
}

/** The cdk-nag acknowledgements recorded under `scope`: rule id, construct path and reason. */
function acknowledgements(scope: IConstruct): { id: string; path: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), path: construct.node.path, reason }))
      .filter(({ id }) => /^(AwsSolutions|Serverless)-/.test(id)),
  );
}

describe('cdk-nag', () => {
  it.each<[string, Record<string, unknown>]>([
    ['the defaults', {}],
    ['COMPLIANCE mode, no expiry', { objectLockMode: 'COMPLIANCE', expireAfterRetention: 'false' }],
    ['an alarm email', { alarmEmail: 'ops@example.com' }],
    ['the completion watcher off', { completionWatchInterval: 'off' }],
    [
      'the completion watcher every minute, deleted rooms final',
      { completionWatchInterval: '1', finalStatuses: '2,3,4' },
    ],
    [
      'a secret imported by name with its own key',
      {
        existingSecretName: 'happytalk/token',
        existingSecretKeyArn:
          'arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    ],
    [
      'a secret imported by ARN',
      { existingSecretArn: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:t-AbCdEf' },
    ],
  ])('finds nothing in AwsSolutions and Serverless with %s', (_case, context) => {
    // Act
    const remaining = findings(createStack(bundles.dir, { context }));

    // Assess
    expect(remaining, `unacknowledged findings:\n${remaining.join('\n')}`).toEqual([]);
  });

  it('still reports the unauthenticated API when httpApiAuthorization is none', () => {
    // Act
    const remaining = findings(createStack(bundles.dir, { context: { httpApiAuthorization: 'none' } }));

    // Assess
    expect(remaining.sort()).toEqual([
      'AwsSolutions-APIG4 @ HappyTalkArchive/Archive/HttpApi/GET--rooms--{room_id}--archive--versions/Resource',
      'AwsSolutions-APIG4 @ HappyTalkArchive/Archive/HttpApi/GET--rooms--{room_id}--archive/Resource',
      'AwsSolutions-APIG4 @ HappyTalkArchive/Archive/HttpApi/POST--rooms--{room_id}--archive/Resource',
    ]);
  });

  it('acknowledges only these findings, each by its full id where it arises', () => {
    // Prepare
    const stack = createStack(bundles.dir, { context: { alarmEmail: 'ops@example.com' } });
    const bucketArn = `<${stack.resolve((stack.archive.bucket.node.defaultChild as CfnBucket).logicalId)}.Arn>`;
    const watcher = stack.archive.completionWatcher?.function.node.defaultChild as CfnFunction;
    const watcherArn = `<${stack.resolve(watcher.logicalId)}.Arn>`;

    // Act
    const acknowledged = acknowledgements(stack).map(({ id, path }) => `${id} @ ${path}`);

    // Assess
    const perRole = (role: string) => [
      `AwsSolutions-IAM5[Resource::${bucketArn}/raw/*] @ HappyTalkArchive/Archive/${role}`,
      `AwsSolutions-IAM5[Resource::${bucketArn}/transcripts/*] @ HappyTalkArchive/Archive/${role}`,
      `AwsSolutions-IAM5[Resource::${bucketArn}/index/*] @ HappyTalkArchive/Archive/${role}`,
      `AwsSolutions-IAM5[Resource::${bucketArn}/attachments/*] @ HappyTalkArchive/Archive/${role}`,
      `AwsSolutions-IAM5[Resource::${bucketArn}/redacted/*] @ HappyTalkArchive/Archive/${role}`,
    ];
    expect(acknowledged.sort()).toEqual(
      [
        ...perRole('HttpApiFunctionRole'),
        ...perRole('RetrievalFunctionRole'),
        ...perRole('ArchiveEventsFunctionRole'),
        `AwsSolutions-IAM5[Resource::${bucketArn}/index/*] @ HappyTalkArchive/Archive/Reconciliation/FunctionRole`,
        'Serverless-LambdaDLQ @ HappyTalkArchive/Archive/Reconciliation/Function',
        'AwsSolutions-SQS3 @ HappyTalkArchive/Archive/Reconciliation/ScheduleDeadLetterQueue',
        'Serverless-SQSRedrivePolicy @ HappyTalkArchive/Archive/Reconciliation/ScheduleDeadLetterQueue',
        'Serverless-LambdaTracing @ HappyTalkArchive/Archive/HttpApiFunction',
        'Serverless-LambdaTracing @ HappyTalkArchive/Archive/RetrievalFunction',
        'Serverless-LambdaTracing @ HappyTalkArchive/Archive/ArchiveEventsFunction',
        'Serverless-LambdaTracing @ HappyTalkArchive/Archive/Reconciliation/Function',
        'Serverless-LambdaDLQ @ HappyTalkArchive/Archive/HttpApiFunction',
        'Serverless-LambdaDLQ @ HappyTalkArchive/Archive/RetrievalFunction',
        'Serverless-LambdaDLQ @ HappyTalkArchive/Archive/ArchiveEventsFunction',
        'Serverless-LambdaEventSourceMappingDestination @ HappyTalkArchive/Archive/ArchiveEventsFunction',
        'AwsSolutions-SMG4 @ HappyTalkArchive/Archive/HappyTalkTokenSecret',
        'AwsSolutions-SMG4 @ HappyTalkArchive/Archive/RedactionKeySecret',
        'Serverless-SQSRedrivePolicy @ HappyTalkArchive/Archive/ArchiveDeadLetterQueue',
        'Serverless-SQSRedrivePolicy @ HappyTalkArchive/Archive/RuleDeadLetterQueue',
        'AwsSolutions-SQS3 @ HappyTalkArchive/Archive/RuleDeadLetterQueue',
        'Serverless-SNSRedrivePolicy @ HappyTalkArchive/Archive/AlarmTopic/ops@example.com',
        'Serverless-LambdaTracing @ HappyTalkArchive/Archive/CompletionWatcherFunction',
        `AwsSolutions-IAM5[Resource::${bucketArn}/index/*] @ HappyTalkArchive/Archive/CompletionWatcherFunctionRole`,
        `AwsSolutions-IAM5[Resource::${bucketArn}/state/*] @ HappyTalkArchive/Archive/CompletionWatcherFunctionRole`,
        'Serverless-LambdaDLQ @ HappyTalkArchive/Archive/CompletionWatcherFunction',
        `AwsSolutions-IAM5[Resource::${watcherArn}:*] @ HappyTalkArchive/Archive/CompletionWatch/ScheduleRole`,
      ].sort(),
    );
  });

  it('gives each acknowledgement a specific reason', () => {
    // Prepare
    const stack = createStack(bundles.dir, { context: { alarmEmail: 'ops@example.com' } });

    // Act
    const acks = acknowledgements(stack);

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const { id, reason } of acks) {
      expect(reason.length, id).toBeGreaterThanOrEqual(60);
      const prefix = /\/(raw|transcripts|index|attachments|state|redacted)\/\*\]$/.exec(id)?.[1];
      if (prefix !== undefined) expect(reason, id).toContain(`${prefix}/`);
      if (id === 'Serverless-LambdaTracing') expect(reason, id).toMatch(/cold start/);
    }
    // No reason is a generic one shared by different rules.
    const rulesByReason = new Map<string, Set<string>>();
    for (const { id, reason } of acks)
      rulesByReason.set(reason, (rulesByReason.get(reason) ?? new Set()).add(id));
    expect([...rulesByReason.values()].filter((rules) => rules.size > 1)).toEqual([]);
  });

  it('acknowledges nothing that would not otherwise be found', () => {
    // Prepare: packs that ignore every acknowledgement (cdk-nag's private check, replaced for this test only)
    const stack = createStack(bundles.dir, { context: { alarmEmail: 'ops@example.com' } });
    const blind = packs().map((pack) => {
      Reflect.set(pack, 'isAcknowledged', () => false);
      return pack;
    });

    // Act
    const unacknowledged = findings(stack, blind).map((finding) =>
      finding.replace(/\/(DefaultPolicy\/)?Resource$/, ''),
    );
    const ruleAt = (finding: string) => finding.split(' @ ');

    // Assess
    for (const { id, path } of acknowledgements(stack)) {
      const backed = unacknowledged.some((finding) => {
        const [rule, at] = ruleAt(finding);
        return rule === id && (at === path || at?.startsWith(`${path}/`));
      });
      expect(backed, `${id} @ ${path} acknowledges no finding`).toBe(true);
    }
  });
});

describe('grantQuery', () => {
  it('leaves no cdk-nag finding on either kind of analyst, each results prefix acknowledged on its grantee alone', () => {
    // Prepare
    const stack = createStack(bundles.dir);
    const analyst = new Role(stack, 'Analyst', { assumedBy: new AccountRootPrincipal() });
    const complianceAnalyst = new Role(stack, 'ComplianceAnalyst', { assumedBy: new AccountRootPrincipal() });
    const results = `<${stack.resolve((stack.archive.analytics.resultsBucket.node.defaultChild as CfnBucket).logicalId)}.Arn>`;

    // Act
    stack.archive.grantQuery(analyst);
    stack.archive.grantQuery(complianceAnalyst, { fullTranscripts: true });
    const remaining = findings(stack);

    // Assess
    expect(remaining, remaining.join('\n')).toEqual([]);
    const onResults = acknowledgements(stack)
      .filter(({ id }) => id.includes(results))
      .map(
        ({ id, path, reason }) =>
          `${id} @ ${path}: ${reason.includes(id.includes('/full/') ? 'results/full/' : 'results/redacted/')}`,
      )
      .sort();
    expect(onResults).toEqual(
      [
        `AwsSolutions-IAM5[Resource::${results}/results/redacted/*] @ HappyTalkArchive/Analyst: true`,
        `AwsSolutions-IAM5[Resource::${results}/results/full/*] @ HappyTalkArchive/ComplianceAnalyst: true`,
      ].sort(),
    );
  });
});

/** The stack with an operator role granted what reindex needs. */
function stackWithReindexRole() {
  const stack = createStack(bundles.dir);
  const role = new Role(stack, 'ReindexOperator', { assumedBy: new AccountRootPrincipal() });
  const grant = stack.archive.grantReindex(role);
  const template = Template.fromStack(stack);
  const bucket = `<${stack.resolve((stack.archive.bucket.node.defaultChild as CfnBucket).logicalId)}.Arn>`;
  const key = `<${stack.resolve((stack.archive.key.node.defaultChild as CfnKey).logicalId)}.Arn>`;
  const roleId = stack.resolve((role.node.defaultChild as CfnRole).logicalId) as string;
  const secret = stack.archive.redactionKeySecret;
  const redactionKey = secret
    ? `<${stack.resolve((secret.node.defaultChild as CfnSecret).logicalId)}>`
    : 'no pseudonym key';
  return { stack, role, grant, template, bucket, key, roleId, redactionKey };
}

describe('grantReindex', () => {
  let granted: ReturnType<typeof stackWithReindexRole>;

  beforeAll(() => {
    granted = stackWithReindexRole();
  });

  it('grants reading raw/, transcripts/, index/ and redacted/, writing all but raw/, the key through S3 and the pseudonym key', () => {
    // Act
    const { grant, template, bucket, key, roleId, redactionKey } = granted;
    const grants = grantsOfRole(template, roleId);

    // Assess
    const via = (service: string) => ({
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      },
    });
    expect(grant.success).toBe(true);
    expect(
      grants
        .map(
          ({ action, resource, condition }) =>
            `${action} ${resource}${condition ? ` if ${JSON.stringify(condition)}` : ''}`,
        )
        .sort(),
    ).toEqual(
      [
        `s3:GetObject ${bucket}/raw/*`,
        `s3:GetObject ${bucket}/transcripts/*`,
        `s3:GetObject ${bucket}/index/*`,
        `s3:GetObject ${bucket}/redacted/*`,
        `s3:GetObjectVersion ${bucket}/raw/*`,
        `s3:GetObjectVersion ${bucket}/transcripts/*`,
        `s3:GetObjectVersion ${bucket}/index/*`,
        `s3:GetObjectVersion ${bucket}/redacted/*`,
        `s3:PutObject ${bucket}/transcripts/*`,
        `s3:PutObject ${bucket}/index/*`,
        `s3:PutObject ${bucket}/redacted/*`,
        `s3:ListBucket ${bucket}`,
        `kms:Decrypt ${key} if ${JSON.stringify(via('s3'))}`,
        `kms:GenerateDataKey ${key} if ${JSON.stringify(via('s3'))}`,
        `secretsmanager:GetSecretValue ${redactionKey}`,
        `kms:Decrypt ${key} if ${JSON.stringify(via('secretsmanager'))}`,
      ].sort(),
    );
    expect(
      grants.filter((entry) => entry.action === 's3:PutObject' && entry.resource.includes('/raw/')),
    ).toEqual([]);
    // Reindex names rooms that may not be archived: without a condition, their index is a 404, not a 403.
    expect(grants.find((entry) => entry.action === 's3:ListBucket')?.condition).toBeUndefined();
    // The HappyTalk token is never among them: reindex never calls HappyTalk.
    expect(grants.filter((entry) => entry.action.startsWith('secretsmanager:'))).toHaveLength(1);
  });

  it('grants neither redacted/ nor a pseudonym key when the redacted copy is off', () => {
    // Prepare
    const stack = createStack(bundles.dir, { context: { redactedCopy: 'false' } });
    const role = new Role(stack, 'ReindexOperator', { assumedBy: new AccountRootPrincipal() });

    // Act
    stack.archive.grantReindex(role);
    const grants = grantsOfRole(
      Template.fromStack(stack),
      stack.resolve((role.node.defaultChild as CfnRole).logicalId) as string,
    );

    // Assess
    expect(
      grants.filter((entry) => /redacted|^secretsmanager:/.test(`${entry.resource} ${entry.action}`)),
    ).toEqual([]);
  });

  it('leaves no cdk-nag finding on the granted role, its prefix wildcards acknowledged with their reasons', () => {
    // Prepare
    const { stack } = granted;

    // Act
    const remaining = findings(stack);

    // Assess
    expect(remaining, remaining.join('\n')).toEqual([]);
  });
});
