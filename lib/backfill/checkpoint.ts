import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigurationError } from '../errors.js';

/** What a checkpoint was written for: a rerun must ask for the same thing to resume from it. */
export interface CheckpointScope {
  /** `s3://<bucket>` when archiving, the queue URL when enqueuing. */
  readonly target: string;
  readonly from: string;
  readonly to: string;
  /** The status code listed, or `final` (the finished rooms). */
  readonly status: number | 'final';
}

/** The rooms a backfill is done with: a rerun skips them. */
export interface BackfillCheckpoint {
  has(roomId: string): boolean;
  /** Records a room as done (`archived`, `updated`, `unchanged` or `enqueued`). */
  record(roomId: string, status: string): Promise<void>;
  /** How many rooms were already done when the checkpoint was opened. */
  readonly resumed: number;
  close(): Promise<void>;
}

const KIND = 'happytalk-archive backfill checkpoint';
const VERSION = 1;

/**
 * A checkpoint in a JSON Lines file: a header naming its {@link CheckpointScope},
 * then one `{"room_id","status"}` line per room done, appended as each room
 * finishes. A run killed mid-write leaves at most a partial last line, which
 * is ignored; failed rooms are not recorded, so a rerun tries them again.
 */
export class FileCheckpoint implements BackfillCheckpoint {
  readonly path: string;
  readonly resumed: number;
  readonly #done: Set<string>;
  readonly #file: Awaited<ReturnType<typeof open>>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, done: Set<string>, file: Awaited<ReturnType<typeof open>>) {
    this.path = path;
    this.#done = done;
    this.resumed = done.size;
    this.#file = file;
  }

  /**
   * Opens the checkpoint at `path`, creating it (and its directory) for `scope`,
   * or resuming it.
   *
   * @throws ConfigurationError when the file was written for another scope or is not a checkpoint
   */
  static async open(path: string, scope: CheckpointScope): Promise<FileCheckpoint> {
    const done = new Set<string>();
    let existing: string | undefined;
    try {
      existing = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(dirname(path), { recursive: true });
    const file = await open(path, 'a');
    try {
      if (existing === undefined || existing === '') {
        await file.write(`${JSON.stringify({ kind: KIND, version: VERSION, ...scope })}\n`);
      } else {
        readExisting(existing, path, scope, done);
        // A killed run may have left a partial line: start the next record on a line of its own.
        if (!existing.endsWith('\n')) await file.write('\n');
      }
    } catch (error) {
      await file.close();
      throw error;
    }
    return new FileCheckpoint(path, done, file);
  }

  has(roomId: string): boolean {
    return this.#done.has(roomId);
  }

  record(roomId: string, status: string): Promise<void> {
    this.#done.add(roomId);
    const line = `${JSON.stringify({ room_id: roomId, status })}\n`;
    this.#writing = this.#writing.then(async () => {
      await this.#file.write(line);
    });
    return this.#writing;
  }

  async close(): Promise<void> {
    await this.#writing.catch(() => undefined);
    await this.#file.close();
  }
}

function readExisting(text: string, path: string, scope: CheckpointScope, done: Set<string>): void {
  const [headerLine, ...lines] = text.split('\n');
  let header: Record<string, unknown> | undefined;
  try {
    header = JSON.parse(headerLine ?? '') as Record<string, unknown>;
  } catch {
    header = undefined;
  }
  if (header?.kind !== KIND || header.version !== VERSION) {
    throw new ConfigurationError(`${path} is not a backfill checkpoint: name another file with --checkpoint`);
  }
  const differs = (['target', 'from', 'to', 'status'] as const).filter((key) => header[key] !== scope[key]);
  if (differs.length > 0) {
    throw new ConfigurationError(
      `${path} is the checkpoint of another backfill (${differs
        .map((key) => `${key} ${JSON.stringify(header[key])}`)
        .join(', ')}): name another file with --checkpoint`,
    );
  }
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { room_id?: unknown };
      if (typeof entry.room_id === 'string') done.add(entry.room_id);
    } catch {
      // A partial line from a killed run: that room is simply done again.
    }
  }
}
