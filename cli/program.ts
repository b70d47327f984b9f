import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { Command, CommanderError } from 'commander';
import type { Environment } from '../lib/config.js';
import { ARCHIVER_VERSION } from '../lib/version.js';
import { registerArchiveCommand } from './commands/archive.js';
import { registerBackfillCommand } from './commands/backfill.js';
import { registerExportCommand } from './commands/export.js';
import { registerGetCommand } from './commands/get.js';
import { registerListCommand } from './commands/list.js';
import { registerNormalizeCommand } from './commands/normalize.js';
import { registerRedactCommand } from './commands/redact.js';
import { registerReindexCommand } from './commands/reindex.js';
import { registerSmokeCommand } from './commands/smoke.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWatchCommand } from './commands/watch.js';
import type { CommandContext } from './context.js';
import { createStderrLogger } from './logger.js';

/** Every command, one file each (cli/commands/), in the order `--help` lists them. */
const COMMANDS: readonly ((program: Command, context: CommandContext) => void)[] = [
  registerNormalizeCommand,
  registerArchiveCommand,
  registerListCommand,
  registerGetCommand,
  registerVerifyCommand,
  registerExportCommand,
  registerReindexCommand,
  registerBackfillCommand,
  registerWatchCommand,
  registerRedactCommand,
  registerSmokeCommand,
];

/** Where the CLI reads and writes; replaced in tests. */
export interface CliIo {
  readonly env: Environment;
  readonly stdout: (chunk: string | Uint8Array) => void;
  readonly stderr: (chunk: string) => void;
  readonly readStdin: () => Promise<Uint8Array>;
  /** Where progress bars are drawn (stderr when it is a terminal); none in tests. */
  readonly progress?: NodeJS.WriteStream;
  /** The AWS calls of `smoke`; the SDK's clients unless replaced (tests). */
  readonly smokeServices?: CommandContext['smokeServices'];
  /** Ends `watch` after the pass running (default: SIGINT or SIGTERM). */
  readonly signal?: AbortSignal;
}

const defaultIo: CliIo = {
  env: process.env,
  stdout: (chunk) => process.stdout.write(chunk),
  stderr: (chunk) => process.stderr.write(chunk),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
  ...(process.stderr.isTTY ? { progress: process.stderr } : {}),
};

/**
 * Runs the `happytalk-archive` CLI and resolves to its exit code: 0 on success,
 * 1 when a command failed (one line on stderr says why), 2 on a usage error.
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const env: Record<string, string | undefined> = { ...io.env };
  const program = new Command('happytalk-archive')
    .description('Archive HappyTalk chat transcripts to S3, and read them back.')
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .exitOverride()
    // Program options come before the command: `get --version ID` is the get command's own option.
    .enablePositionalOptions()
    .version(ARCHIVER_VERSION, '-V, --version', 'print the version of happytalk-archive')
    .option(
      '--env-file <path>',
      "read environment variables from a file first (e.g. .local/stack.env), with Node.js's own .env rules",
    )
    .option('-v, --verbose', 'log progress (JSON lines on stderr)')
    .hook('preAction', async (command) => {
      const envFile = command.opts<{ envFile?: string }>().envFile;
      if (envFile) Object.assign(env, parseEnvFile(await readFile(envFile, 'utf8')), pickDefined(io.env));
      // The AWS SDK reads its endpoint and credential variables from process.env.
      for (const [key, value] of Object.entries(env)) {
        if (key.startsWith('AWS_') && value !== undefined && process.env[key] === undefined)
          process.env[key] = value;
      }
    });
  const context: CommandContext = {
    env,
    stdout: (chunk) => io.stdout(chunk),
    stderr: (chunk) => io.stderr(chunk),
    readStdin: () => io.readStdin(),
    progress: io.progress,
    logger: () => createStderrLogger(program.opts<{ verbose?: boolean }>().verbose ? 'info' : 'warn'),
    setExitCode: (code) => {
      exitCode = code;
    },
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.smokeServices ? { smokeServices: io.smokeServices } : {}),
  };
  for (const register of COMMANDS) register(program, context);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr(`happytalk-archive: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * Parses an env file by Node.js's own rules (`util.parseEnv`, as `node
 * --env-file` reads one): `KEY=VALUE` lines, `export` and `#` comments, quoted
 * values, and an inline ` # comment` after an unquoted value is not part of it.
 */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseEnv(text)).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function pickDefined(env: Environment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
