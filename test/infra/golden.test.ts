/**
 * The guard of every refactoring of infra/: the synthesized templates of three
 * configurations, compared with the ones committed in `test/infra/golden/`.
 * A changed logical id would orphan a retained resource (the Object-Locked
 * archive bucket above all), so every resource must keep its id, its type and
 * its properties.
 *
 * Only what changes from build to build is normalized away: the hashes of the
 * function bundles in the asset keys. Everything else is compared as it is.
 *
 * When a change of the template is intended, write the templates again and
 * review their diff before committing it:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/infra/golden.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, createStack, REPO_ROOT, type SynthOptions } from './support.js';

const GOLDEN_DIR = join(REPO_ROOT, 'test/infra/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const HOW_TO_UPDATE =
  'if the change is intended, run UPDATE_GOLDEN=1 npx vitest run test/infra/golden.test.ts and review the diff';

let bundles: Awaited<ReturnType<typeof buildBundles>>;

beforeAll(async () => {
  bundles = await buildBundles();
});

afterAll(async () => {
  await bundles.remove();
});

interface Configuration {
  readonly name: string;
  readonly synth: SynthOptions;
  /** Grants given to roles of the stack, so that the grant methods' output is pinned too. */
  readonly grants?: boolean;
}

const CONFIGURATIONS: readonly Configuration[] = [
  { name: 'defaults', synth: {} },
  {
    name: 'secret-by-name-grants',
    synth: {
      context: {
        existingSecretName: 'happytalk/token',
        existingSecretKeyArn:
          'arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        alarmEmail: 'ops@example.com',
        completionWatchInterval: 'off',
        happytalkEnv: 'dev',
        finalStatuses: '2,3,4',
      },
    },
    grants: true,
  },
  {
    name: 'secret-by-arn-compliance',
    synth: {
      context: {
        existingSecretArn: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:token-AbCdEf',
        objectLockMode: 'COMPLIANCE',
        expireAfterRetention: 'false',
        httpApiAuthorization: 'none',
        archiveEventsTimeoutSeconds: '300',
        batchSize: '5',
        completionWatchInterval: '1',
        glueDatabaseName: 'chats',
        athenaWorkGroupName: 'chats-wg',
      },
    },
  },
];

type TemplateJson = Record<string, Record<string, unknown> | string | undefined>;

/** The template of a configuration, the bundle hashes of its asset keys replaced by `<asset>`. */
function synthesize(configuration: Configuration): TemplateJson {
  const stack = createStack(bundles.dir, configuration.synth);
  if (configuration.grants) {
    const role = (id: string) => new Role(stack, id, { assumedBy: new AccountRootPrincipal() });
    stack.archive.grantRead(role('Reader'));
    stack.archive.grantQuery(role('Analyst'));
    stack.archive.grantEnqueue(role('BackfillOperator'));
    stack.archive.grantInvokeApi(role('ApiCaller'), ['GET /rooms/{room_id}/archive']);
    stack.archive.grantInvokeApi(role('ApiOperator'));
    stack.archive.grantReindex(role('ReindexOperator'));
  }
  const template = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(template.replace(/"[0-9a-f]{64}\.zip"/g, '"<asset>.zip"')) as TemplateJson;
}

/** JSON with every object's keys sorted, so that a regenerated file differs only where the template does. */
function stableJson(value: unknown): string {
  const sort = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sort);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.keys(node)
          .sort()
          .map((key) => [key, sort((node as Record<string, unknown>)[key])]),
      );
    }
    return node;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

function section(template: TemplateJson, name: string): Record<string, unknown> {
  const value = template[name];
  return typeof value === 'object' && value !== null ? value : {};
}

/** `LogicalId Type` lines: what must never change without a migration. */
function resourceIds(template: TemplateJson): string[] {
  return Object.entries(section(template, 'Resources'))
    .map(([id, resource]) => `${id} ${(resource as { Type: string }).Type}`)
    .sort();
}

describe('the synthesized templates', () => {
  it.each(CONFIGURATIONS.map((configuration) => [configuration.name, configuration] as const))(
    'equal test/infra/golden/%s.template.json',
    (name, configuration) => {
      // Prepare
      const path = join(GOLDEN_DIR, `${name}.template.json`);

      // Act
      const actual = synthesize(configuration);

      // Assess
      if (UPDATE) writeFileSync(path, stableJson(actual));
      expect(existsSync(path), `${path} is missing: ${HOW_TO_UPDATE}`).toBe(true);
      const golden = JSON.parse(readFileSync(path, 'utf8')) as TemplateJson;
      // The ids first: a renamed resource reads as one line gone and one line come.
      expect(resourceIds(actual), `resources added, removed or renamed: ${HOW_TO_UPDATE}`).toEqual(
        resourceIds(golden),
      );
      const goldenResources = section(golden, 'Resources');
      for (const [id, resource] of Object.entries(section(actual, 'Resources'))) {
        expect(resource, `resource ${id} changed: ${HOW_TO_UPDATE}`).toEqual(goldenResources[id]);
      }
      for (const part of ['Outputs', 'Parameters', 'Conditions', 'Rules', 'Mappings', 'Description']) {
        expect(actual[part], `${part} changed: ${HOW_TO_UPDATE}`).toEqual(golden[part]);
      }
      expect(Object.keys(actual).sort(), HOW_TO_UPDATE).toEqual(Object.keys(golden).sort());
    },
  );

  it('keep the retained, Object-Locked archive bucket and its key under the ids it was deployed with', () => {
    // Prepare
    const golden = JSON.parse(
      readFileSync(join(GOLDEN_DIR, 'defaults.template.json'), 'utf8'),
    ) as TemplateJson;
    const resources = section(golden, 'Resources') as Record<
      string,
      { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }
    >;

    // Act
    const bucket = resources.ArchiveArchiveBucket0884F3B0;
    const key = resources.ArchiveArchiveKey649FA9CC;

    // Assess
    expect(bucket?.Type).toBe('AWS::S3::Bucket');
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties?.ObjectLockEnabled).toBe(true);
    expect(key?.Type).toBe('AWS::KMS::Key');
    expect(key?.DeletionPolicy).toBe('Retain');
  });
});
