import type { IndexRecord } from '../../../lib/archive/index-record.js';
import type { ListedObject, ObjectHead, StoredObject } from '../../../lib/archive/s3-objects.js';
import type { ArchiveReader } from '../../../lib/retrieval/reader.js';

interface Version {
  readonly versionId: string;
  readonly etag: string;
  readonly body: Uint8Array;
  readonly metadata: Record<string, string>;
  readonly lastModified: Date;
}

/**
 * An in-memory versioned bucket: every put keeps the versions before it; the
 * last is the latest. `putIfMatch` is S3's conditional write; `beforeConditionalPut`
 * lets a test write in between, as a concurrent writer would.
 */
export class FakeArchive implements ArchiveReader {
  readonly bucket = 'archive';
  readonly #objects = new Map<string, Version[]>();
  /** Keys written by `putIfMatch`, in order. */
  readonly conditionalPuts: string[] = [];
  beforeConditionalPut: ((key: string) => void) | undefined;
  #clock = Date.parse('2026-01-01T00:00:00Z');
  #sequence = 0;

  /** Writes a new version of `key`; returns its version id. */
  put(key: string, body: Uint8Array | string, metadata: Record<string, string> = {}): string {
    this.#sequence += 1;
    this.#clock += 60_000;
    const version: Version = {
      versionId: `v${this.#sequence}`,
      etag: `"etag-${this.#sequence}"`,
      body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
      metadata,
      lastModified: new Date(this.#clock),
    };
    this.#objects.set(key, [...(this.#objects.get(key) ?? []), version]);
    return version.versionId;
  }

  async putIfMatch(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
    etag: string,
  ): Promise<{ outcome: 'written'; versionId: string } | { outcome: 'conflict' }> {
    const hook = this.beforeConditionalPut;
    this.beforeConditionalPut = undefined;
    hook?.(key);
    if (this.#latest(key)?.etag !== etag) return { outcome: 'conflict' };
    this.conditionalPuts.push(key);
    return { outcome: 'written', versionId: this.put(key, body, { ...metadata }) };
  }

  async putIfNoneMatch(
    key: string,
    body: string | Uint8Array,
    metadata: Readonly<Record<string, string>>,
  ): Promise<{ outcome: 'written'; versionId: string } | { outcome: 'conflict' }> {
    const hook = this.beforeConditionalPut;
    this.beforeConditionalPut = undefined;
    hook?.(key);
    if (this.#latest(key) !== undefined) return { outcome: 'conflict' };
    this.conditionalPuts.push(key);
    return { outcome: 'written', versionId: this.put(key, body, { ...metadata }) };
  }

  /** Every version of `key`, oldest first. */
  versions(
    key: string,
  ): readonly { versionId: string; body: Uint8Array; metadata: Record<string, string> }[] {
    return this.#objects.get(key) ?? [];
  }

  putIndex(index: IndexRecord): void {
    this.put(`index/rooms/${index.room_id}.json`, JSON.stringify(index), { sha256: index.sha256 });
  }

  async readIndex(roomId: string): Promise<IndexRecord | undefined> {
    const object = await this.readObject(`index/rooms/${roomId}.json`);
    return object ? (JSON.parse(new TextDecoder().decode(object.body)) as IndexRecord) : undefined;
  }

  async *listObjects(prefix: string): AsyncGenerator<readonly ListedObject[]> {
    const keys = [...this.#objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    // Two keys a page, so that paging is exercised.
    for (let start = 0; start < keys.length; start += 2) {
      yield keys.slice(start, start + 2).map((key) => {
        const latest = this.#latest(key);
        return {
          key,
          size: latest?.body.byteLength ?? 0,
          ...(latest ? { lastModified: latest.lastModified } : {}),
        };
      });
    }
  }

  async readObject(key: string, versionId?: string): Promise<StoredObject | undefined> {
    const version = this.#version(key, versionId);
    return version ? { ...headOf(key, version), body: version.body } : undefined;
  }

  async headObject(key: string, versionId?: string): Promise<ObjectHead | undefined> {
    const version = this.#version(key, versionId);
    return version ? headOf(key, version) : undefined;
  }

  #latest(key: string): Version | undefined {
    return this.#objects.get(key)?.at(-1);
  }

  #version(key: string, versionId: string | undefined): Version | undefined {
    if (versionId === undefined) return this.#latest(key);
    return this.#objects.get(key)?.find((version) => version.versionId === versionId);
  }
}

function headOf(key: string, version: Version): ObjectHead {
  return {
    key,
    metadata: version.metadata,
    versionId: version.versionId,
    size: version.body.byteLength,
    lastModified: version.lastModified,
    etag: version.etag,
  };
}
