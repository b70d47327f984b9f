/**
 * Runs the HappyTalk simulator until SIGINT or SIGTERM:
 * `npx tsx dev/simulator/main.ts`. Configured by environment variables (see
 * `simulatorOptionsFromEnv`); prints one line with its URL and the sample room ids.
 */
import { CHAT_DATA_PATH } from '../../lib/happytalk/schema.js';
import type { Logger } from '../../lib/logger.js';
import { simulatorOptionsFromEnv } from './config.js';
import { SAMPLE_ROOM_IDS } from './sample-rooms.js';
import { startSimulator } from './server.js';

function writeStderr(level: string, message: string, extra?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, message, ...extra })}\n`);
}

const stderrLogger: Logger = {
  debug: () => {},
  info: (message, extra) => writeStderr('INFO', message, extra),
  warn: (message, extra) => writeStderr('WARN', message, extra),
  error: (message, extra) => writeStderr('ERROR', message, extra),
};

function sampleRoomList(): string {
  return Object.entries(SAMPLE_ROOM_IDS)
    .map(([name, id]) => `${name}=${id}`)
    .join(' ');
}

async function main(): Promise<void> {
  const simulator = await startSimulator({ ...simulatorOptionsFromEnv(process.env), logger: stderrLogger });
  process.stdout.write(
    `HappyTalk simulator listening on ${simulator.url} (POST ${CHAT_DATA_PATH}); rooms: ${sampleRoomList()}\n`,
  );
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        writeStderr('ERROR', 'simulator did not close cleanly', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  writeStderr('ERROR', 'simulator failed to start', {
    error: error instanceof Error ? error.message : String(error),
  });
  process.exitCode = 1;
});
