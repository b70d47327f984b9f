import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { Command, CommanderError } from 'commander';
import { createArchiveService } from '../lib/archive/service.js';
import { createS3Client, createSecretsManagerClient } from '../lib/aws.js';
import { type Environment, readArchiveConfig, readUpstreamConfig } from '../lib/config.js';
import { ArchiveError } from '../lib/errors.js';
import { chatDataEndpoint, parseChatData } from '../lib/happytalk/client.js';
import { validateRoomId } from '../lib/room-id.js';
import { sha256Hex } from '../lib/shared/hash.js';
import { normalizeProcessable } from '../lib/transcript/unprocessable.js';
import { ARCHIVER_VERSION } from '../lib/version.js';
import { registerBackfillCommand } from './backfill-command.js';
import { createStderrLogger } from './logger.js';
import { registerRedactCommand } from './redact-command.js';
import { registerReindexCommand } from './reindex-command.js';
import { registerRetrievalCommands } from './retrieval-commands.js';
import { registerSmokeCommand, type SmokeCommandContext } from './smoke-command.js';
import { registerWatchCommand } from './watch-command.js';

/** Where the CLI reads and writes; replaced in tests. */
export interface CliIo {
  readonly env: Environment;
  readonly stdout: (chunk: string | Uint8Array) => void;
  readonly stderr: (chunk: string) => void;
  readonly readStdin: () => Promise<Uint8Array>;
  /** Where progress bars are drawn (stderr when it is a terminal); none in tests. */
  readonly progress?: NodeJS.WriteStream;
  /** The AWS calls of `smoke`; the SDK's clients unless replaced (tests). */
  readonly smokeServices?: SmokeCommandContext['services'];
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
  const logger = () => createStderrLogger(program.opts<{ verbose?: boolean }>().verbose ? 'info' : 'warn');

  program
    .command('normalize')
    .description('Normalize a raw chat_data response (FILE, or stdin) and print the transcript JSON.')
    .argument('[file]', 'a file holding the raw response; stdin when omitted or -')
    .option('--room-id <id>', 'the room to pick when the response holds several')
    .option('--fetched-at <iso>', 'the time the response was fetched (default: now)')
    .option('--pretty', 'indent the output')
    .action(
      async (
        file: string | undefined,
        options: { roomId?: string; fetchedAt?: string; pretty?: boolean },
      ) => {
        const { baseUrl, timeZone } = readUpstreamConfig(env);
        const bytes = file && file !== '-' ? new Uint8Array(await readFile(file)) : await io.readStdin();
        const roomId = options.roomId === undefined ? undefined : validateRoomId(options.roomId);
        const fetchedAt = options.fetchedAt ? parseTime(options.fetchedAt) : new Date();
        const parsed = {
          ...parseChatData(bytes, roomId),
          endpoint: chatDataEndpoint(baseUrl),
          fetchedAt,
          sha256: sha256Hex(bytes),
        };
        const transcript = normalizeProcessable(parsed, { ...(roomId ? { roomId } : {}), timeZone });
        io.stdout(`${JSON.stringify(transcript, null, options.pretty ? 2 : undefined)}\n`);
      },
    );

  program
    .command('archive')
    .description('Fetch rooms from HappyTalk and archive them to S3; one JSON summary line per room.')
    .argument('<room_id...>', 'one or more HappyTalk room ids')
    .action(async (roomIds: string[]) => {
      const config = readArchiveConfig(env, { allowLocalToken: true });
      const service = createArchiveService(config, {
        s3: createS3Client(env),
        ...(config.credentials.kind === 'secret' ? { secretsManager: createSecretsManagerClient(env) } : {}),
        logger: logger(),
      });
      for (const roomId of roomIds) {
        try {
          io.stdout(`${JSON.stringify(await service.archive(roomId))}\n`);
        } catch (error) {
          // One room failing never stops the others; a foreign error is named by its class only.
          exitCode = 1;
          const failure =
            error instanceof ArchiveError
              ? { code: error.code, message: error.message }
              : { code: 'INTERNAL', message: `room ${roomId}: unexpected ${errorName(error)}` };
          io.stdout(`${JSON.stringify({ room_id: roomId, status: 'failed', error: failure })}\n`);
          io.stderr(`happytalk-archive: ${failure.message}\n`);
        }
      }
    });

  const commandContext = {
    env,
    stdout: (chunk: string | Uint8Array) => io.stdout(chunk),
    stderr: (chunk: string) => io.stderr(chunk),
    progress: io.progress,
    setExitCode: (code: number) => {
      exitCode = code;
    },
  };
  registerRetrievalCommands(program, commandContext);
  registerReindexCommand(program, commandContext);

  registerBackfillCommand(program, {
    env,
    stdout: (chunk) => io.stdout(chunk),
    progress: io.progress,
    logger,
    setExitCode: (code) => {
      exitCode = code;
    },
  });

  registerWatchCommand(program, {
    env,
    stdout: (chunk) => io.stdout(chunk),
    logger,
    setExitCode: (code) => {
      exitCode = code;
    },
    ...(io.signal ? { signal: io.signal } : {}),
  });

  registerRedactCommand(program, {
    env,
    stdout: (chunk) => io.stdout(chunk),
    readStdin: () => io.readStdin(),
  });

  registerSmokeCommand(program, {
    env,
    stdout: (chunk) => io.stdout(chunk),
    setExitCode: (code) => {
      exitCode = code;
    },
    ...(io.smokeServices ? { services: io.smokeServices } : {}),
  });

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

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function parseTime(value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new Error(`--fetched-at ${JSON.stringify(value)} is not a date`);
  return time;
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
