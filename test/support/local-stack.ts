import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type LocalApiAuth, type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { captureOutput } from './lambda.js';

/**
 * Runs the local stack (`npm start`'s) for the test file that calls it, in a
 * temporary directory, with what the functions print captured: `stack()` and
 * `output()` are there once `beforeAll` has run.
 */
export function useLocalStack(options: { apiAuth?: LocalApiAuth } = {}): {
  stack: () => LocalStack;
  output: () => ReturnType<typeof captureOutput>;
} {
  let directory: string | undefined;
  let stack: LocalStack | undefined;
  let output: ReturnType<typeof captureOutput> | undefined;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'happytalk-archive-local-'));
    stack = await startLocalStack({ directory, ...options });
    output = captureOutput();
  });
  afterAll(async () => {
    output?.restore();
    await stack?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the local stack is not started yet');
    return value;
  };
  return { stack: () => ready(stack), output: () => ready(output) };
}
