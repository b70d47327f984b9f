import { CorruptArchiveError } from '../archive/errors.js';
import type { S3ArchiveStore } from '../archive/store.js';
import { WATCHER_STATE_KEY } from '../contract/keys.js';

/** Where the completion watcher keeps its watermark, in the archive bucket. */
export { WATCHER_STATE_KEY };

/** The watcher's state object. */
export interface WatcherState {
  /**
   * UTC ISO 8601. Every room HappyTalk finished at or before this time was
   * listed and sent to be archived (a first run sets it to where the watcher
   * starts: older rooms are backfill's).
   */
  readonly watermark: string;
  /** When the state was written (UTC ISO 8601). */
  readonly updated_at: string;
}

/** The state as read, with the ETag a conditional write names. */
export interface StoredWatcherState {
  readonly state: WatcherState;
  readonly etag: string;
}

/** Where the watermark is kept: one object, written only with conditional writes. */
export interface WatcherStateStore {
  /** @throws CorruptArchiveError when the object is not a watcher state; the store's errors */
  read(): Promise<StoredWatcherState | undefined>;
  /**
   * The state as this store last read or wrote it, without a request (a warm
   * execution environment's copy): possibly older than the stored one, which a
   * conditional write from it then finds out. Undefined when it knows none.
   */
  recall?(): StoredWatcherState | undefined;
  /**
   * Writes `state` if the object is still the one read (`expectedEtag`), or
   * still absent when `expectedEtag` is undefined.
   *
   * @returns the new ETag, or undefined when another writer got there first: read again and decide
   */
  write(state: WatcherState, expectedEtag: string | undefined): Promise<string | undefined>;
}

/**
 * The watcher state in the archive bucket (`state/completion-watcher.json`),
 * written with the archive store's conditional writes: `If-None-Match: *` when
 * new and `If-Match: <ETag>` otherwise, so two overlapping runs cannot both
 * write from the same read.
 */
export class S3WatcherStateStore implements WatcherStateStore {
  readonly key: string;
  readonly #store: Pick<S3ArchiveStore, 'bucket' | 'readObject' | 'putIfMatch' | 'putIfNoneMatch'>;
  #known: StoredWatcherState | undefined;

  constructor(options: {
    store: Pick<S3ArchiveStore, 'bucket' | 'readObject' | 'putIfMatch' | 'putIfNoneMatch'>;
    key?: string;
  }) {
    this.#store = options.store;
    this.key = options.key ?? WATCHER_STATE_KEY;
  }

  recall(): StoredWatcherState | undefined {
    return this.#known;
  }

  async read(): Promise<StoredWatcherState | undefined> {
    this.#known = undefined;
    const object = await this.#store.readObject(this.key);
    if (object === undefined) return undefined;
    const state = parseWatcherState(new TextDecoder().decode(object.body));
    if (state === undefined || !object.etag) {
      throw new CorruptArchiveError(
        `s3://${this.#store.bucket}/${this.key} is not a watcher state ({"watermark": ISO time}): fix or delete it`,
      );
    }
    this.#known = { state, etag: object.etag };
    return this.#known;
  }

  async write(state: WatcherState, expectedEtag: string | undefined): Promise<string | undefined> {
    const body = JSON.stringify(state);
    const written =
      expectedEtag === undefined
        ? await this.#store.putIfNoneMatch(this.key, body, {})
        : await this.#store.putIfMatch(this.key, body, {}, expectedEtag);
    if (written.outcome === 'conflict') {
      this.#known = undefined;
      return undefined;
    }
    if (written.etag === undefined) {
      // Without an ETag the next write could not be conditional: read it back instead.
      return (await this.read())?.etag;
    }
    this.#known = { state, etag: written.etag };
    return written.etag;
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A watcher state from its JSON text; undefined when it is not one. */
export function parseWatcherState(body: string | undefined): WatcherState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { watermark, updated_at: updatedAt } = parsed as Record<string, unknown>;
  if (typeof watermark !== 'string' || !ISO_TIME.test(watermark) || Number.isNaN(Date.parse(watermark))) {
    return undefined;
  }
  return {
    watermark: new Date(watermark).toISOString(),
    updated_at: typeof updatedAt === 'string' ? updatedAt : watermark,
  };
}
