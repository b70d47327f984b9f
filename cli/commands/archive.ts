import type { Command } from 'commander';
import { createArchiveService } from '../../lib/archive/service.js';
import { createS3Client } from '../../lib/aws.js';
import { readArchiveConfig } from '../../lib/config.js';
import { ArchiveError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';
import { redactionOf, secretsManagerFor } from '../redaction.js';

/** `archive ROOM_ID...`: fetches rooms from HappyTalk and archives them; one JSON summary line per room. */
export function registerArchiveCommand(program: Command, context: CommandContext): void {
  program
    .command('archive')
    .description('Fetch rooms from HappyTalk and archive them to S3; one JSON summary line per room.')
    .argument('<room_id...>', 'one or more HappyTalk room ids')
    .action(async (roomIds: string[]) => {
      const { env } = context;
      const config = readArchiveConfig(env, { allowLocalToken: true });
      const redaction = redactionOf(env, context.stderr);
      const service = createArchiveService(config, {
        s3: createS3Client(env),
        ...secretsManagerFor(env, { token: config.credentials.kind === 'secret', redaction }),
        logger: context.logger(),
        redaction,
      });
      for (const roomId of roomIds) {
        try {
          context.stdout(`${JSON.stringify(await service.archive(roomId))}\n`);
        } catch (error) {
          // One room failing never stops the others; a foreign error is named by its class only.
          context.setExitCode(1);
          const failure =
            error instanceof ArchiveError
              ? { code: error.code, message: error.message }
              : { code: 'INTERNAL', message: `room ${roomId}: unexpected ${errorName(error)}` };
          context.stdout(`${JSON.stringify({ room_id: roomId, status: 'failed', error: failure })}\n`);
          context.stderr(`happytalk-archive: ${failure.message}\n`);
        }
      }
    });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
