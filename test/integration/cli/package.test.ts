import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshClone } from '../../support/clone.js';

const run = promisify(execFile);

let clone: Awaited<ReturnType<typeof freshClone>>;
let work: string;
/** Where the tarball is installed: a folder with nothing but it and its runtime dependencies. */
let app: string;
let packed: { filename: string; files: { path: string }[] };
let version: string;

/** npm without the project's settings: the tarball alone, no dev dependencies, the registry only for what the cache lacks. */
const npmEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
});

/** Runs the installed command with `input` on stdin, from the app folder, with only PATH and HOME. */
function runInstalled(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(app, 'node_modules/.bin/happytalk-archive'), args, {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', HOME: app },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  clone = await freshClone();
  work = await mkdtemp(join(tmpdir(), 'happytalk-archive-pack-'));
  app = join(work, 'app');
  await mkdir(app);
  version = (JSON.parse(await readFile(join(clone.dir, 'package.json'), 'utf8')) as { version: string })
    .version;
  // `npm pack` runs `prepare`, which builds the CLI in the clone.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: clone.dir,
    env: npmEnv(),
    timeout: 120_000,
  });
  const [first] = JSON.parse(stdout) as (typeof packed)[];
  if (!first) throw new Error(`npm pack printed no package: ${stdout}`);
  packed = first;
  await run(
    'npm',
    ['install', '--omit=dev', '--prefer-offline', '--no-package-lock', join(work, packed.filename)],
    { cwd: app, env: npmEnv(), timeout: 150_000 },
  );
}, 300_000);

afterAll(async () => {
  await clone?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the happytalk-archive package', () => {
  it('packs the built CLI, one JavaScript file, and nothing of the sources', () => {
    // Assess
    expect(packed.files.map((file) => file.path).sort()).toEqual([
      'README.md',
      'bin/happytalk-archive.mjs',
      'package.json',
    ]);
  });

  it('installs from its tarball with its runtime dependencies only', () => {
    // Assess
    const installed = (name: string) => existsSync(join(app, 'node_modules', name, 'package.json'));
    expect(installed('happytalk-archive')).toBe(true);
    expect(installed('commander')).toBe(true);
    expect(installed('@aws-sdk/client-s3')).toBe(true);
    for (const devDependency of ['tsx', 'esbuild', 'typescript', 'aws-cdk-lib', 'vitest', 's3rver']) {
      expect(installed(devDependency), devDependency).toBe(false);
    }
  });

  it('finds every package the CLI imports, the ones smoke loads lazily included, among those installed', async () => {
    // Prepare
    const cli = await readFile(join(app, 'node_modules/happytalk-archive/bin/happytalk-archive.mjs'), 'utf8');
    const specifiers = [
      ...new Set(
        [...cli.matchAll(/(?:^import [^;]*? from |\bimport\()"([^"]+)"/gm)]
          .map((match) => match[1] ?? '')
          .filter((specifier) => specifier !== '' && !specifier.startsWith('node:')),
      ),
    ];

    // Act: import each of them from the folder the package is installed in
    const script = `for (const s of ${JSON.stringify(specifiers)}) await import(s); process.stdout.write('ok');`;
    const { stdout } = await run('node', ['--input-type=module', '-e', script], { cwd: app });

    // Assess
    expect(specifiers).toEqual(
      expect.arrayContaining(['commander', '@aws-sdk/client-athena', '@smithy/signature-v4']),
    );
    expect(stdout).toBe('ok');
  });

  it('answers --version with the package version', async () => {
    // Act
    const result = await runInstalled(['--version']);

    // Assess
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('normalizes the spec example read from stdin', async () => {
    // Prepare
    const example = await readFile(join(clone.dir, 'test/fixtures/chat-data-example.json'));

    // Act
    const result = await runInstalled(
      ['normalize', '-', '--fetched-at', '2026-01-02T03:04:05Z'],
      example.toString(),
    );

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      room_id: 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG',
      source: { fetched_at: '2026-01-02T03:04:05.000Z', archiver_version: version },
    });
  });

  it('exits 1 with a one-line error on what it cannot read', async () => {
    // Act
    const result = await runInstalled(['normalize', '-'], '<html>oops</html>');

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^happytalk-archive: .*not JSON.*\n$/);
  });

  it('runs with npx from the folder it is installed in', async () => {
    // Act
    const { stdout } = await run('npx', ['--no-install', 'happytalk-archive', '--version'], {
      cwd: app,
      env: npmEnv(),
    });

    // Assess
    expect(stdout).toBe(`${version}\n`);
  });
});
