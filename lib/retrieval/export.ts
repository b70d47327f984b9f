import { chmod, constants, lstat, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { keyBeside } from '../contract/keys.js';
import { sha256Hex } from '../shared/hash.js';
import { ARCHIVER_VERSION } from '../version.js';
import { attachmentRefsOf } from './attachments.js';
import type { DateRange } from './date-range.js';
import { ExportDirectoryNotEmptyError, ExportPathError } from './errors.js';
import { matchesFilter, rawObjectsByRoom, type UnprocessableRoom, unprocessableRoom } from './list.js';
import type { ArchiveReader } from './reader.js';
import { type ScanProgress, scanTranscripts, type TranscriptRead } from './scan.js';

/** One file of an export, relative to the export directory (`/`-separated). */
export interface ManifestFile {
  readonly path: string;
  /** Hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  /** Bytes. */
  readonly size: number;
}

/** One room exported: where it came from in the archive. */
export interface ManifestRoom {
  readonly room_id: string;
  readonly registered_at: string | null;
  readonly transcript_key: string;
  readonly raw_key: string;
  /** The transcript's `source.sha256`: the SHA-256 of the raw response. */
  readonly source_sha256: string;
}

/** An attachment the transcript names whose object is not in the archive (tolerated). */
export interface MissingAttachment {
  readonly room_id: string;
  readonly key: string;
  readonly sha256: string;
}

/** Something that makes the export incomplete or inconsistent: the command exits 1. */
export interface ExportProblem {
  /** The room, or the transcript key when the transcript could not be read (its room is unknown). */
  readonly subject: string;
  readonly problem: string;
}

/** `manifest.json`: every file of an export, and what it is an export of. */
export interface ExportManifest {
  readonly manifest_version: 1;
  readonly customer: { readonly uuid: string };
  /** When the export started (UTC ISO 8601). */
  readonly exported_at: string;
  readonly archiver_version: string;
  readonly bucket: string;
  /** The registration days scanned, or null for the whole archive. */
  readonly range: DateRange | null;
  readonly rooms: readonly ManifestRoom[];
  readonly files: readonly ManifestFile[];
  readonly missing_attachments: readonly MissingAttachment[];
  readonly problems: readonly ExportProblem[];
  /**
   * Rooms of the range whose only archived answer could not be normalized:
   * without a transcript their customer is unknown, so they are not exported;
   * their raw bytes stay in the archive at `raw_key`.
   */
  readonly unprocessable_rooms: readonly UnprocessableRoom[];
}

/** What one room's export wrote and found. */
export interface ExportedRoom {
  readonly room: ManifestRoom;
  readonly files: readonly ManifestFile[];
  readonly missingAttachments: readonly MissingAttachment[];
  readonly problems: readonly ExportProblem[];
}

export interface ManifestInput {
  readonly customerUuid: string;
  readonly exportedAt: Date;
  readonly bucket: string;
  readonly range: DateRange | undefined;
  readonly rooms: readonly ExportedRoom[];
  /** Problems outside any room (transcripts that could not be read). */
  readonly problems?: readonly ExportProblem[];
  readonly unprocessableRooms?: readonly UnprocessableRoom[];
  /** Default this package's version. */
  readonly archiverVersion?: string;
}

/**
 * Builds the manifest of an export: rooms by id, files by path.
 *
 * @throws Error when two files have the same path, or a path is not relative
 */
export function buildManifest(input: ManifestInput): ExportManifest {
  const rooms = [...input.rooms].sort((a, b) => compareText(a.room.room_id, b.room.room_id));
  const files = rooms.flatMap((room) => room.files).sort((a, b) => compareText(a.path, b.path));
  files.forEach((file, index) => {
    if (file.path.startsWith('/') || file.path.split('/').some((part) => part === '' || part === '..')) {
      throw new Error(`manifest path ${JSON.stringify(file.path)} is not a relative path`);
    }
    if (index > 0 && files[index - 1]?.path === file.path) {
      throw new Error(`manifest lists ${JSON.stringify(file.path)} twice`);
    }
  });
  return {
    manifest_version: 1,
    customer: { uuid: input.customerUuid },
    exported_at: input.exportedAt.toISOString(),
    archiver_version: input.archiverVersion ?? ARCHIVER_VERSION,
    bucket: input.bucket,
    range: input.range ?? null,
    rooms: rooms.map((room) => room.room),
    files,
    missing_attachments: rooms.flatMap((room) => room.missingAttachments),
    problems: [...(input.problems ?? []), ...rooms.flatMap((room) => room.problems)],
    unprocessable_rooms: [...(input.unprocessableRooms ?? [])].sort((a, b) =>
      compareText(a.room_id, b.room_id),
    ),
  };
}

export const MANIFEST_FILE = 'manifest.json';

export interface ExportOptions {
  readonly customerUuid: string;
  /** The export directory: created if missing; refused when not empty unless `force`. */
  readonly outDir: string;
  /** Registration days to scan; the whole of `transcripts/` without one. */
  readonly range?: DateRange | undefined;
  /**
   * Write into a non-empty directory: each entry the export writes that exists
   * already is removed and created again (never written through, so a planted
   * symbolic link is replaced, not followed); other entries are left as they are.
   */
  readonly force?: boolean;
  /** Transcripts read at once (default 8). */
  readonly concurrency?: number;
  readonly now?: () => Date;
  readonly onProgress?: (progress: ExportProgress) => void;
}

export interface ExportProgress extends ScanProgress {
  readonly matched: number;
}

export interface ExportResult {
  readonly manifest: ExportManifest;
  /** The manifest's own path. */
  readonly manifestPath: string;
  /** Entries the directory held before (with `force`): not written by this export, not in the manifest. */
  readonly preexistingEntries: number;
}

/**
 * Exports every transcript of one customer (`chat.customer.uuid`) with its
 * raw response and its archived attachments into
 * `outDir/<room_id>/{transcript.json, raw.json, attachments/<sha256>}`, then
 * writes `outDir/manifest.json` listing every file with its SHA-256 and size.
 * Files hold the archived bytes unchanged.
 *
 * Transcripts are personal data: every file is created anew (`O_CREAT |
 * O_EXCL | O_NOFOLLOW`), never through an existing file or symbolic link, with
 * mode 0600, and every folder created or reused ends 0700. `outDir` itself
 * must not be a symbolic link.
 *
 * The latest version of each transcript is exported, with the latest raw
 * object of the same partition; a raw object whose SHA-256 is not the
 * transcript's `source.sha256`, an attachment whose bytes do not have its
 * SHA-256, and a transcript that cannot be read (it may be the customer's) are
 * listed in `problems`. An attachment the archive does not hold is listed in
 * `missing_attachments`.
 *
 * Rooms of the range whose only archived answer could not be normalized are
 * listed in `unprocessable_rooms` (their customer is unknown).
 *
 * @throws ExportDirectoryNotEmptyError before anything is read, when `outDir` is not empty and not `force`
 * @throws ExportPathError before anything is read, when `outDir` is a symbolic link, is not a
 *   directory or cannot be created; and when an entry to write appears meanwhile
 */
export async function exportCustomer(reader: ArchiveReader, options: ExportOptions): Promise<ExportResult> {
  const exportedAt = (options.now ?? (() => new Date()))();
  const force = options.force ?? false;
  const preexistingEntries = await prepareDirectory(options.outDir, force);
  const rooms: ExportedRoom[] = [];
  const problems: ExportProblem[] = [];
  const exported = new Map<string, string>();
  const withTranscript = new Set<string>();
  const raws = await rawObjectsByRoom(reader, options.range);
  let progress: ScanProgress = { listed: 0, read: 0 };
  const report = () => options.onProgress?.({ ...progress, matched: rooms.length });
  for await (const read of scanTranscripts(reader, options.range, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    onProgress: (scanned) => {
      progress = scanned;
      report();
    },
  })) {
    withTranscript.add(read.location.roomId);
    if (read.kind === 'unreadable') {
      problems.push({ subject: read.location.key, problem: `transcript unreadable: ${read.reason}` });
    } else if (matchesFilter(read.transcript, { customerUuid: options.customerUuid })) {
      const other = exported.get(read.location.roomId);
      if (other !== undefined) {
        // Its directory is taken: the second copy is named, not written over the first.
        problems.push({
          subject: read.location.roomId,
          problem: `the room has a second transcript, ${read.location.key}, not exported (exported: ${other})`,
        });
        continue;
      }
      exported.set(read.location.roomId, read.location.key);
      rooms.push(await exportRoom(reader, read, options.outDir, force));
      report();
    }
  }
  const unprocessableRooms: UnprocessableRoom[] = [];
  for (const roomId of [...raws.keys()].filter((id) => !withTranscript.has(id))) {
    const room = await unprocessableRoom(reader, roomId);
    if (room) unprocessableRooms.push(room);
  }
  const manifest = buildManifest({
    customerUuid: options.customerUuid,
    exportedAt,
    bucket: reader.bucket,
    range: options.range,
    rooms,
    problems,
    unprocessableRooms,
  });
  const manifestPath = join(options.outDir, MANIFEST_FILE);
  await createFile(manifestPath, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), force);
  return { manifest, manifestPath, preexistingEntries };
}

// Transcripts are personal data: readable by the exporting user only.
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;
// Create, never open what is there: O_EXCL fails on any existing entry, a symbolic link included.
const CREATE_ONLY = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Makes `directory` the export directory: created (0700) if missing, refused
 * when it is a symbolic link or not a directory, refused when it is not empty
 * unless `force`, and set to 0700 when reused. Returns the entries it held.
 */
async function prepareDirectory(directory: string, force: boolean): Promise<number> {
  const existing = await lstatOrUndefined(directory);
  if (existing?.isSymbolicLink()) {
    throw new ExportPathError(`${directory} is a symbolic link: give the directory itself`);
  }
  if (existing && !existing.isDirectory()) {
    throw new ExportPathError(`${directory} exists and is not a directory`);
  }
  if (!existing) {
    try {
      await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'an error';
      throw new ExportPathError(
        `cannot create ${directory} (${code}): a part of the path is missing, a dangling link, or not a directory`,
      );
    }
    await chmod(directory, DIRECTORY_MODE);
    return 0;
  }
  const entries = (await readdir(directory)).length;
  if (entries > 0 && !force) {
    throw new ExportDirectoryNotEmptyError(
      `${directory} is not empty (${entries} entries): choose an empty directory, or pass --force to write into it`,
    );
  }
  await chmod(directory, DIRECTORY_MODE);
  return entries;
}

async function lstatOrUndefined(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * A new folder (0700) inside the export directory. With `force`, whatever is
 * at `path` (a folder from an earlier export, a file, a symbolic link) is
 * removed first, the link itself and not what it points at.
 */
async function createDirectory(path: string, force: boolean): Promise<void> {
  if (force) await rm(path, { recursive: true, force: true });
  try {
    await mkdir(path, { mode: DIRECTORY_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ExportPathError(`${path} appeared during the export: nothing was written through it`);
    }
    throw error;
  }
  await chmod(path, DIRECTORY_MODE);
}

/** A new file (0600) holding `bytes`; with `force`, an entry already at `path` is removed first. */
async function createFile(path: string, bytes: Uint8Array, force: boolean): Promise<void> {
  if (force) await rm(path, { recursive: true, force: true });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, CREATE_ONLY, FILE_MODE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP') {
      throw new ExportPathError(`${path} appeared during the export: nothing was written through it`);
    }
    throw error;
  }
  try {
    await handle.writeFile(bytes);
    // The umask may have taken bits away, never added any: make the mode exact.
    await handle.chmod(FILE_MODE);
  } finally {
    await handle.close();
  }
}

async function exportRoom(
  reader: ArchiveReader,
  read: Extract<TranscriptRead, { kind: 'transcript' }>,
  outDir: string,
  force: boolean,
): Promise<ExportedRoom> {
  const { transcript, location } = read;
  const roomId = location.roomId;
  const rawKey = keyBeside(location.key, 'raw');
  const files: ManifestFile[] = [];
  const missingAttachments: MissingAttachment[] = [];
  const problems: ExportProblem[] = [];
  const write = async (path: string, bytes: Uint8Array) => {
    await createFile(join(outDir, ...path.split('/')), bytes, force);
    files.push({ path, sha256: sha256Hex(bytes), size: bytes.byteLength });
  };
  // The room's folder is the export's own: with force, an earlier one (or whatever is there) is replaced.
  await createDirectory(join(outDir, roomId), force);

  await write(`${roomId}/transcript.json`, read.body);
  if (transcript.room_id !== roomId) {
    problems.push({ subject: roomId, problem: `${location.key} holds room_id ${transcript.room_id}` });
  }
  const raw = await reader.readObject(rawKey);
  if (!raw) {
    problems.push({ subject: roomId, problem: `raw object ${rawKey} is missing` });
  } else {
    await write(`${roomId}/raw.json`, raw.body);
    const sha256 = sha256Hex(raw.body);
    if (sha256 !== transcript.source.sha256) {
      const later = await unprocessableRoom(reader, roomId);
      problems.push({
        subject: roomId,
        problem:
          later && later.raw_key === rawKey
            ? `the room's last answer (${rawKey}) could not be normalized (${later.reason}): ` +
              'transcript.json is of an earlier answer, raw.json of the last one'
            : `raw object ${rawKey} has SHA-256 ${sha256}, the transcript's source.sha256 is ${transcript.source.sha256}`,
      });
    }
  }

  const { refs, invalid } = attachmentRefsOf(transcript);
  for (const message of new Set(invalid)) {
    problems.push({
      subject: roomId,
      problem: `messages[${message}].attachments has an entry without a SHA-256`,
    });
  }
  const copied = new Set<string>();
  let attachmentsFolder = false;
  for (const ref of refs) {
    if (copied.has(ref.sha256)) continue;
    copied.add(ref.sha256);
    const object = await reader.readObject(ref.key);
    if (!object) {
      missingAttachments.push({ room_id: roomId, key: ref.key, sha256: ref.sha256 });
      continue;
    }
    const sha256 = sha256Hex(object.body);
    if (sha256 !== ref.sha256) {
      problems.push({
        subject: roomId,
        problem: `attachment ${ref.key} has SHA-256 ${sha256}, not ${ref.sha256}`,
      });
      continue;
    }
    if (!attachmentsFolder) {
      // Inside the room's folder, just created: nothing can be there yet.
      await createDirectory(join(outDir, roomId, 'attachments'), false);
      attachmentsFolder = true;
    }
    await write(`${roomId}/attachments/${ref.sha256}`, object.body);
  }

  return {
    room: {
      room_id: roomId,
      registered_at: transcript.chat.registered_at,
      transcript_key: location.key,
      raw_key: rawKey,
      source_sha256: transcript.source.sha256,
    },
    files,
    missingAttachments,
    problems,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
