import { createHash } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVER_VERSION } from '../version.js';
import { attachmentRefsOf } from './attachments.js';
import type { DateRange } from './date-range.js';
import { ExportDirectoryNotEmptyError } from './errors.js';
import { matchesFilter } from './list.js';
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
  };
}

export const MANIFEST_FILE = 'manifest.json';

export interface ExportOptions {
  readonly customerUuid: string;
  /** The export directory: created if missing; refused when not empty unless `force`. */
  readonly outDir: string;
  /** Registration days to scan; the whole of `transcripts/` without one. */
  readonly range?: DateRange | undefined;
  /** Write into a non-empty directory (same-named files are replaced, others left as they are). */
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
 * Files hold the archived bytes unchanged, readable by the owner only.
 *
 * The latest version of each transcript is exported, with the latest raw
 * object of the same partition; a raw object whose SHA-256 is not the
 * transcript's `source.sha256`, an attachment whose bytes do not have its
 * SHA-256, and a transcript that cannot be read (it may be the customer's) are
 * listed in `problems`. An attachment the archive does not hold is listed in
 * `missing_attachments`.
 *
 * @throws ExportDirectoryNotEmptyError before anything is read, when `outDir` is not empty and not `force`
 */
export async function exportCustomer(reader: ArchiveReader, options: ExportOptions): Promise<ExportResult> {
  const exportedAt = (options.now ?? (() => new Date()))();
  const preexistingEntries = await prepareDirectory(options.outDir, options.force ?? false);
  const rooms: ExportedRoom[] = [];
  const problems: ExportProblem[] = [];
  const exported = new Map<string, string>();
  let progress: ScanProgress = { listed: 0, read: 0 };
  const report = () => options.onProgress?.({ ...progress, matched: rooms.length });
  for await (const read of scanTranscripts(reader, options.range, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    onProgress: (scanned) => {
      progress = scanned;
      report();
    },
  })) {
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
      rooms.push(await exportRoom(reader, read, options.outDir));
      report();
    }
  }
  const manifest = buildManifest({
    customerUuid: options.customerUuid,
    exportedAt,
    bucket: reader.bucket,
    range: options.range,
    rooms,
    problems,
  });
  const manifestPath = join(options.outDir, MANIFEST_FILE);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: FILE_MODE });
  return { manifest, manifestPath, preexistingEntries };
}

// Transcripts are personal data: readable by the exporting user only.
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

/** Creates `directory` if missing; the number of entries it already held. */
async function prepareDirectory(directory: string, force: boolean): Promise<number> {
  const existing = await stat(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing && !existing.isDirectory()) {
    throw new ExportDirectoryNotEmptyError(`${directory} exists and is not a directory`);
  }
  const entries = existing ? (await readdir(directory)).length : 0;
  if (entries > 0 && !force) {
    throw new ExportDirectoryNotEmptyError(
      `${directory} is not empty (${entries} entries): choose an empty directory, or pass --force to write into it`,
    );
  }
  await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
  return entries;
}

async function exportRoom(
  reader: ArchiveReader,
  read: Extract<TranscriptRead, { kind: 'transcript' }>,
  outDir: string,
): Promise<ExportedRoom> {
  const { transcript, location } = read;
  const roomId = location.roomId;
  const rawKey = `raw/${location.key.slice('transcripts/'.length)}`;
  const files: ManifestFile[] = [];
  const missingAttachments: MissingAttachment[] = [];
  const problems: ExportProblem[] = [];
  const write = async (path: string, bytes: Uint8Array) => {
    await writeFile(join(outDir, ...path.split('/')), bytes, { mode: FILE_MODE });
    files.push({ path, sha256: sha256Of(bytes), size: bytes.byteLength });
  };
  await mkdir(join(outDir, roomId), { recursive: true, mode: DIRECTORY_MODE });

  await write(`${roomId}/transcript.json`, read.body);
  if (transcript.room_id !== roomId) {
    problems.push({ subject: roomId, problem: `${location.key} holds room_id ${transcript.room_id}` });
  }
  const raw = await reader.readObject(rawKey);
  if (!raw) {
    problems.push({ subject: roomId, problem: `raw object ${rawKey} is missing` });
  } else {
    await write(`${roomId}/raw.json`, raw.body);
    const sha256 = sha256Of(raw.body);
    if (sha256 !== transcript.source.sha256) {
      problems.push({
        subject: roomId,
        problem: `raw object ${rawKey} has SHA-256 ${sha256}, the transcript's source.sha256 is ${transcript.source.sha256}`,
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
  for (const ref of refs) {
    if (copied.has(ref.sha256)) continue;
    copied.add(ref.sha256);
    const object = await reader.readObject(ref.key);
    if (!object) {
      missingAttachments.push({ room_id: roomId, key: ref.key, sha256: ref.sha256 });
      continue;
    }
    const sha256 = sha256Of(object.body);
    if (sha256 !== ref.sha256) {
      problems.push({
        subject: roomId,
        problem: `attachment ${ref.key} has SHA-256 ${sha256}, not ${ref.sha256}`,
      });
      continue;
    }
    await mkdir(join(outDir, roomId, 'attachments'), { recursive: true, mode: DIRECTORY_MODE });
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

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
