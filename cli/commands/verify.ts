import type { Command } from 'commander';
import { readRedactionConfig, readUpstreamConfig } from '../../lib/config.js';
import { parseOptionalDateRange } from '../../lib/retrieval/date-range.js';
import {
  type RoomVerification,
  type VerifyProgress,
  verifyRange,
  verifyRooms,
} from '../../lib/retrieval/verify.js';
import { ARCHIVER_VERSION } from '../../lib/version.js';
import type { CommandContext } from '../context.js';
import { concurrencyOption, roomsOrRange } from '../options.js';
import { plural, progressBar, storeOf } from '../output.js';

interface VerifyFlags {
  from?: string;
  to?: string;
  json?: boolean;
  concurrency: number;
}

/** `verify ROOM_ID... | --from --to`: the archive checked against itself, room by room. */
export function registerVerifyCommand(program: Command, context: CommandContext): void {
  program
    .command('verify')
    .description(
      'Check archived rooms (those named, or every room with objects registered from --from to --to): ' +
        'raw SHA-256 against the index and the metadata, the transcript against the raw response normalized ' +
        'again, and that the index is not stale. Lists every mismatch (exit 1 if there is one) and every ' +
        'transcript an older archiver derived (stale: run reindex; exit 0).',
    )
    .argument('[room_id...]', 'HappyTalk room ids (or give --from and --to)')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day, YYYY-MM-DD (included; at most 366 days)')
    .option('--json', 'one JSON object per room and line')
    .addOption(concurrencyOption('rooms verified at once'))
    .action(async (roomIdArguments: string[], flags: VerifyFlags, command: Command) => {
      const { range, roomIds } = roomsOrRange(command, 'verify', roomIdArguments, () =>
        parseOptionalDateRange(flags.from, flags.to),
      );
      const { timeZone } = readUpstreamConfig(context.env);
      const store = storeOf(context.env);
      const bar = progressBar(
        context.progress,
        'verify [{bar}] {value}/{total} rooms | {failed} with mismatches | {stale} stale',
      );
      const options = {
        timeZone,
        // Rooms without a redacted copy are named only where copies are on.
        expectCopies: readRedactionConfig(context.env, { allowLocalKey: true }).enabled,
        concurrency: flags.concurrency,
        onProgress: (progress: VerifyProgress) =>
          bar.update(progress.verified, progress.total, { failed: progress.failed, stale: progress.stale }),
      };
      const totals = { rooms: 0, failed: 0, stale: 0, mismatches: 0, unprocessable: 0, withoutCopy: 0 };
      try {
        const results = range ? verifyRange(store, range, options) : verifyRooms(store, roomIds, options);
        for await (const result of results) {
          totals.rooms += 1;
          totals.failed += result.ok ? 0 : 1;
          totals.stale += result.status === 'stale' ? 1 : 0;
          totals.mismatches += result.mismatches.length;
          // An unprocessable room is no mismatch: it is counted apart, not as ok.
          totals.unprocessable += result.unprocessable && result.ok ? 1 : 0;
          totals.withoutCopy += result.redacted_copy ? 1 : 0;
          context.stdout(
            flags.json
              ? `${JSON.stringify(result)}\n`
              : `${staleLine(result)}${mismatchLines(result)}${unprocessableLine(result)}`,
          );
        }
      } finally {
        bar.stop();
      }
      // The stale count is shown only when there are stale rooms, so the summary stays as it was without.
      const staleCount = totals.stale > 0 ? `${totals.stale} stale, ` : '';
      const summary =
        `verified ${totals.rooms} ${plural(totals.rooms, 'room')}` +
        `${range ? ` from ${range.from} to ${range.to}` : ''}: ${totals.rooms - totals.failed - totals.stale - totals.unprocessable} ok, ` +
        `${staleCount}${totals.failed} with mismatches (${totals.mismatches} ${plural(totals.mismatches, 'mismatch', 'mismatches')})` +
        `${totals.unprocessable > 0 ? `; ${totals.unprocessable} unprocessable (raw bytes only)` : ''}\n` +
        (totals.stale > 0
          ? `${totals.stale} ${plural(totals.stale, 'transcript was', 'transcripts were')} derived by an older archiver ` +
            `than ${ARCHIVER_VERSION}: run \`happytalk-archive reindex\` on ${plural(totals.stale, 'it', 'them')} to derive ` +
            `${plural(totals.stale, 'it', 'them')} again from the archived raw response\n`
          : '') +
        (totals.withoutCopy > 0
          ? `${totals.withoutCopy} ${plural(totals.withoutCopy, 'room has', 'rooms have')} no redacted copy (pending, ` +
            'or archived before copies were written): `happytalk-archive reindex` makes them\n'
          : '');
      if (flags.json) context.stderr(summary);
      else context.stdout(summary);
      if (totals.failed > 0) context.setExitCode(1);
    });
}

/** A stale room's line: room, the archiver version that derived it, where it differs (paths only). */
function staleLine(result: RoomVerification): string {
  const stale = result.stale;
  if (stale === undefined) return '';
  const shown = stale.differences.slice(0, 3).join(', ');
  const more = stale.differences.length > 3 ? ` (and ${stale.differences.length - 3} more)` : '';
  return `STALE ${result.room_id} archiver ${stale.archiver_version} (now ${stale.current_version}) differs at ${shown}${more}\n`;
}

/** One line per mismatch: room, check, expected, found. */
function mismatchLines(result: RoomVerification): string {
  return result.mismatches
    .map(
      (mismatch) =>
        `MISMATCH ${mismatch.room_id} ${mismatch.check} expected: ${mismatch.expected} found: ${mismatch.found}\n`,
    )
    .join('');
}

/** One line for a room whose last answer is kept as raw bytes only; nothing for the others. */
function unprocessableLine(result: RoomVerification): string {
  const finding = result.unprocessable;
  if (!finding) return '';
  const now = finding.processable_now
    ? 'this version normalizes it: run `happytalk-archive reindex` on it (or archive the room again)'
    : 'this version cannot normalize it either';
  return `UNPROCESSABLE ${result.room_id} ${finding.raw_key} reason: ${finding.reason}; ${now}\n`;
}
