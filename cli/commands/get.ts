import { type Command, Option } from 'commander';
import { getRoom, ROOM_FORMATS, type RoomFormat } from '../../lib/retrieval/get.js';
import { validateRoomId } from '../../lib/room-id.js';
import type { CommandContext } from '../context.js';
import { storeOf } from '../output.js';

interface GetFlags {
  format?: RoomFormat;
  raw?: boolean;
  redacted?: boolean;
  version?: string;
}

/** `get ROOM_ID`: an archived room, as its transcript line, its page, HappyTalk's raw bytes, or its redacted copy. */
export function registerGetCommand(program: Command, context: CommandContext): void {
  program
    .command('get')
    .description(
      'Print an archived room: the transcript JSON line (default), its printable HTML page, the exact ' +
        'bytes HappyTalk returned, or the redacted copy of the transcript (the analytics copy); --version ' +
        'reads that S3 version instead of the one the index points at.',
    )
    .argument('<room_id>', 'a HappyTalk room id')
    .addOption(
      new Option(
        '--format <format>',
        'json: the transcript; html: its page; raw: the raw response; redacted: the redacted copy',
      ).choices(ROOM_FORMATS),
    )
    .option('--raw', 'the same as --format raw')
    .option('--redacted', 'the same as --format redacted')
    .option(
      '--version <version_id>',
      'the S3 version of the transcript (or, with raw, of the raw object; with redacted, of the copy)',
    )
    .action(async (roomIdArgument: string, flags: GetFlags, command: Command) => {
      const chosen = [
        ...(flags.format === undefined ? [] : [flags.format]),
        ...(flags.raw ? ['raw' as const] : []),
        ...(flags.redacted ? ['redacted' as const] : []),
      ];
      const format: RoomFormat = chosen[0] ?? 'json';
      if (chosen.some((other) => other !== format)) {
        const named = [
          ...(flags.raw ? ['--raw'] : []),
          ...(flags.redacted ? ['--redacted'] : []),
          ...(flags.format === undefined ? [] : [`--format ${flags.format}`]),
        ];
        command.error(`error: ${named.join(' and ')} contradict each other`, { exitCode: 2 });
      }
      const roomId = validateRoomId(roomIdArgument);
      const room = await getRoom(storeOf(context.env), roomId, {
        format,
        ...(flags.version === undefined ? {} : { versionId: flags.version }),
      });
      context.stdout(room.body);
    });
}
