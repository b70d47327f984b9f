import { CopyObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { AttachmentStore } from '../attachments/archive-attachments.js';
import { attachmentKey, indexKey } from '../contract/keys.js';
import { CorruptArchiveError, StorageUnavailableError } from './errors.js';
import {
  type IndexRecord,
  isUnprocessable,
  parseIndex,
  type TranscriptIndexRecord,
  type UnprocessableIndexRecord,
  withoutRedactedCopy,
} from './index-record.js';
import {
  type ContentStamp,
  copyFields,
  indexMetadata,
  isBetterRedaction,
  leftOf,
  metadataOf,
  type ObjectStamp,
  objectStampOf,
  type PutResult,
  type RecordedObject,
  recordedCopyOf,
  redactedCopyMetadata,
  redactionOfIndex,
  stampOf,
  UNPROCESSABLE_METADATA,
} from './object-stamps.js';
import {
  httpStatusOf,
  isNotFound,
  type ObjectBody,
  S3Objects,
  type S3Port,
  translateS3Error,
  versionOf,
} from './s3-objects.js';

/**
 * What a write did: `written` (new objects), `unchanged` (the archive already
 * held this content, e.g. written by a concurrent delivery of the same room),
 * or `superseded` (the archive already holds a newer answer for the room, so
 * nothing older was written over it).
 */
export type WriteOutcome = 'written' | 'unchanged' | 'superseded';

/** A room's index as read, with the entity tag a write over it is conditional on. */
export interface IndexEntry {
  readonly index: IndexRecord;
  readonly etag: string;
}

/**
 * An object made from the transcript (the redacted copy), written with the
 * raw bytes and the transcript, at once, before the index, under the same
 * conditions; the index records what the write left at its key (its version
 * and entity tag among it).
 */
export interface DerivedObject {
  readonly key: string;
  readonly body: ObjectBody;
  /** All of its metadata: the archive's own (`room-id`, `sha256`, …) and its own. */
  readonly metadata: Readonly<Record<string, string>>;
  /** What it holds, as a write compares it with what is at the key. */
  readonly content: ContentStamp;
  /** What an index records of the object (where, its entity tag, what it holds); undefined: none. */
  recorded(index: TranscriptIndexRecord): RecordedObject | undefined;
  /** The index fields that record what a write left at the key. */
  pin(left: PutResult): Partial<TranscriptIndexRecord>;
}

/** One room's archive: the objects and the index that points at them. */
export interface ArchiveEntry {
  readonly index: TranscriptIndexRecord;
  /** The exact bytes HappyTalk returned. */
  readonly raw: Uint8Array;
  /**
   * The transcript as one line of JSON: UTF-8 bytes, a string, or its parts
   * produced as they are uploaded (`transcriptLineParts`).
   */
  readonly transcriptLine: ObjectBody;
  /**
   * The room has no index yet: write each object as new (`If-None-Match: *`)
   * before reading it, which saves a round trip per object on a first archive;
   * a 412 falls back to reading the key and deciding as usual.
   */
  readonly expectNew?: boolean;
  /**
   * The index this write replaces, as read: the objects it points at are
   * taken to be what it says (their entity tags, SHA-256, fetch time), and are
   * written over with `If-Match` without reading them first; a write that
   * finds them changed falls back to reading the key and deciding as usual.
   */
  readonly basis?: IndexEntry;
  /**
   * The transcript's redacted copy, written beside it (a {@link DerivedObject}:
   * in the same concurrent group, before the index, by the same rules), or why
   * there is none now (`pending`, recorded in the index). Absent: redacted
   * copies are off.
   */
  readonly redaction?: RedactionEntry;
}

/** A redacted copy to write. */
export interface RedactedCopyEntry {
  /** `redacted/year=…/<room_id>.json`. */
  readonly key: string;
  /** The redacted transcript, one JSON line. */
  readonly line: string | Uint8Array;
  /** Hex SHA-256 of `line`. */
  readonly sha256: string;
  readonly redactorVersion: string;
  /** The pseudonym key's public fingerprint. */
  readonly keyId: string;
}

/** A redacted copy to write, or why it is pending. */
export type RedactionEntry = RedactedCopyEntry | { readonly pending: string };

/** An answer that could not be normalized: its raw bytes, and the index that marks it. */
export interface UnprocessableEntry {
  readonly index: UnprocessableIndexRecord;
  readonly raw: Uint8Array;
  /** The room has no index yet (see {@link ArchiveEntry.expectNew}). */
  readonly expectNew?: boolean;
  /** The index this write replaces, as read (see {@link ArchiveEntry.basis}). */
  readonly basis?: IndexEntry;
}

/** The port the use case writes through. */
export interface ArchiveStore {
  readIndex(roomId: string): Promise<IndexRecord | undefined>;
  /** The index with its entity tag, for a write that starts from it (see {@link ArchiveEntry.basis}). */
  readIndexEntry?(roomId: string): Promise<IndexEntry | undefined>;
  write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }>;
  writeUnprocessable(entry: UnprocessableEntry): Promise<{ outcome: WriteOutcome; index: IndexRecord }>;
  /** The transcript the index points at; undefined without an index or a transcript (unprocessable). */
  readTranscript(roomId: string): Promise<{ index: TranscriptIndexRecord; body: string } | undefined>;
  readRaw(roomId: string): Promise<{ index: IndexRecord; body: Uint8Array } | undefined>;
  /**
   * Writes the redacted copy of the transcript an index already points at,
   * then the index that records it (the transcript and the raw bytes are not
   * written again): a copy left pending, or missing, completed. `basis`: the
   * index as read, with its entity tag (see {@link ArchiveEntry.basis}).
   */
  writeRedacted(
    index: TranscriptIndexRecord,
    copy: RedactedCopyEntry,
    basis?: IndexEntry,
  ): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }>;
}

/**
 * The archive in one S3 bucket. The raw bytes, the transcript and its
 * redacted copy are written first and the index last, so the index never
 * points at objects that are not there. Encryption and retention are the
 * bucket's defaults (SSE-KMS, Object Lock).
 *
 * Every write is conditional (`If-None-Match: *` for a new key, `If-Match` with
 * the ETag the index recorded or just read otherwise), so duplicate and
 * concurrent deliveries of one room leave one version per distinct content,
 * and an older answer from HappyTalk never overwrites a newer one (objects
 * carry the answer's time as `fetched-at` metadata). A lost race (412, 409)
 * re-reads and decides again.
 */
export class S3ArchiveStore extends S3Objects implements ArchiveStore, AttachmentStore {
  readonly #maxConflicts: number;
  readonly #now: () => Date;

  /** @param options.now the clock that decides whether an attachment is linked on a later day (tests) */
  constructor(options: { client: S3Port; bucket: string; maxConflicts?: number; now?: () => Date }) {
    super(options);
    this.#maxConflicts = options.maxConflicts ?? 5;
    this.#now = options.now ?? (() => new Date());
  }

  async readIndex(roomId: string): Promise<IndexRecord | undefined> {
    const key = indexKey(roomId);
    const body = await this.getText(key);
    if (body === undefined) return undefined;
    return parseIndex(body, key);
  }

  async readIndexEntry(roomId: string): Promise<IndexEntry | undefined> {
    const key = indexKey(roomId);
    const object = await this.readObject(key);
    if (object === undefined) return undefined;
    const index = parseIndex(new TextDecoder().decode(object.body), key);
    return object.etag === undefined ? { index, etag: '' } : { index, etag: object.etag };
  }

  /**
   * Writes the room's objects (raw bytes, transcript and its redacted copy,
   * at once), then its index. A transcript (and an index) with the same
   * SHA-256 as the stored one is still written when it has fewer
   * `attachments_pending` (`attachments-pending` metadata): a retried
   * attachment step that archived more of the room's images. The index pins
   * every object's version and entity tag.
   *
   * @throws StorageAccessError, StorageUnavailableError; what producing the transcript's parts throws, as it is
   */
  async write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }> {
    const { index, basis, redaction } = entry;
    const {
      attachments_pending: _pending,
      raw_version_id: _rawVersion,
      raw_etag: _rawEtag,
      transcript_version_id: _transcriptVersion,
      transcript_etag: _transcriptEtag,
      ...unpinned
    } = withoutRedactedCopy(index);
    const pending = index.attachments_pending ?? 0;
    const guess = firstGuesses(basis, entry.expectNew === true, index);
    const derived =
      redaction && !('pending' in redaction) ? [redactedCopyObject(index, redaction, pending)] : [];
    const [raw, transcript, others] = await Promise.all([
      this.#putNewest(index.raw_key, entry.raw, metadataOf(index), stampOf(index, 0), guess.raw),
      this.#putNewest(
        index.transcript_key,
        entry.transcriptLine,
        metadataOf(index, pending),
        stampOf(index, pending),
        guess.transcript,
      ),
      Promise.all(
        derived.map((object) =>
          this.#putNewest(object.key, object.body, object.metadata, object.content, guess.derived(object)),
        ),
      ),
    ]);
    if ([raw, transcript, ...others].some((put) => put.outcome === 'superseded')) {
      return { outcome: 'superseded', index };
    }
    // The index tells what the objects it points at hold, whoever wrote them.
    const pinned: TranscriptIndexRecord = {
      ...unpinned,
      ...(raw.versionId ? { raw_version_id: raw.versionId } : {}),
      ...(raw.etag ? { raw_etag: raw.etag } : {}),
      ...(transcript.versionId ? { transcript_version_id: transcript.versionId } : {}),
      ...(transcript.etag ? { transcript_etag: transcript.etag } : {}),
      ...(transcript.pending > 0 ? { attachments_pending: transcript.pending } : {}),
      ...Object.assign({}, ...derived.map((object, position) => object.pin(others[position] as PutResult))),
      ...(redaction && 'pending' in redaction ? { redaction_pending: redaction.pending } : {}),
    };
    const written = await this.#putIndex(pinned, transcript.pending, guess.index);
    if (written.outcome === 'superseded') return { outcome: 'superseded', index };
    const outcome = written.outcome === 'unchanged' && raw.outcome === 'unchanged' ? 'unchanged' : 'written';
    return { outcome, index: pinned };
  }

  async writeRedacted(
    index: TranscriptIndexRecord,
    copy: RedactedCopyEntry,
    basis?: IndexEntry,
  ): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }> {
    const pending = index.attachments_pending ?? 0;
    const guess = firstGuesses(basis, false, index);
    const object = redactedCopyObject(index, copy, pending);
    const redacted = await this.#putNewest(
      object.key,
      object.body,
      object.metadata,
      object.content,
      guess.derived(object),
    );
    if (redacted.outcome === 'superseded') return { outcome: 'superseded', index };
    const pinned: TranscriptIndexRecord = { ...withoutRedactedCopy(index), ...object.pin(redacted) };
    const written = await this.#putIndex(pinned, pending, guess.index);
    if (written.outcome === 'superseded') return { outcome: 'superseded', index };
    const outcome =
      written.outcome === 'unchanged' && redacted.outcome === 'unchanged' ? 'unchanged' : 'written';
    return { outcome, index: pinned };
  }

  /** The index, last: it records what the objects it points at hold (the redacted copy's redactor too). */
  #putIndex(pinned: TranscriptIndexRecord, pending: number, guess: FirstGuess): Promise<PutResult> {
    const redaction = redactionOfIndex(pinned);
    return this.#putNewest(
      indexKey(pinned.room_id),
      JSON.stringify(pinned),
      indexMetadata(metadataOf(pinned, pending), pinned),
      { ...stampOf(pinned, pending), ...(redaction ? { redaction } : {}) },
      guess,
    );
  }

  /**
   * Writes the raw bytes of an answer that could not be normalized, then an
   * index that marks it `unprocessable` (no transcript is written). The index
   * of a transcript of the same answer is never replaced by it, and it gives
   * way to one: archiving the same answer once it can be normalized rewrites
   * the index (the index object carries `unprocessable` metadata for that).
   */
  async writeUnprocessable(
    entry: UnprocessableEntry,
  ): Promise<{ outcome: WriteOutcome; index: IndexRecord }> {
    const { index } = entry;
    const guess = firstGuesses(entry.basis, entry.expectNew === true, index);
    const stamp: ContentStamp = {
      sha256: index.sha256,
      fetchedAt: index.fetched_at,
      pending: 0,
      unprocessable: false,
    };
    const metadata = { 'room-id': index.room_id, sha256: index.sha256, 'fetched-at': index.fetched_at };
    const raw = await this.#putNewest(index.raw_key, entry.raw, metadata, stamp, guess.raw);
    if (raw.outcome === 'superseded') return { outcome: 'superseded', index };
    const { raw_version_id: _version, raw_etag: _etag, ...unpinned } = index;
    const pinned: UnprocessableIndexRecord = {
      ...unpinned,
      ...(raw.versionId ? { raw_version_id: raw.versionId } : {}),
      ...(raw.etag ? { raw_etag: raw.etag } : {}),
    };
    const written = await this.#putNewest(
      indexKey(index.room_id),
      JSON.stringify(pinned),
      { ...metadata, [UNPROCESSABLE_METADATA]: 'true' },
      { ...stamp, unprocessable: true },
      guess.index,
    );
    if (written.outcome === 'superseded') return { outcome: 'superseded', index };
    const outcome = written.outcome === 'unchanged' && raw.outcome === 'unchanged' ? 'unchanged' : 'written';
    return { outcome, index: pinned };
  }

  /**
   * Writes content-addressed attachment bytes at `attachments/<sha256>` with
   * `If-None-Match: *`: written once, and a 412 means the object is already
   * there (`exists`). The object carries its `ContentType` and the metadata
   * `sha256` and `content-type`, nothing else (no URL).
   *
   * An image already archived is kept at least as long as the transcript that
   * links it now: when its current version was written on an earlier UTC day,
   * it is copied onto itself (`extended`; see `#keepAttachment`).
   *
   * @throws StorageAccessError, StorageUnavailableError
   */
  async writeAttachment(attachment: {
    sha256: string;
    body: Uint8Array;
    contentType: string;
  }): Promise<{ key: string; outcome: 'written' | 'exists' | 'extended' }> {
    const key = attachmentKey(attachment.sha256);
    for (let attempt = 1; attempt <= this.#maxConflicts; attempt++) {
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: attachment.body,
            ContentType: attachment.contentType,
            Metadata: { sha256: attachment.sha256, 'content-type': attachment.contentType },
            IfNoneMatch: '*',
          }),
        );
        return { key, outcome: 'written' };
      } catch (error) {
        const status = httpStatusOf(error);
        if (status === 412 || (error instanceof Error && error.name === 'PreconditionFailed')) {
          const kept = await this.#keepAttachment(key, attachment);
          // Gone between the write and the read (an expiry's delete marker): write it again.
          if (kept !== 'missing') return { key, outcome: kept };
          continue;
        }
        // 409: a concurrent write of the same key is in flight; the next attempt sees it done (412).
        if (status !== 409) throw translateS3Error(error, `write s3://${this.bucket}/${key}`);
      }
    }
    throw new StorageUnavailableError(
      `cannot write s3://${this.bucket}/${key}: ${this.#maxConflicts} conflicting writes in a row`,
    );
  }

  /**
   * Keeps an attachment that a new transcript links at least as long as that
   * transcript. Every version is locked by the bucket's default retention from
   * its creation, and the lifecycle expires the current version that long after
   * its creation, so an image stored once would expire with the first
   * transcript that linked it. When the current version was written on an
   * earlier UTC day than today, a copy onto itself starts a new version: locked
   * for the whole default retention from now, and the lifecycle's clock starts
   * again (S3 Lifecycle counts whole days from creation, rounded to the next
   * midnight UTC, so a copy a day is as long as any transcript of that day).
   * The older version stays locked until its own date, then expires as
   * noncurrent. A copy needs no permission beyond reading and writing
   * `attachments/`, and works in GOVERNANCE and COMPLIANCE mode alike (AWS S3
   * User Guide, "Object Lock considerations" and "Locking objects with Object
   * Lock": default retention applies to every new object version; a retention
   * can be extended, never shortened; Lifecycle never deletes a locked version).
   */
  async #keepAttachment(
    key: string,
    attachment: { sha256: string; contentType: string },
  ): Promise<'exists' | 'extended' | 'missing'> {
    let head: { lastModified?: Date; contentType?: string; etag?: string };
    try {
      const output = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      head = {
        ...(output.LastModified ? { lastModified: output.LastModified } : {}),
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
        ...(output.ETag ? { etag: output.ETag } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return 'missing';
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
    const today = utcDay(this.#now());
    if (head.lastModified !== undefined && utcDay(head.lastModified) >= today) return 'exists';
    try {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: `${this.bucket}/${key}`,
          // S3 refuses to copy an object onto itself unchanged: the new metadata says when and why.
          MetadataDirective: 'REPLACE',
          ContentType: head.contentType ?? attachment.contentType,
          Metadata: {
            sha256: attachment.sha256,
            'content-type': head.contentType ?? attachment.contentType,
            'linked-at': today,
          },
          ...(head.etag ? { CopySourceIfMatch: head.etag } : {}),
        }),
      );
    } catch (error) {
      // Someone copied or rewrote it since the read: a version of today's is there.
      if (httpStatusOf(error) === 412 || (error instanceof Error && error.name === 'PreconditionFailed')) {
        return 'exists';
      }
      throw translateS3Error(error, `copy s3://${this.bucket}/${key}`);
    }
    return 'extended';
  }

  /**
   * Writes `body` at `key` unless the object there already holds this content
   * (`unchanged`: the same SHA-256, with no more attachments pending, and no
   * older redaction) or a newer one (`superseded`), with a conditional PUT that
   * fails if someone else wrote the key since it was read. What the result
   * tells (`pending`, the redaction) is what the object left holds. The first
   * attempt starts from `guess` (absent, or what an index read just now says
   * is there) without reading the key; a write that finds the key changed
   * reads it and decides again.
   */
  async #putNewest(
    key: string,
    body: ObjectBody,
    metadata: Record<string, string>,
    content: ContentStamp,
    guess: FirstGuess,
  ): Promise<PutResult> {
    for (let attempt = 1; attempt <= this.#maxConflicts; attempt++) {
      const current = attempt === 1 && guess !== 'read' ? guess.current : await this.#head(key);
      if (current?.sha256 === content.sha256) {
        // A transcript of an answer is better than none; the same answer with fewer attachments
        // missing is better, and so, attachments alike, is one with a redacted copy of a newer
        // redactor (or another pseudonym key); each is written whenever the answer was fetched.
        const better =
          (current.unprocessable && !content.unprocessable) ||
          (!content.unprocessable && content.pending < current.pending) ||
          (!content.unprocessable &&
            content.pending === current.pending &&
            isBetterRedaction(current.redaction, content.redaction));
        if (!better) {
          return {
            outcome: 'unchanged',
            ...versionOf(current),
            ...(current.etag ? { etag: current.etag } : {}),
            ...leftOf(current),
          };
        }
      } else if (current?.fetchedAt && current.fetchedAt > content.fetchedAt) {
        return { outcome: 'superseded', pending: current.pending };
      }
      const written = await this.conditionalPut(
        key,
        body,
        metadata,
        current ? { IfMatch: current.etag } : { IfNoneMatch: '*' },
      );
      if (written) return { outcome: 'written', ...written, ...leftOf(content) };
    }
    throw new StorageUnavailableError(
      `cannot write s3://${this.bucket}/${key}: ${this.#maxConflicts} conflicting writes in a row`,
    );
  }

  async #head(key: string): Promise<ObjectStamp | undefined> {
    try {
      return objectStampOf(await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateS3Error(error, `read s3://${this.bucket}/${key}`);
    }
  }

  async readTranscript(roomId: string): Promise<{ index: TranscriptIndexRecord; body: string } | undefined> {
    const index = await this.readIndex(roomId);
    if (!index || isUnprocessable(index)) return undefined;
    const body = await this.getText(index.transcript_key, index.transcript_version_id);
    if (body === undefined) {
      throw new CorruptArchiveError(
        `index of room ${roomId} points at ${index.transcript_key}, which is missing`,
      );
    }
    return { index, body };
  }

  async readRaw(roomId: string): Promise<{ index: IndexRecord; body: Uint8Array } | undefined> {
    const index = await this.readIndex(roomId);
    if (!index) return undefined;
    const output = await this.get(index.raw_key, index.raw_version_id);
    if (!output?.Body) {
      throw new CorruptArchiveError(`index of room ${roomId} points at ${index.raw_key}, which is missing`);
    }
    return { index, body: await output.Body.transformToByteArray() };
  }
}

/** The redacted copy, beside the transcript it was made from (same answer, same attachments). */
function redactedCopyObject(
  index: TranscriptIndexRecord,
  copy: RedactedCopyEntry,
  pending: number,
): DerivedObject {
  return {
    key: copy.key,
    body: copy.line,
    metadata: redactedCopyMetadata(metadataOf(index, pending), copy),
    content: {
      ...stampOf(index, pending),
      redaction: { version: copy.redactorVersion, keyId: copy.keyId },
      bodySha256: copy.sha256,
    },
    recorded: recordedCopyOf,
    pin: (left) => copyFields(copy.key, left),
  };
}

/**
 * Where a write's first attempt starts: `read` the key first, or from what is
 * taken to be there (`current`: undefined for a key taken to be absent).
 */
type FirstGuess = 'read' | { readonly current: ObjectStamp | undefined };

/**
 * Where each object's first write starts. A room without an index (`expectNew`)
 * has none of its objects; a room whose index was just read has what it says:
 * the index object itself, each object it pins at the key written now with its
 * entity tag, and no derived object it does not record (a 412 says otherwise,
 * and the key is then read); anything else is read first.
 */
function firstGuesses(
  basis: IndexEntry | undefined,
  expectNew: boolean,
  next: IndexRecord,
): {
  raw: FirstGuess;
  transcript: FirstGuess;
  index: FirstGuess;
  derived: (object: DerivedObject) => FirstGuess;
} {
  const absent = { current: undefined };
  if (expectNew) {
    return { raw: absent, transcript: absent, index: absent, derived: () => absent };
  }
  if (basis === undefined || basis.etag === '') {
    return { raw: 'read', transcript: 'read', index: 'read', derived: () => 'read' };
  }
  const previous = basis.index;
  const content = {
    sha256: previous.sha256,
    fetchedAt: previous.fetched_at ?? previous.archived_at,
    unprocessable: false,
  };
  const pinned = (
    key: string | null,
    at: string,
    etag: string | undefined,
    versionId: string | undefined,
    pending: number,
  ): FirstGuess =>
    key === at && etag !== undefined && etag !== ''
      ? { current: { ...content, etag, pending, ...(versionId !== undefined ? { versionId } : {}) } }
      : 'read';
  const transcriptPending = isUnprocessable(previous) ? 0 : (previous.attachments_pending ?? 0);
  const indexRedaction = isUnprocessable(previous) ? undefined : redactionOfIndex(previous);
  return {
    raw: pinned(previous.raw_key, next.raw_key, previous.raw_etag, previous.raw_version_id, 0),
    transcript:
      isUnprocessable(previous) || isUnprocessable(next)
        ? 'read'
        : pinned(
            previous.transcript_key,
            next.transcript_key,
            previous.transcript_etag,
            previous.transcript_version_id,
            transcriptPending,
          ),
    index: {
      current: {
        ...content,
        etag: basis.etag,
        pending: transcriptPending,
        unprocessable: isUnprocessable(previous),
        ...(indexRedaction ? { redaction: indexRedaction } : {}),
      },
    },
    derived: (object) => {
      const recorded = isUnprocessable(previous) ? undefined : object.recorded(previous);
      if (recorded === undefined || recorded.key !== object.key) return absent;
      if (recorded.etag === undefined || recorded.etag === '') return 'read';
      return {
        current: {
          ...content,
          etag: recorded.etag,
          pending: transcriptPending,
          ...(recorded.versionId !== undefined ? { versionId: recorded.versionId } : {}),
          ...(recorded.redaction ? { redaction: recorded.redaction } : {}),
          ...(recorded.bodySha256 ? { bodySha256: recorded.bodySha256 } : {}),
        },
      };
    },
  };
}

/** `YYYY-MM-DD` of a time, in UTC: the granularity of S3 Lifecycle. */
function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

export { indexMetadata, redactedCopyMetadata, redactedSha256Of } from './object-stamps.js';
