import type { Environment } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import type { SmokeServices } from './smoke.js';

/**
 * What every command gets from the program around it: one shape for all,
 * built once by `runCli` (cli/program.ts).
 */
export interface CommandContext {
  /** The environment, filled from `--env-file` before the action runs. */
  readonly env: Environment;
  readonly stdout: (chunk: string | Uint8Array) => void;
  readonly stderr: (chunk: string) => void;
  readonly readStdin: () => Promise<Uint8Array>;
  /** Where progress bars are drawn: a terminal, or nothing. */
  readonly progress: NodeJS.WriteStream | undefined;
  /** The stderr logger, at the level `--verbose` chose. */
  readonly logger: () => Logger;
  readonly setExitCode: (code: number) => void;
  /** Ends `watch` after the pass running; default: SIGINT or SIGTERM. */
  readonly signal?: AbortSignal;
  /** The AWS calls of `smoke`; by default the SDK's clients with the caller's credentials. */
  readonly smokeServices?: (env: Environment) => Promise<SmokeServices>;
}
