import PQueue from 'p-queue';
import type { ListedObject } from '../archive/s3-objects.js';
import {
  type ArchiveKey,
  type PartitionedArea,
  PREFIX,
  parseArchiveKey,
  partitionPrefix,
} from '../contract/keys.js';
import { type Transcript, TranscriptSchema } from '../transcript/schema.js';
import { type DateRange, daysOf } from './date-range.js';
import type { ArchiveReader } from './reader.js';

/** How many days are listed at once. */
const LISTING_CONCURRENCY = 4;

/**
 * The objects of `area` in the partitions of `range`, a day at a time in day
 * order (each day listed whole, with paging), or, without a range, every
 * object under `area/`, a page at a time.
 */
export async function* objectsOf(
  reader: ArchiveReader,
  area: PartitionedArea,
  range: DateRange | undefined,
): AsyncGenerator<readonly ListedObject[]> {
  if (range === undefined) {
    yield* reader.listObjects(PREFIX[area]);
    return;
  }
  yield* mapInOrder(daysOf(range), LISTING_CONCURRENCY, async (day) => {
    const objects: ListedObject[] = [];
    for await (const page of reader.listObjects(partitionPrefix(area, day))) objects.push(...page);
    return objects;
  });
}

/** A transcript object read and parsed, or why it could not be. */
export type TranscriptRead =
  | {
      readonly kind: 'transcript';
      readonly location: ArchiveKey;
      /** The stored line, byte for byte. */
      readonly body: Uint8Array;
      readonly transcript: Transcript;
      /** When the transcript was written. */
      readonly lastModified?: Date;
    }
  | { readonly kind: 'unreadable'; readonly location: ArchiveKey; readonly reason: string };

/** How far a scan is: keys listed so far, and transcripts read. */
export interface ScanProgress {
  readonly listed: number;
  readonly read: number;
}

export interface ScanOptions {
  /** Transcripts read at once (default 8). */
  readonly concurrency?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
}

export const DEFAULT_CONCURRENCY = 8;

/**
 * Reads the latest version of every transcript in `range` (every transcript
 * without one), in key order (by day, then room id), `concurrency` at a time.
 * Keys that are not `transcripts/year=…/month=…/day=…/<room_id>.json` are
 * skipped; a transcript that is gone or does not parse is yielded as
 * `unreadable`, and the scan goes on.
 */
export async function* scanTranscripts(
  reader: ArchiveReader,
  range: DateRange | undefined,
  options: ScanOptions = {},
): AsyncGenerator<TranscriptRead> {
  const progress = { listed: 0, read: 0 };
  async function* locations(): AsyncGenerator<ArchiveKey> {
    for await (const page of objectsOf(reader, 'transcripts', range)) {
      const keys = page.flatMap((object) => {
        const location = parseArchiveKey(object.key);
        return location ? [location] : [];
      });
      progress.listed += keys.length;
      options.onProgress?.({ ...progress });
      yield* keys;
    }
  }
  const read = async (location: ArchiveKey): Promise<TranscriptRead> => {
    const object = await reader.readObject(location.key);
    progress.read += 1;
    options.onProgress?.({ ...progress });
    if (!object) return { kind: 'unreadable', location, reason: 'the object is gone' };
    const parsed = parseTranscriptLine(object.body);
    if (!parsed.ok) return { kind: 'unreadable', location, reason: parsed.reason };
    return {
      kind: 'transcript',
      location,
      body: object.body,
      transcript: parsed.transcript,
      ...(object.lastModified ? { lastModified: object.lastModified } : {}),
    };
  };
  yield* mapInOrder(locations(), options.concurrency ?? DEFAULT_CONCURRENCY, read);
}

// Transcripts are UTF-8 by contract: a byte that is not is corruption, not something to replace.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a stored transcript line: UTF-8 JSON that is a transcript v1. The
 * reason never quotes the content (transcripts hold personal data).
 */
export function parseTranscriptLine(
  body: Uint8Array,
): { ok: true; transcript: Transcript; json: unknown } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(STRICT_UTF8.decode(body));
  } catch {
    return { ok: false, reason: `not UTF-8 JSON (${body.byteLength} bytes)` };
  }
  const parsed = TranscriptSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape';
    return { ok: false, reason: `not a transcript v1 (${where})` };
  }
  return { ok: true, transcript: parsed.data, json };
}

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Maps `items` through `fn`, at most `concurrency` calls at once, and yields
 * the results in the order of the items (a result waits for the ones before
 * it; at most `4 × concurrency` are held). A call that throws makes the
 * generator throw when its turn comes.
 */
export async function* mapInOrder<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const queue = new PQueue({ concurrency });
  const lookahead = Math.max(1, concurrency * 4);
  // Settled promises: a call that fails while an earlier one is awaited is never an unhandled rejection.
  const pending: Promise<Settled<R>>[] = [];
  const next = async (): Promise<R> => {
    const head = pending.shift();
    if (head === undefined) throw new Error('mapInOrder: nothing pending');
    const settled = await head;
    if (!settled.ok) throw settled.error;
    return settled.value;
  };
  try {
    for await (const item of items) {
      pending.push(
        queue
          .add(() => fn(item))
          .then(
            (value): Settled<R> => ({ ok: true, value }),
            (error: unknown): Settled<R> => ({ ok: false, error }),
          ),
      );
      while (pending.length >= lookahead) yield await next();
    }
    while (pending.length > 0) yield await next();
  } finally {
    queue.clear();
  }
}
