import { type Command, Option } from 'commander';
import { getRoom, ROOM_FORMATS, type RoomFormat } from '../../lib/retrieval/get.js';
import { validateRoomId } from '../../lib/room-id.js';
import type { CommandContext } from '../context.js';
import { storeOf } from '../output.js';

interface GetFlags {
  format?: RoomFormat;
  raw?: boolean;
  version?: string;
}

/** `get ROOM_ID`: an archived room, as its transcript line, its page, or HappyTalk's raw bytes. */
export function registerGetCommand(program: Command, context: CommandContext): void {
  program
    .command('get')
    .description(
      'Print an archived room: the transcript JSON line (default), its printable HTML page, or the exact ' +
        'bytes HappyTalk returned; --version reads that S3 version instead of the one the index points at.',
    )
    .argument('<room_id>', 'a HappyTalk room id')
    .addOption(
      new Option('--format <format>', 'json: the transcript; html: its page; raw: the raw response').choices(
        ROOM_FORMATS,
      ),
    )
    .option('--raw', 'the same as --format raw')
    .option('--version <version_id>', 'the S3 version of the transcript (or, with raw, of the raw object)')
    .action(async (roomIdArgument: string, flags: GetFlags, command: Command) => {
      if (flags.raw && flags.format !== undefined && flags.format !== 'raw') {
        command.error(`error: --raw and --format ${flags.format} contradict each other`, { exitCode: 2 });
      }
      const roomId = validateRoomId(roomIdArgument);
      const format: RoomFormat = flags.raw ? 'raw' : (flags.format ?? 'json');
      const room = await getRoom(storeOf(context.env), roomId, {
        format,
        ...(flags.version === undefined ? {} : { versionId: flags.version }),
      });
      context.stdout(room.body);
    });
}
