import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../scripts/build.js';
import { buildBundles, REPO_ROOT } from './support.js';

const run = promisify(execFile);

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let outDir: string;

/** The environment of a machine with no AWS account: nothing to read, nothing to ask. */
function offlineEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_)/.test(name)));
  return {
    ...env,
    AWS_REGION: 'ap-northeast-2',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(tmpdir(), 'happytalk-archive-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'happytalk-archive-no-aws-credentials'),
    CDK_DISABLE_VERSION_CHECK: '1',
    CI: 'true',
  };
}

async function cdkSynth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--no-notices', '-q', ...args], {
      cwd: REPO_ROOT,
      env: offlineEnvironment(),
      timeout: 50_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : 1,
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
    };
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

beforeAll(async () => {
  bundles = await buildBundles();
  outDir = await mkdtemp(join(tmpdir(), 'happytalk-archive-cdk-out-'));
});

afterAll(async () => {
  await Promise.all([bundles.remove(), rm(outDir, { recursive: true, force: true })]);
});

describe('cdk synth', () => {
  it('synthesizes the HappyTalkArchive stack offline, deploying the built bundles as they are', {
    timeout: 60_000,
  }, async () => {
    // Act
    const result = await cdkSynth(['-o', outDir, '-c', `functionsDir=${bundles.dir}`]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const template = JSON.parse(await readFile(join(outDir, 'HappyTalkArchive.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Metadata?: Record<string, string>; Properties: Record<string, unknown> }
      >;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_NAMES.length);
    const deployed = await Promise.all(
      functions.map(async (fn) =>
        sha256(await readFile(join(outDir, String(fn.Metadata?.['aws:asset:path']), 'index.mjs'))),
      ),
    );
    const built = await Promise.all(
      FUNCTION_NAMES.map(async (name) => sha256(await readFile(join(bundles.dir, name, 'index.mjs')))),
    );
    expect(deployed.sort()).toEqual(built.sort());
  });

  it('fails, saying to run npm run build, when the bundles are missing', { timeout: 60_000 }, async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'happytalk-archive-no-bundles-'));

    try {
      // Act
      const result = await cdkSynth(['-o', join(outDir, 'missing'), '-c', `functionsDir=${empty}`]);

      // Assess
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain('run `npm run build` first');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
