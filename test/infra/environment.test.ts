import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveApp } from '../../infra/archive-app.js';
import { HappyTalkArchiveStack, stackEnvironment } from '../../infra/archive-stack.js';
import { defaultGlueDatabaseName } from '../../infra/happytalk-archive.js';
import { captureOutput } from '../support/lambda.js';
import { buildBundles, CDK_JSON_CONTEXT, REPO_ROOT } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;

beforeAll(async () => {
  bundles = await buildBundles();
});

afterAll(async () => {
  await bundles.remove();
});

/** Where a resource type keeps a name that must be unique in an account and region. */
const UNIQUE_NAMES: Record<string, (props: Record<string, unknown>) => unknown> = {
  'AWS::Glue::Database': (props) => (props.DatabaseInput as { Name?: unknown } | undefined)?.Name,
  'AWS::Athena::WorkGroup': (props) => props.Name,
  'AWS::Lambda::Function': (props) => props.FunctionName,
  'AWS::IAM::Role': (props) => props.RoleName,
  'AWS::SQS::Queue': (props) => props.QueueName,
  'AWS::SNS::Topic': (props) => props.TopicName,
  'AWS::Logs::LogGroup': (props) => props.LogGroupName,
  'AWS::S3::Bucket': (props) => props.BucketName,
  'AWS::SecretsManager::Secret': (props) => props.Name,
  'AWS::KMS::Alias': (props) => props.AliasName,
  'AWS::Events::Rule': (props) => props.Name,
  'AWS::CloudWatch::Alarm': (props) => props.AlarmName,
};

/** The names a template gives explicitly (as literals) to resources whose names are account-unique. */
function uniqueNames(template: Template): string[] {
  return Object.values(
    template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
  )
    .map((resource) => UNIQUE_NAMES[resource.Type]?.(resource.Properties ?? {}))
    .filter((name): name is string => typeof name === 'string');
}

describe('two archives in one account', () => {
  it('synthesize side by side with no account-unique name in common', () => {
    // Prepare
    const app = new App({ context: { ...CDK_JSON_CONTEXT, functionsDir: bundles.dir } });
    const first = new HappyTalkArchiveStack(app, 'HappyTalkArchive');
    const second = new HappyTalkArchiveStack(app, 'HappyTalkArchive-Staging');

    // Act
    const assembly = app.synth();
    const names = [Template.fromStack(first), Template.fromStack(second)].map(uniqueNames);

    // Assess
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual([
      'HappyTalkArchive',
      'HappyTalkArchive-Staging',
    ]);
    expect(names[0]?.sort()).toEqual(['HappyTalkArchive', 'HappyTalkArchive-full', 'happytalkarchive']);
    expect(names[1]?.sort()).toEqual([
      'HappyTalkArchive-Staging',
      'HappyTalkArchive-Staging-full',
      'happytalkarchive_staging',
    ]);
    expect(names[0]?.filter((name) => names[1]?.includes(name))).toEqual([]);
  });

  it('name the Glue database after the stack, as Glue allows', () => {
    // Assess
    expect(defaultGlueDatabaseName('HappyTalkArchive')).toBe('happytalkarchive');
    expect(defaultGlueDatabaseName('HappyTalkArchive-Prod-2')).toBe('happytalkarchive_prod_2');
  });
});

describe('stack environment', () => {
  const appWith = (context: Record<string, unknown> = {}) => new App({ context });

  it('is agnostic when neither context nor AWS_REGION names one, whatever the CDK CLI guessed', () => {
    // Act
    const env = stackEnvironment(appWith().node, {
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'us-east-1',
    });

    // Assess
    expect(env).toBeUndefined();
  });

  it('takes the region from AWS_REGION, and context over it', () => {
    // Assess
    expect(stackEnvironment(appWith().node, { AWS_REGION: 'ap-northeast-2' })).toEqual({
      region: 'ap-northeast-2',
    });
    expect(
      stackEnvironment(appWith({ region: 'eu-central-1', account: '123456789012' }).node, {
        AWS_REGION: 'ap-northeast-2',
      }),
    ).toEqual({ account: '123456789012', region: 'eu-central-1' });
    expect(stackEnvironment(appWith({ region: ' ', account: '' }).node, {})).toBeUndefined();
  });
});

describe('the CDK app', () => {
  /** Synthesizes the app `cdk.json` runs, with extra context, into a scratch directory; what it prints is kept. */
  async function synthApp(context: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
    const outdir = await mkdtemp(join(tmpdir(), 'happytalk-archive-app-'));
    const output = captureOutput();
    try {
      const app = createArchiveApp(
        { outdir, context: { ...CDK_JSON_CONTEXT, functionsDir: bundles.dir, ...context } },
        env,
      );
      const assembly = app.synth();
      return { ok: true as const, assembly, printed: output.text() };
    } catch (error) {
      return { ok: false as const, error: error as Error, printed: output.text() };
    } finally {
      output.restore();
      await rm(outdir, { recursive: true, force: true });
    }
  }

  it('runs cdk-nag at synth, and finds nothing to report in the stack as configured by default', async () => {
    // Act
    const result = await synthApp({});

    // Assess
    expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
    expect(result.printed).not.toMatch(/ERROR|WARNING|deprecated/);
    expect(
      result.ok && result.assembly.stacks.map((stack) => [stack.stackName, stack.environment.region]),
    ).toEqual([['HappyTalkArchive', 'unknown-region']]);
  });

  it('stops the synth on a finding it does not acknowledge: an unauthenticated API', async () => {
    // Act
    const result = await synthApp({ httpApiAuthorization: 'none' });

    // Assess
    expect(result.ok).toBe(false);
    const report = result.ok ? '' : `${result.error.message}\n${result.printed}`;
    expect(
      new Set(report.match(/HttpApi\/[A-Z]+--rooms--\{room_id\}--archive(--versions)?\/Resource/g)),
    ).toEqual(
      new Set([
        'HttpApi/POST--rooms--{room_id}--archive/Resource',
        'HttpApi/GET--rooms--{room_id}--archive/Resource',
        'HttpApi/GET--rooms--{room_id}--archive--versions/Resource',
      ]),
    );
    expect(report).toContain('AwsSolutions-APIG4');
  });

  it('names the stack and binds it from context', async () => {
    // Act
    const result = await synthApp({ stackName: 'HappyTalkArchiveStaging', region: 'eu-central-1' });

    // Assess
    expect(
      result.ok && result.assembly.stacks.map((stack) => [stack.stackName, stack.environment.region]),
    ).toEqual([['HappyTalkArchiveStaging', 'eu-central-1']]);
  });
});

describe('cdk.json', () => {
  it('sets every feature flag aws-cdk-lib recommends, to its recommended value', () => {
    // Prepare: the flags `cdk init` writes for this aws-cdk-lib version
    const recommended = JSON.parse(
      readFileSync(join(REPO_ROOT, 'node_modules/aws-cdk-lib/recommended-feature-flags.json'), 'utf8'),
    ) as Record<string, unknown>;

    // Act
    const differing = Object.entries(recommended)
      .filter(([flag, value]) => JSON.stringify(CDK_JSON_CONTEXT[flag]) !== JSON.stringify(value))
      .map(([flag]) => flag);

    // Assess
    expect(Object.keys(recommended).length).toBeGreaterThan(80);
    expect(differing).toEqual([]);
  });

  it('builds before synth and watches the sources of the functions and the stack', () => {
    // Act
    const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      build?: string;
      watch?: { include?: string[] };
    };

    // Assess
    expect(cdkJson.build).toBe('npm run build');
    expect(cdkJson.watch?.include).toEqual(expect.arrayContaining(['infra/**', 'functions/**', 'lib/**']));
  });
});
