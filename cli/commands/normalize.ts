import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readUpstreamConfig } from '../../lib/config.js';
import { chatDataEndpoint, parseChatData } from '../../lib/happytalk/client.js';
import { validateRoomId } from '../../lib/room-id.js';
import { sha256Hex } from '../../lib/shared/hash.js';
import { normalizeProcessable } from '../../lib/transcript/unprocessable.js';
import type { CommandContext } from '../context.js';

/** `normalize [FILE|-]`: a raw chat_data response in, its transcript out; nothing archived. */
export function registerNormalizeCommand(program: Command, context: CommandContext): void {
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
        const { baseUrl, timeZone } = readUpstreamConfig(context.env);
        const bytes = file && file !== '-' ? new Uint8Array(await readFile(file)) : await context.readStdin();
        const roomId = options.roomId === undefined ? undefined : validateRoomId(options.roomId);
        const fetchedAt = options.fetchedAt ? parseTime(options.fetchedAt) : new Date();
        const parsed = {
          ...parseChatData(bytes, roomId),
          endpoint: chatDataEndpoint(baseUrl),
          fetchedAt,
          sha256: sha256Hex(bytes),
        };
        const transcript = normalizeProcessable(parsed, { ...(roomId ? { roomId } : {}), timeZone });
        context.stdout(`${JSON.stringify(transcript, null, options.pretty ? 2 : undefined)}\n`);
      },
    );
}

function parseTime(value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new Error(`--fetched-at ${JSON.stringify(value)} is not a date`);
  return time;
}
