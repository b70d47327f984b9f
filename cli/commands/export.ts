import type { Command } from 'commander';
import { parseOptionalDateRange } from '../../lib/retrieval/date-range.js';
import { exportCustomer } from '../../lib/retrieval/export.js';
import type { CommandContext } from '../context.js';
import { concurrencyOption, rangeOrUsageError } from '../options.js';
import { plural, progressBar, storeOf } from '../output.js';

interface ExportFlags {
  customer: string;
  out: string;
  from?: string;
  to?: string;
  force?: boolean;
  json?: boolean;
  concurrency: number;
}

/** `export --customer --out`: every archived transcript of one customer, with its raw answers and images. */
export function registerExportCommand(program: Command, context: CommandContext): void {
  program
    .command('export')
    .description(
      'Copy every archived transcript of one customer, with its raw response and attachments, into ' +
        'DIR/<room_id>/ and write DIR/manifest.json (every file with its SHA-256 and size). Scans the ' +
        'transcripts registered from --from to --to, or the whole archive without them.',
    )
    .requiredOption('--customer <uuid>', 'the chat.customer.uuid to export')
    .requiredOption('--out <dir>', 'the export directory (created; must be empty unless --force)')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day, YYYY-MM-DD (included)')
    .option(
      '--force',
      'write into a non-empty directory (entries the export writes are removed and created again, others left)',
    )
    .option('--json', 'print the summary as one JSON object')
    .addOption(concurrencyOption('transcripts read at once'))
    .action(async (flags: ExportFlags, command: Command) => {
      // A customer's rooms may span years: no length limit on an explicit range.
      const range = rangeOrUsageError(command, () =>
        parseOptionalDateRange(flags.from, flags.to, { maxDays: Number.POSITIVE_INFINITY }),
      );
      const store = storeOf(context.env);
      const bar = progressBar(
        context.progress,
        'export [{bar}] {value}/{total} transcripts read | {matched} exported',
      );
      let result: Awaited<ReturnType<typeof exportCustomer>>;
      try {
        result = await exportCustomer(store, {
          customerUuid: flags.customer,
          outDir: flags.out,
          range,
          force: flags.force ?? false,
          concurrency: flags.concurrency,
          onProgress: (progress) => bar.update(progress.read, progress.listed, { matched: progress.matched }),
        });
      } finally {
        bar.stop();
      }
      const { manifest, manifestPath, preexistingEntries } = result;
      const bytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
      const where = range ? `from ${range.from} to ${range.to}` : 'in the whole archive';
      if (manifest.rooms.length === 0) {
        context.stderr(`happytalk-archive: no transcript of customer ${flags.customer} ${where}\n`);
      }
      if (preexistingEntries > 0) {
        context.stderr(
          `happytalk-archive: ${flags.out} held ${preexistingEntries} ${plural(preexistingEntries, 'entry', 'entries')} ` +
            'before: those not replaced are left there and are not in the manifest\n',
        );
      }
      for (const missing of manifest.missing_attachments) {
        context.stderr(
          `happytalk-archive: room ${missing.room_id}: attachment ${missing.key} is not archived\n`,
        );
      }
      for (const problem of manifest.problems) {
        context.stderr(`happytalk-archive: ${problem.subject}: ${problem.problem}\n`);
      }
      for (const room of manifest.unprocessable_rooms) {
        context.stderr(
          `happytalk-archive: room ${room.room_id}: its only archived answer could not be normalized (${room.reason}): ` +
            `its customer is unknown, so it is not exported; its raw bytes are at ${room.raw_key}\n`,
        );
      }
      const summary = {
        customer: flags.customer,
        out: flags.out,
        manifest: manifestPath,
        rooms: manifest.rooms.length,
        files: manifest.files.length,
        bytes,
        missing_attachments: manifest.missing_attachments.length,
        problems: manifest.problems.length,
        unprocessable_rooms: manifest.unprocessable_rooms.length,
      };
      context.stdout(
        flags.json
          ? `${JSON.stringify(summary)}\n`
          : `exported ${summary.rooms} ${plural(summary.rooms, 'room')} of customer ${flags.customer} (${where}): ` +
              `${summary.files} files, ${bytes} bytes; manifest ${manifestPath}\n`,
      );
      if (manifest.problems.length > 0) context.setExitCode(1);
    });
}
