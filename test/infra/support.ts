/**
 * Shared setup of the infra tests: the real function bundles (built by
 * scripts/build.ts into a temporary directory, so parallel test files and the
 * developer's dist/ never collide), an App with cdk.json's feature flags, and
 * helpers that read IAM grants out of a template.
 *
 * The infra test files share one module graph per worker (`isolate: false`
 * in vitest.config.ts): the bundles are built once per worker, and a template
 * synthesized from context alone once per configuration, for every file that
 * asks for it. Assertions only read a `Template`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HappyTalkArchiveStack, type HappyTalkArchiveStackProps } from '../../infra/archive-stack.js';
import { buildFunctions } from '../../scripts/build.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** The feature flags and settings of cdk.json, so tests see what `cdk synth` sees. */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = cdkJson.context;

let sharedBundles: Promise<string> | undefined;

/**
 * The real bundles, built once per worker into a temporary directory (removed
 * when the worker exits). `remove` is kept for the files' `afterAll`: the
 * directory outlives them, for the next file.
 */
export async function buildBundles(): Promise<{ dir: string; remove: () => Promise<void> }> {
  sharedBundles ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'happytalk-archive-bundles-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await buildFunctions(dir);
    return dir;
  })();
  return { dir: await sharedBundles, remove: async () => {} };
}

export interface SynthOptions {
  /** Extra CDK context, as `-c key=value` would give it. */
  readonly context?: Record<string, unknown>;
  readonly props?: HappyTalkArchiveStackProps;
}

/** Builds the `HappyTalkArchive` stack against the given bundles. */
export function createStack(functionsDir: string, options: SynthOptions = {}): HappyTalkArchiveStack {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, functionsDir, ...options.context } });
  return new HappyTalkArchiveStack(app, 'HappyTalkArchive', options.props);
}

const templates = new Map<string, Template>();

/**
 * The `HappyTalkArchive` stack's template; synthesized once per worker for a
 * configuration given by context alone (props may hold constructs: those are
 * synthesized each time).
 */
export function synthTemplate(functionsDir: string, options: SynthOptions = {}): Template {
  if (options.props !== undefined) return Template.fromStack(createStack(functionsDir, options));
  const key = JSON.stringify([functionsDir, options.context ?? {}]);
  let template = templates.get(key);
  if (template === undefined) {
    template = Template.fromStack(createStack(functionsDir, options));
    templates.set(key, template);
  }
  return template;
}

/** The properties of the resource `logicalId`, as synthesized. */
export function propsOf(template: Template, logicalId: string): Record<string, unknown> {
  return template.toJSON().Resources[logicalId].Properties;
}

/** The logical id of the only resource of `type` whose properties match `props`. */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(
    template.findResources(type, Object.keys(props).length > 0 ? { Properties: props } : undefined),
  );
  if (ids.length !== 1)
    throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${ids.length}`);
  return ids[0] as string;
}

/** The logical id of the HappyTalk token secret the stack creates (the pseudonym key's is another secret). */
export function tokenSecretIdOf(template: Template): string {
  return logicalIdOf(template, 'AWS::SecretsManager::Secret', {
    Description: Match.stringLikeRegexp('^HappyTalk API credentials'),
  });
}

/** The logical id of the secret holding the pseudonym key of the redacted copies. */
export function redactionKeySecretIdOf(template: Template): string {
  return logicalIdOf(template, 'AWS::SecretsManager::Secret', {
    Description: Match.stringLikeRegexp('^The pseudonym key of the redacted copies'),
  });
}

/**
 * Renders a CloudFormation value as text the way cdk-nag does:
 * `{"Fn::GetAtt": ["Bucket", "Arn"]}` → `<Bucket.Arn>`, `{"Ref": "X"}` → `<X>`,
 * `Fn::Join` concatenated.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, parts] = join as [string, unknown[]];
      return parts.map(render).join(delimiter);
    }
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(render).join('.')}>`;
    if ('Ref' in node) return `<${render(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/** One allowed (action, resource) pair of a role's policies, with the statement's condition. */
export interface Grant {
  readonly action: string;
  readonly resource: string;
  readonly condition?: unknown;
}

/**
 * Every allowed (action, resource) pair in the `AWS::IAM::Policy` resources
 * attached to the role, whatever way CDK merged the statements.
 */
export function grantsOfRole(template: Template, roleLogicalId: string): Grant[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some((role) => render(role) === `<${roleLogicalId}>`),
  );
  const grants: Grant[] = [];
  for (const policy of policies) {
    for (const statement of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of [statement.Action].flat() as string[]) {
        for (const resource of [statement.Resource].flat()) {
          grants.push({
            action,
            resource: render(resource),
            ...(statement.Condition === undefined ? {} : { condition: statement.Condition }),
          });
        }
      }
    }
  }
  return grants;
}

/** Inline policies (`Policies` of the role itself), which the construct must not use. */
export function inlinePoliciesOfRole(template: Template, roleLogicalId: string): unknown[] {
  const role = template.toJSON().Resources[roleLogicalId] as { Properties: { Policies?: unknown[] } };
  return role.Properties.Policies ?? [];
}
