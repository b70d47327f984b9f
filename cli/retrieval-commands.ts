import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { S3ArchiveStore } from '../lib/archive/store.js';
import { createS3Client } from '../lib/aws.js';
import { type Environment, readBucket, readUpstreamConfig } from '../lib/config.js';
import { type DateRange, parseDateRange, parseOptionalDateRange } from '../lib/retrieval/date-range.js';
import { InvalidDateRangeError } from '../lib/retrieval/errors.js';
import { exportCustomer } from '../lib/retrieval/export.js';
import { getRoom, ROOM_FORMATS, type RoomFormat } from '../lib/retrieval/get.js';
import { listRooms, type RoomRow, type UnprocessableRoom } from '../lib/retrieval/list.js';
import { DEFAULT_CONCURRENCY } from '../lib/retrieval/scan.js';
import {
  type RoomVerification,
  type VerifyProgress,
  verifyRange,
  verifyRooms,
} from '../lib/retrieval/verify.js';
import { validateRoomId } from '../lib/room-id.js';
import { parseWholeNumber } from '../lib/shared/integer.js';
import { ARCHIVER_VERSION } from '../lib/version.js';

/** What the retrieval commands need from the program around them. */
export interface RetrievalCommandContext {
  /** The environment, filled from `--env-file` before the action runs. */
  readonly env: Environment;
  readonly stdout: (chunk: string | Uint8Array) => void;
  readonly stderr: (chunk: string) => void;
  /** Where progress bars are drawn: a terminal, or nothing. */
  readonly progress: NodeJS.WriteStream | undefined;
  readonly setExitCode: (code: number) => void;
}

/**
 * `list`, `get`, `verify` and `export`: reading the archive back for
 * compliance. The work is in `lib/retrieval/`; these only parse flags and print.
 */
export function registerRetrievalCommands(program: Command, context: RetrievalCommandContext): void {
  registerList(program, context);
  registerGet(program, context);
  registerVerify(program, context);
  registerExport(program, context);
}

export function storeOf(env: Environment): S3ArchiveStore {
  return new S3ArchiveStore({ client: createS3Client(env), bucket: readBucket(env) });
}

interface ListFlags {
  from: string;
  to: string;
  customer?: string;
  userId?: string;
  status?: string;
  json?: boolean;
  concurrency: number;
}

function registerList(program: Command, context: RetrievalCommandContext): void {
  program
    .command('list')
    .description(
      'List the archived rooms registered from --from to --to (HappyTalk local dates), optionally of one ' +
        'customer, user id or status: a table, or with --json one JSON object per line.',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (included; at most 366 days)')
    .option('--customer <uuid>', 'only rooms of this chat.customer.uuid')
    .option('--user-id <id>', 'only rooms of this chat.customer.user_id')
    .option('--status <code>', 'only rooms with this chat.status.code (e.g. 2 completed)', statusCode)
    .option('--json', 'one JSON object per room and line')
    .addOption(concurrencyOption('transcripts read at once'))
    .action(async (flags: ListFlags, command: Command) => {
      const range = rangeOrUsageError(command, () => parseDateRange(flags.from, flags.to));
      const store = storeOf(context.env);
      const bar = progressBar(
        context.progress,
        'list [{bar}] {value}/{total} transcripts read | {matched} matched',
      );
      const rows: (RoomRow | UnprocessableRoom)[] = [];
      const filtered =
        flags.customer !== undefined || flags.userId !== undefined || flags.status !== undefined;
      let read = 0;
      let unreadable = 0;
      let unprocessable = 0;
      try {
        for await (const event of listRooms(
          store,
          range,
          {
            ...(flags.customer === undefined ? {} : { customerUuid: flags.customer }),
            ...(flags.userId === undefined ? {} : { userId: flags.userId }),
            ...(flags.status === undefined ? {} : { status: flags.status }),
          },
          {
            concurrency: flags.concurrency,
            onProgress: (progress) => {
              read = progress.read;
              bar.update(progress.read, progress.listed, { matched: rows.length });
            },
          },
        )) {
          if (event.kind === 'unreadable') {
            unreadable += 1;
            context.stderr(`happytalk-archive: ${event.key} is unreadable: ${event.reason}\n`);
            continue;
          }
          if (event.kind === 'unprocessable') {
            unprocessable += 1;
            // Without a transcript, its customer and status are unknown: no filter can select it.
            if (filtered) continue;
          }
          const row =
            event.kind === 'room' ? event.row : { room_id: event.room.room_id, unprocessable: event.room };
          rows.push(event.kind === 'room' ? event.row : event.room);
          if (flags.json) context.stdout(`${JSON.stringify(row)}\n`);
        }
      } finally {
        bar.stop();
      }
      if (!flags.json) context.stdout(roomTable(rows));
      const matched = rows.filter(hasTranscript).length;
      const unprocessableNote = filtered
        ? ', not filtered: list without filters to see them'
        : rows.length > matched
          ? ', listed last'
          : '';
      context.stderr(
        `${matched} ${plural(matched, 'room')} of ${read} archived from ${range.from} to ${range.to}` +
          `${unreadable > 0 ? `; ${unreadable} unreadable` : ''}` +
          `${unprocessable > 0 ? `; ${unprocessable} unprocessable (raw bytes only${unprocessableNote})` : ''}\n`,
      );
      if (unreadable > 0) context.setExitCode(1);
    });
}

/** A room listed from its transcript, or only from its unprocessable answer's raw bytes. */
type TableRow = RoomRow | UnprocessableRoom;

const hasTranscript = (row: TableRow): row is RoomRow => 'message_count' in row;

const TABLE_COLUMNS: readonly [string, (row: TableRow) => string][] = [
  ['ROOM_ID', (row) => row.room_id],
  ['REGISTERED_AT', (row) => (hasTranscript(row) ? (row.registered_at ?? '-') : '-')],
  [
    'STATUS',
    (row) => {
      const status = hasTranscript(row) ? [row.status ?? '-', row.status_name ?? ''].join(' ').trim() : '-';
      const unprocessable = hasTranscript(row) ? row.unprocessable : row;
      return unprocessable ? `${status} (last answer unprocessable)` : status;
    },
  ],
  ['CUSTOMER_UUID', (row) => (hasTranscript(row) ? (row.customer_uuid ?? '-') : '-')],
  ['USER_ID', (row) => (hasTranscript(row) ? (row.user_id ?? '-') : '-')],
  ['MESSAGES', (row) => (hasTranscript(row) ? String(row.message_count) : '-')],
];

/** The rows as an aligned table with a header line; nothing at all when there are none. */
export function roomTable(rows: readonly TableRow[]): string {
  if (rows.length === 0) return '';
  const cells = [
    TABLE_COLUMNS.map(([title]) => title),
    ...rows.map((row) => TABLE_COLUMNS.map(([, cell]) => cell(row))),
  ];
  const widths = TABLE_COLUMNS.map((_, column) =>
    Math.max(...cells.map((line) => (line[column] ?? '').length)),
  );
  return cells
    .map((line) =>
      line
        .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}

interface GetFlags {
  format?: RoomFormat;
  raw?: boolean;
  version?: string;
}

function registerGet(program: Command, context: RetrievalCommandContext): void {
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

interface VerifyFlags {
  from?: string;
  to?: string;
  json?: boolean;
  concurrency: number;
}

function registerVerify(program: Command, context: RetrievalCommandContext): void {
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
        concurrency: flags.concurrency,
        onProgress: (progress: VerifyProgress) =>
          bar.update(progress.verified, progress.total, { failed: progress.failed, stale: progress.stale }),
      };
      const totals = { rooms: 0, failed: 0, stale: 0, mismatches: 0, unprocessable: 0 };
      try {
        const results = range ? verifyRange(store, range, options) : verifyRooms(store, roomIds, options);
        for await (const result of results) {
          totals.rooms += 1;
          totals.failed += result.ok ? 0 : 1;
          totals.stale += result.status === 'stale' ? 1 : 0;
          totals.mismatches += result.mismatches.length;
          // An unprocessable room is no mismatch: it is counted apart, not as ok.
          totals.unprocessable += result.unprocessable && result.ok ? 1 : 0;
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

interface ExportFlags {
  customer: string;
  out: string;
  from?: string;
  to?: string;
  force?: boolean;
  json?: boolean;
  concurrency: number;
}

function registerExport(program: Command, context: RetrievalCommandContext): void {
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

/**
 * The rooms named, or the range given, for a command that takes either (not
 * neither, not both: a usage error). Room ids are validated.
 */
export function roomsOrRange(
  command: Command,
  verb: string,
  roomIdArguments: readonly string[],
  parseRange: () => DateRange | undefined,
): { range: DateRange | undefined; roomIds: string[] } {
  const range = rangeOrUsageError(command, parseRange);
  if (range === undefined && roomIdArguments.length === 0) {
    command.error(`error: name the rooms to ${verb}, or give --from and --to`, { exitCode: 2 });
  }
  if (range !== undefined && roomIdArguments.length > 0) {
    command.error('error: name rooms or give --from and --to, not both', { exitCode: 2 });
  }
  return { range, roomIds: roomIdArguments.map((roomId) => validateRoomId(roomId)) };
}

/** Parses a range, making an invalid one a usage error (exit 2, the message on stderr). */
export function rangeOrUsageError<T extends DateRange | undefined>(command: Command, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InvalidDateRangeError)) throw error;
    return command.error(`error: ${error.message}`, {
      exitCode: 2,
      code: 'happytalk-archive.invalidDateRange',
    });
  }
}

export function concurrencyOption(what: string): Option {
  return new Option('--concurrency <n>', what).default(DEFAULT_CONCURRENCY).argParser((value: string) => {
    const number = parseWholeNumber(value);
    if (number === undefined || number < 1 || number > 64) {
      throw new InvalidArgumentError('--concurrency must be a whole number from 1 to 64');
    }
    return number;
  });
}

function statusCode(value: string): string {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('--status must be a status code such as 2');
  return value;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/** A progress bar on a terminal; nothing elsewhere. */
export function progressBar(
  stream: NodeJS.WriteStream | undefined,
  format: string,
): { update: (value: number, total: number, payload: Record<string, unknown>) => void; stop: () => void } {
  if (!stream?.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ stream, format, hideCursor: true, clearOnComplete: false });
  let started = false;
  let stopped = false;
  return {
    update: (value, total, payload) => {
      if (stopped) return;
      if (!started) {
        bar.start(Math.max(total, 1), value, payload);
        started = true;
        return;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(value, payload);
    },
    stop: () => {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
