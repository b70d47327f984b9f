import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../../lib/shared/hash.js';

/** One version of an object (or a delete marker), as the local S3 keeps it on disk. */
export interface VersionRecord {
  readonly key: string;
  readonly versionId: string;
  readonly sequence: number;
  readonly deleteMarker: boolean;
  readonly etag?: string;
  readonly size?: number;
  readonly lastModified: string;
  readonly contentType?: string;
  /** The `x-amz-meta-*` headers, by their full lowercase names. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Every version of the bucket's objects, on disk (one folder per key, a JSON
 * record and the bytes of each version), with an index in memory.
 */
export class VersionStore {
  readonly #directory: string;
  readonly #byKey = new Map<string, VersionRecord[]>();
  #sequence = 0;

  private constructor(directory: string) {
    this.#directory = directory;
  }

  static async open(directory: string): Promise<VersionStore> {
    const store = new VersionStore(directory);
    await mkdir(directory, { recursive: true });
    for (const keyDirectory of await readdir(directory)) {
      for (const file of await readdir(join(directory, keyDirectory))) {
        if (!file.endsWith('.json')) continue;
        const record = JSON.parse(
          await readFile(join(directory, keyDirectory, file), 'utf8'),
        ) as VersionRecord;
        store.#remember(record);
      }
    }
    for (const records of store.#byKey.values()) records.sort((a, b) => a.sequence - b.sequence);
    return store;
  }

  /** The versions of `key`, oldest first. */
  versionsOf(key: string): readonly VersionRecord[] {
    return this.#byKey.get(key) ?? [];
  }

  keys(): string[] {
    return [...this.#byKey.keys()].sort();
  }

  latest(key: string): VersionRecord | undefined {
    return this.versionsOf(key).at(-1);
  }

  find(key: string, versionId: string): VersionRecord | undefined {
    return this.versionsOf(key).find((record) => record.versionId === versionId);
  }

  async add(
    key: string,
    body: Buffer | undefined,
    fields: Omit<VersionRecord, 'key' | 'versionId' | 'sequence' | 'lastModified'>,
  ): Promise<VersionRecord> {
    this.#sequence += 1;
    const record: VersionRecord = {
      key,
      versionId: randomBytes(24).toString('base64url'),
      sequence: this.#sequence,
      lastModified: new Date().toISOString(),
      ...fields,
    };
    const folder = join(this.#directory, keyFolder(key));
    await mkdir(folder, { recursive: true });
    if (body !== undefined) await writeFile(join(folder, `${fileStem(record)}.body`), body);
    await writeFile(join(folder, `${fileStem(record)}.json`), JSON.stringify(record));
    this.#remember(record);
    return record;
  }

  async body(record: VersionRecord): Promise<Buffer> {
    return readFile(join(this.#directory, keyFolder(record.key), `${fileStem(record)}.body`));
  }

  async remove(record: VersionRecord): Promise<void> {
    const folder = join(this.#directory, keyFolder(record.key));
    await rm(join(folder, `${fileStem(record)}.json`), { force: true });
    await rm(join(folder, `${fileStem(record)}.body`), { force: true });
    const remaining = this.versionsOf(record.key).filter((other) => other !== record);
    if (remaining.length > 0) this.#byKey.set(record.key, remaining);
    else this.#byKey.delete(record.key);
  }

  #remember(record: VersionRecord): void {
    this.#sequence = Math.max(this.#sequence, record.sequence);
    this.#byKey.set(record.key, [...this.versionsOf(record.key), record]);
  }
}

function keyFolder(key: string): string {
  return sha256Hex(key);
}

function fileStem(record: VersionRecord): string {
  return `${String(record.sequence).padStart(12, '0')}-${record.versionId}`;
}
