import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Node.js binary that runs the measured code, and why that one. */
export interface NodeRuntime {
  readonly binary: string;
  readonly version: string;
  /** `Node.js 24 (the Lambda runtime)` or `the local Node.js (Node.js 24 is not installed)`. */
  readonly label: string;
}

/**
 * The Node.js 24 binary of `scripts/ensure-node24.mjs` (the Lambda runtime's
 * version), installing it when `install` is set; else the local Node.js.
 */
export function lambdaNodeRuntime(options: { install: boolean }): NodeRuntime {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  let binary =
    process.env.NODE24_BIN || `${ROOT}.local/node24/node_modules/node-${process.platform}-${arch}/bin/node`;
  if (!existsSync(binary) && options.install) {
    binary = execFileSync(process.execPath, [`${ROOT}scripts/ensure-node24.mjs`], {
      encoding: 'utf8',
      timeout: 300_000,
    }).trim();
  }
  if (existsSync(binary)) {
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
    if (version.startsWith('v24.'))
      return { binary, version, label: `Node.js ${version} (the Lambda runtime)` };
  }
  return {
    binary: process.execPath,
    version: process.version,
    label: `the local Node.js ${process.version} (Node.js 24 is not installed)`,
  };
}

/** Variables the Lambda runtime sets that the functions' libraries read. */
export const LAMBDA_RUNTIME_ENVIRONMENT: Readonly<Record<string, string>> = {
  TZ: ':UTC',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'happytalk-archive-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
};

/** The tsx loader, so that a child Node.js runs a TypeScript runner. */
export const TSX_IMPORT = ['--import', 'tsx'];

/**
 * Runs `binary args` and returns the JSON of its last stdout line that starts
 * with `BENCH `. The child's other output (function logs) is discarded.
 */
export async function runJsonChild<T>(
  binary: string,
  args: readonly string[],
  options: { env: Record<string, string>; timeoutMs: number },
): Promise<T> {
  // For profiling a suite's child: BENCH_CHILD_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const extraFlags = process.env.BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? [];
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      binary,
      [...extraFlags, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...options.env },
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, out, err) => {
        if (error) {
          reject(new Error(`${args.join(' ')} failed: ${error.message}\n${String(err).slice(-4000)}`));
        } else {
          resolve({ stdout: out, stderr: err });
        }
      },
    );
  });
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith('BENCH '));
  if (!line) throw new Error(`no BENCH line from ${args.join(' ')}: ${stderr.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH '.length)) as T;
}
