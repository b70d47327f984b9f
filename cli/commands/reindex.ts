import type { Command } from 'commander';
import { createSecretsManagerClient } from '../../lib/aws.js';
import { readAttachmentConfig, readUpstreamConfig } from '../../lib/config.js';
import { redactedCopiesFor } from '../../lib/redaction/copy.js';
import { REDACTOR_VERSION } from '../../lib/redaction/redact.js';
import type { RedactedCopyResult } from '../../lib/reindex/redacted-copy.js';
import {
  type ReindexProgress,
  type ReindexResult,
  reindexRange,
  reindexRooms,
} from '../../lib/reindex/reindex.js';
import { parseOptionalDateRange } from '../../lib/retrieval/date-range.js';
import { ARCHIVER_VERSION } from '../../lib/version.js';
import type { CommandContext } from '../context.js';
import { concurrencyOption, roomsOrRange } from '../options.js';
import { plural, progressBar, storeOf } from '../output.js';
import { redactionOf } from '../redaction.js';

interface ReindexFlags {
  from?: string;
  to?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency: number;
}

/**
 * `happytalk-archive reindex`: derives the transcripts of archived rooms again
 * from their archived raw bytes with this archiver, and writes those that
 * change. The work is in `lib/reindex/`; this parses flags and prints.
 */
export function registerReindexCommand(program: Command, context: CommandContext): void {
  program
    .command('reindex')
    .description(
      'Derive the transcripts of archived rooms (those named, or every room with a raw response registered ' +
        'from --from to --to) again from their archived raw responses with this archiver, and write a new ' +
        'transcript version and index where the transcript changes. Keeps the redacted copies in step: makes ' +
        'the missing ones, and makes again those of an older redactor or another pseudonym key. Never calls ' +
        'HappyTalk, never writes raw/. One line per room (reindexed, unchanged, or failed with its reason); ' +
        'exit 1 if any failed or a copy could not be made.',
    )
    .argument('[room_id...]', 'HappyTalk room ids (or give --from and --to)')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day, YYYY-MM-DD (included)')
    .option('--dry-run', 'decide and report, write nothing')
    .option('--json', 'one JSON object per room and line (the summary on stderr)')
    .addOption(concurrencyOption('rooms reindexed at once'))
    .action(async (roomIdArguments: string[], flags: ReindexFlags, command: Command) => {
      // Reindexing after an upgrade covers the whole archive: no length limit on an explicit range.
      const { range, roomIds } = roomsOrRange(command, 'reindex', roomIdArguments, () =>
        parseOptionalDateRange(flags.from, flags.to, { maxDays: Number.POSITIVE_INFINITY }),
      );
      const { timeZone } = readUpstreamConfig(context.env);
      const attachmentsEnabled = readAttachmentConfig(context.env).enabled;
      const redaction = redactedCopiesFor(redactionOf(context.env, context.stderr), () =>
        createSecretsManagerClient(context.env),
      );
      const store = storeOf(context.env);
      const bar = progressBar(
        context.progress,
        'reindex [{bar}] {value}/{total} rooms | {reindexed} reindexed | {failed} failed',
      );
      const options = {
        timeZone,
        attachmentsEnabled,
        ...(redaction ? { redaction } : {}),
        dryRun: flags.dryRun ?? false,
        concurrency: flags.concurrency,
        onProgress: (progress: ReindexProgress) =>
          bar.update(progress.done, progress.total, {
            reindexed: progress.reindexed,
            failed: progress.failed,
          }),
      };
      const totals = { rooms: 0, reindexed: 0, unchanged: 0, failed: 0 };
      const copies = { created: 0, rederived: 0, current: 0, pending: 0 };
      try {
        const results = range ? reindexRange(store, range, options) : reindexRooms(store, roomIds, options);
        for await (const result of results) {
          totals.rooms += 1;
          totals[result.status] += 1;
          if (result.status !== 'failed' && result.redacted) copies[result.redacted.status] += 1;
          context.stdout(flags.json ? `${JSON.stringify(result)}\n` : resultLine(result));
        }
      } finally {
        bar.stop();
      }
      const where = range ? ` from ${range.from} to ${range.to}` : '';
      const summary = flags.dryRun
        ? `dry run, nothing written: ${totals.reindexed} of ${totals.rooms} ${plural(totals.rooms, 'room')}${where} ` +
          `would be reindexed by archiver ${ARCHIVER_VERSION}, ${totals.unchanged} unchanged, ${totals.failed} failed\n`
        : `reindexed ${totals.reindexed} of ${totals.rooms} ${plural(totals.rooms, 'room')}${where} with archiver ` +
          `${ARCHIVER_VERSION}, ${totals.unchanged} unchanged, ${totals.failed} failed\n`;
      const copyLine = redaction
        ? `redacted copies: ${copies.created} ${flags.dryRun ? 'to create' : 'created'}, ${copies.rederived} ` +
          `${flags.dryRun ? 'to derive again' : 'derived again'} with redactor ${REDACTOR_VERSION}, ` +
          `${copies.current} current, ${copies.pending} pending (the pseudonym key cannot be read)\n`
        : '';
      if (flags.json) context.stderr(summary + copyLine);
      else context.stdout(summary + copyLine);
      if (totals.failed > 0 || copies.pending > 0) context.setExitCode(1);
    });
}

/** One line per room: its status, what changed (paths only), or why it failed. */
function resultLine(result: ReindexResult): string {
  switch (result.status) {
    case 'reindexed': {
      const verb = result.dry_run ? 'WOULD REINDEX' : 'REINDEXED';
      const shown = result.differences.slice(0, 3).join(', ');
      const more = result.differences.length > 3 ? ` (and ${result.differences.length - 3} more)` : '';
      const copy = result.redacted ? `; ${copyText(result.redacted)}` : '';
      if (result.differences.length === 0 && !result.index_repaired && !result.was_unprocessable) {
        return `${verb} ${result.room_id} transcript unchanged (archiver ${result.archiver_version})${copy}\n`;
      }
      const what = result.index_repaired
        ? 'index pointed at the transcript already derived again'
        : `differs at ${shown}${more}`;
      return `${verb} ${result.room_id} archiver ${result.archiver_version} → ${result.current_version}: ${what}${copy}\n`;
    }
    case 'unchanged': {
      const copy = result.redacted ? `; ${copyText(result.redacted)}` : '';
      return `UNCHANGED ${result.room_id} (archiver ${result.archiver_version})${copy}\n`;
    }
    case 'failed':
      return `FAILED ${result.room_id} ${result.error.code}: ${result.error.message}\n`;
  }
}

/** What became of the room's redacted copy, in words. */
function copyText(copy: RedactedCopyResult): string {
  switch (copy.status) {
    case 'created':
      return `redacted copy created (redactor ${copy.current_redactor_version})`;
    case 'rederived':
      return copy.redactor_version === copy.current_redactor_version
        ? `redacted copy derived again (redactor ${copy.current_redactor_version})`
        : `redacted copy derived again (redactor ${copy.redactor_version ?? 'unknown'} → ${copy.current_redactor_version})`;
    case 'current':
      return `redacted copy current (redactor ${copy.redactor_version ?? copy.current_redactor_version})`;
    case 'pending':
      return `redacted copy pending: ${copy.reason ?? 'the pseudonym key cannot be read'}`;
  }
}
