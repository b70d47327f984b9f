import { type CliIo, runCli } from '../../cli/program.js';

/** What one run of the CLI printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  /** stdout byte for byte (`get --raw` prints bytes). */
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
}

/** Runs the CLI in process with `env` (and `stdin`), capturing stdout and stderr. */
export async function runCliCaptured(
  argv: readonly string[],
  env: Record<string, string>,
  stdin: Uint8Array = new Uint8Array(),
): Promise<CliRun> {
  const out: Buffer[] = [];
  let err = '';
  const io: CliIo = {
    env,
    stdout: (chunk) => {
      out.push(Buffer.from(chunk));
    },
    stderr: (chunk) => {
      err += chunk;
    },
    readStdin: async () => stdin,
  };
  const code = await runCli(argv, io);
  const stdoutBytes = Buffer.concat(out);
  return { code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: err };
}

/** The JSON objects of output printed one per line. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}
