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

  constructor(options: {
    store: Pick<S3ArchiveStore, 'bucket' | 'readObject' | 'putIfMatch' | 'putIfNoneMatch'>;
    key?: string;
  }) {
    this.#store = options.store;
    this.key = options.key ?? WATCHER_STATE_KEY;
  }

  async read(): Promise<StoredWatcherState | undefined> {
    const object = await this.#store.readObject(this.key);
    if (object === undefined) return undefined;
    const state = parseWatcherState(new TextDecoder().decode(object.body));
    if (state === undefined || !object.etag) {
      throw new CorruptArchiveError(
        `s3://${this.#store.bucket}/${this.key} is not a watcher state ({"watermark": ISO time}): fix or delete it`,
      );
    }
    return { state, etag: object.etag };
  }

  async write(state: WatcherState, expectedEtag: string | undefined): Promise<string | undefined> {
    const body = JSON.stringify(state);
    const written =
      expectedEtag === undefined
        ? await this.#store.putIfNoneMatch(this.key, body, {})
        : await this.#store.putIfMatch(this.key, body, {}, expectedEtag);
    if (written.outcome === 'conflict') return undefined;
    // Without an ETag the next write could not be conditional: read it back instead.
    return written.etag ?? (await this.read())?.etag;
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
