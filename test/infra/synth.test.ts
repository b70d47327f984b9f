import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../scripts/build.js';
import { freshClone } from '../support/clone.js';

const run = promisify(execFile);

/** A fresh clone of the repository (test/support/clone.ts). */
let clone: string;
let removeClone: (() => Promise<void>) | undefined;

/** The environment of a machine with no AWS account: nothing to read, nothing to ask; no region unless given. */
function offlineEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_)/.test(name)));
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(tmpdir(), 'happytalk-archive-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'happytalk-archive-no-aws-credentials'),
    CDK_DISABLE_VERSION_CHECK: '1',
    CI: 'true',
    ...extra,
  };
}

/** `npx cdk synth` in the clone, as a new user types it: cdk.json's `build` runs `npm run build` first. */
async function cdkSynth(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--no-notices', '-q', ...args], {
      cwd: clone,
      env: offlineEnvironment(env),
      timeout: 90_000,
    });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : 1,
      output: `${failure.stdout ?? ''}${failure.stderr ?? ''}`,
    };
  }
}

type TemplateJson = {
  Resources: Record<
    string,
    { Type: string; Metadata?: Record<string, string>; Properties: Record<string, unknown> }
  >;
};

async function templateOf(
  outDir: string,
  stack = 'HappyTalkArchive',
): Promise<{ text: string; json: TemplateJson }> {
  const text = await readFile(join(outDir, `${stack}.template.json`), 'utf8');
  return { text, json: JSON.parse(text) as TemplateJson };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Lines a synth printed beside the build's own (npm's banner and scripts/build.ts's summary). */
function unexpectedLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^> happytalk-archive@|^> tsx scripts\/build\.ts$|^built /.test(line));
}

/** Every AWS region name written as a literal in a template. */
function regionLiterals(text: string): string[] {
  return [...text.matchAll(/\b(?:af|ap|ca|cn|eu|il|me|mx|sa|us|us-gov)-[a-z]+-\d\b/g)].map((m) => m[0]);
}

beforeAll(async () => {
  ({ dir: clone, remove: removeClone } = await freshClone());
});

afterAll(async () => {
  await removeClone?.();
});

describe('cdk synth on a fresh clone', () => {
  it('builds the bundles itself, prints nothing but the build, deploys exactly what it built, and binds no region', {
    timeout: 120_000,
  }, async () => {
    // Act: no `npm run build` before, no region, no account
    const result = await cdkSynth(['-o', 'out/agnostic']);

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(unexpectedLines(result.output)).toEqual([]);
    const { text, json } = await templateOf(join(clone, 'out/agnostic'));
    expect(regionLiterals(text)).toEqual([]);
    expect(text).toContain('"Ref": "AWS::Region"');
    const functions = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_NAMES.length);
    const deployed = await Promise.all(
      functions.map(async (fn) =>
        sha256(
          await readFile(join(clone, 'out/agnostic', String(fn.Metadata?.['aws:asset:path']), 'index.mjs')),
        ),
      ),
    );
    const built = await Promise.all(
      FUNCTION_NAMES.map(async (name) =>
        sha256(await readFile(join(clone, 'dist/functions', name, 'index.mjs'))),
      ),
    );
    expect(deployed.sort()).toEqual(built.sort());
  });

  it('fails, saying to run npm run build, when the bundles are not where functionsDir says', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'happytalk-archive-no-bundles-'));

    try {
      // Act
      const result = await cdkSynth(['-o', 'out/missing', '-c', `functionsDir=${empty}`]);

      // Assess
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('run `npm run build` first');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
