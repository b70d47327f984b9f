import type { Command } from 'commander';
import { parseDateRange } from '../../lib/retrieval/date-range.js';
import { listRooms, type RoomRow, type UnprocessableRoom } from '../../lib/retrieval/list.js';
import type { CommandContext } from '../context.js';
import { concurrencyOption, rangeOrUsageError, statusCode } from '../options.js';
import { plural, progressBar, storeOf } from '../output.js';

interface ListFlags {
  from: string;
  to: string;
  customer?: string;
  userId?: string;
  status?: string;
  json?: boolean;
  concurrency: number;
}

/**
 * `list --from --to`: the archived rooms registered in a range, optionally of
 * one customer, user id or status; a table, or JSON lines.
 */
export function registerListCommand(program: Command, context: CommandContext): void {
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
