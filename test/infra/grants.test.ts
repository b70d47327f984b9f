import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HappyTalkArchiveStack } from '../../infra/archive-stack.js';
import { API_ROUTES, type ApiRoute } from '../../infra/happytalk-archive.js';
import { buildBundles, CDK_JSON_CONTEXT, type Grant, grantsOfRole, render } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;

beforeAll(async () => {
  bundles = await buildBundles();
});

afterAll(async () => {
  await bundles.remove();
});

type Granted = {
  grants: Grant[];
  template: Template;
  ids: Record<string, unknown> &
    Record<'bucket' | 'key' | 'queue' | 'results' | 'database' | 'workGroup' | 'fullWorkGroup', string>;
};

/** One stack, a role per grant under test: the grants each role ends up with, and the ids they refer to. */
let stack: HappyTalkArchiveStack;
let template: Template;
const roles: Record<string, Role> = {};

function granted(role: string): Granted {
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;
  const target = roles[role];
  if (!target) throw new Error(`no role ${role}`);
  return {
    template,
    grants: grantsOfRole(template, id(target)),
    ids: {
      bucket: id(stack.archive.bucket),
      key: id(stack.archive.key),
      queue: id(stack.archive.queue),
      results: id(stack.archive.analytics.resultsBucket),
      api: stack.resolve(stack.archive.httpApi.apiId) as unknown,
      database: stack.resolve(stack.archive.analytics.database.logicalId) as string,
      workGroup: stack.resolve(stack.archive.analytics.workGroup.logicalId) as string,
      fullWorkGroup: stack.resolve(stack.archive.analytics.fullWorkGroup.logicalId) as string,
    },
  };
}

beforeAll(() => {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, functionsDir: bundles.dir } });
  stack = new HappyTalkArchiveStack(app, 'HappyTalkArchive');
  const role = (name: string) => {
    roles[name] = new Role(stack, name, { assumedBy: new AccountRootPrincipal() });
    return roles[name];
  };
  stack.archive.grantRead(role('Reader'));
  stack.archive.grantQuery(role('Analyst'));
  stack.archive.grantQuery(role('ComplianceAnalyst'), { fullTranscripts: true });
  stack.archive.grantEnqueue(role('BackfillOperator'));
  stack.archive.grantInvokeApi(role('BackOffice'));
  stack.archive.grantInvokeApi(role('ApiReader'), [
    'GET /rooms/{room_id}/archive',
    'GET /rooms/{room_id}/archive/versions',
  ]);
  template = Template.fromStack(stack);
});

function lines(grants: Grant[]): string[] {
  return grants
    .map((g) => `${g.action} ${g.resource}${g.condition ? ` if ${JSON.stringify(g.condition)}` : ''}`)
    .sort();
}

const VIA_S3 = JSON.stringify({
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
});

describe('HappyTalkArchive.grantRead', () => {
  it('lets a compliance reader read every version of the archive, list it, and decrypt through S3: nothing more', () => {
    // Act
    const { grants, ids } = granted('Reader');

    // Assess
    const bucket = `<${ids.bucket}.Arn>`;
    const objects = ['raw', 'transcripts', 'index', 'attachments', 'redacted'].flatMap((prefix) => [
      `s3:GetObject ${bucket}/${prefix}/*`,
      `s3:GetObjectVersion ${bucket}/${prefix}/*`,
    ]);
    expect(lines(grants)).toEqual(
      [
        ...objects,
        `s3:ListBucket ${bucket}`,
        `s3:ListBucketVersions ${bucket}`,
        `kms:Decrypt <${ids.key}.Arn> if ${VIA_S3}`,
      ].sort(),
    );
  });
});

describe('HappyTalkArchive.grantQuery', () => {
  const workGroupArn = (id: string) =>
    `arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/<${id}>`;

  /**
   * Every statement a query grant gives, with these tables and prefixes of the
   * archive, in this workgroup with its results prefix.
   */
  function expectedQueryGrants(
    ids: Granted['ids'],
    access: { tables: string[]; prefixes: string[]; workGroup: string; resultsPrefix: string },
  ): string[] {
    const bucket = `<${ids.bucket}.Arn>`;
    const results = `<${ids.results}.Arn>`;
    const glue = (resource: string) => `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:${resource}`;
    return [
      ...[
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetWorkGroup',
      ].map((action) => `${action} ${workGroupArn(access.workGroup)}`),
      ...[
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartition',
        'glue:GetPartitions',
      ].flatMap((action) => [
        `${action} ${glue('catalog')}`,
        `${action} ${glue(`database/<${ids.database}>`)}`,
        ...access.tables.map((table) => `${action} ${glue(`table/<${ids.database}>/${table}`)}`),
      ]),
      ...access.prefixes.map((prefix) => `s3:GetObject ${bucket}/${prefix}/*`),
      `s3:ListBucket ${bucket}`,
      `s3:GetBucketLocation ${bucket}`,
      `s3:ListBucket ${results} if ${JSON.stringify({ StringLike: { 's3:prefix': `${access.resultsPrefix}*` } })}`,
      `s3:GetBucketLocation ${results}`,
      ...['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'].map(
        (action) => `${action} ${results}/${access.resultsPrefix}*`,
      ),
      `kms:Decrypt <${ids.key}.Arn> if ${VIA_S3}`,
      `kms:GenerateDataKey <${ids.key}.Arn> if ${VIA_S3}`,
    ].sort();
  }

  /** What a grant gives on the results bucket's objects, or with a condition naming its prefixes. */
  function resultsGrants(grants: Grant[], ids: Granted['ids']): string[] {
    return lines(grants.filter((g) => g.resource.startsWith(`<${ids.results}.Arn>`)));
  }

  it('lets an analyst query the redacted copies only, by default: their table, view and redacted/, in the redacted workgroup, its results under results/redacted/', () => {
    // Act
    const { grants, ids } = granted('Analyst');

    // Assess
    expect(lines(grants)).toEqual(
      expectedQueryGrants(ids, {
        tables: ['rooms_redacted', 'messages_redacted'],
        prefixes: ['redacted'],
        workGroup: ids.workGroup,
        resultsPrefix: 'results/redacted/',
      }),
    );
  });

  it('reads no raw answer, no transcript, no index and no attachment, and names neither full table by default', () => {
    // Act
    const { grants } = granted('Analyst');

    // Assess
    expect(grants.filter((g) => /\/(raw|transcripts|index|attachments)\//.test(g.resource))).toEqual([]);
    expect(grants.filter((g) => /\/(rooms|messages)$/.test(g.resource))).toEqual([]);
    expect(grants.filter((g) => /^s3:(Delete|PutObjectRetention|BypassGovernance)/.test(g.action))).toEqual(
      [],
    );
    expect(grants.filter((g) => g.action.startsWith('secretsmanager:'))).toEqual([]);
  });

  it('adds the full tables and transcripts/ only when asked, for compliance analysts, in the full workgroup, its results under results/full/', () => {
    // Act
    const { grants, ids } = granted('ComplianceAnalyst');

    // Assess
    expect(lines(grants)).toEqual(
      expectedQueryGrants(ids, {
        tables: ['rooms_redacted', 'messages_redacted', 'rooms', 'messages'],
        prefixes: ['redacted', 'transcripts'],
        workGroup: ids.fullWorkGroup,
        resultsPrefix: 'results/full/',
      }),
    );
    expect(grants.filter((g) => /\/(raw|index|attachments)\//.test(g.resource))).toEqual([]);
  });

  it.each([
    [
      'an analyst nothing on the full workgroup or results/full/ by default',
      'Analyst',
      'workGroup',
      'full',
      'redacted',
    ],
    [
      'a compliance analyst nothing on the redacted workgroup or results/redacted/: full results never land where analysts read',
      'ComplianceAnalyst',
      'fullWorkGroup',
      'redacted',
      'full',
    ],
  ] as const)('gives %s', (_case, role, own, otherPrefix, ownPrefix) => {
    // Act
    const { grants, ids } = granted(role);

    // Assess
    const other = own === 'workGroup' ? ids.fullWorkGroup : ids.workGroup;
    expect(grants.filter((g) => g.resource.includes(`<${other}>`))).toEqual([]);
    expect(grants.filter((g) => g.action.startsWith('athena:')).map((g) => g.resource)).toEqual(
      Array(5).fill(workGroupArn(ids[own])),
    );
    const onResults = resultsGrants(grants, ids);
    expect(onResults.filter((line) => line.includes(`results/${otherPrefix}`))).toEqual([]);
    // Nothing on the whole bucket's objects or the old results/ prefix either.
    expect(onResults.filter((line) => /Arn>\/\*|\/results\/\*/.test(line))).toEqual([]);
    expect(onResults.filter((line) => line.includes(`/results/${ownPrefix}/*`))).toHaveLength(4);
  });

  it.each([
    ['the full grant to an analyst', 'Analyst', { fullTranscripts: true }, 'redacted'],
    ['the redacted grant to a compliance analyst', 'ComplianceAnalyst', {}, 'full-transcripts'],
  ])('refuses %s: a principal gets one query grant, never both', (_case, name, access, held) => {
    // Prepare
    const target = roles[name];
    if (!target) throw new Error(`no role ${name}`);

    // Act
    const act = () => stack.archive.grantQuery(target, access);

    // Assess
    expect(act).toThrow(
      new RegExp(`^grantQuery: the principal HappyTalkArchive/${name} already has the ${held} query grant`),
    );
  });

  it('gives the same grant twice without complaint', () => {
    // Prepare
    const role = new Role(stack, 'TwiceGrantedAnalyst', { assumedBy: new AccountRootPrincipal() });
    stack.archive.grantQuery(role);

    // Act
    const again = stack.archive.grantQuery(role, { fullTranscripts: false });

    // Assess
    expect(again.success).toBe(true);
  });
});

describe('HappyTalkArchive.grantEnqueue', () => {
  it('lets backfill --via-queue send to the archive queue, and nothing else', () => {
    // Act
    const { grants, ids } = granted('BackfillOperator');

    // Assess
    expect(lines(grants)).toEqual(
      ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']
        .map((a) => `${a} <${ids.queue}.Arn>`)
        .sort(),
    );
  });
});

describe('HappyTalkArchive.grantInvokeApi', () => {
  const executeApi = (api: unknown, route: string) =>
    `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${render(api)}/$default/${route}`;

  it('allows every route of the API by default', () => {
    // Act
    const { grants, ids } = granted('BackOffice');

    // Assess
    expect(lines(grants)).toEqual(
      [
        `execute-api:Invoke ${executeApi(ids.api, 'POST/rooms/*/archive')}`,
        `execute-api:Invoke ${executeApi(ids.api, 'GET/rooms/*/archive')}`,
        `execute-api:Invoke ${executeApi(ids.api, 'GET/rooms/*/archive/versions')}`,
      ].sort(),
    );
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual([...API_ROUTES].sort());
  });

  it('allows only the routes named, e.g. reads for a compliance reader', () => {
    // Act
    const { grants, ids } = granted('ApiReader');

    // Assess
    expect(lines(grants)).toEqual(
      [
        `execute-api:Invoke ${executeApi(ids.api, 'GET/rooms/*/archive')}`,
        `execute-api:Invoke ${executeApi(ids.api, 'GET/rooms/*/archive/versions')}`,
      ].sort(),
    );
  });

  it.each<[string, ApiRoute[]]>([
    ['an unknown route', ['DELETE /rooms/{room_id}/archive' as ApiRoute]],
    ['no route', []],
  ])('refuses %s', (_case, routes) => {
    // Act
    const act = () => stack.archive.grantInvokeApi(new AccountRootPrincipal(), routes);

    // Assess
    expect(act).toThrow(/^grantInvokeApi routes must be some of "POST \/rooms\/\{room_id\}\/archive"/);
  });
});
