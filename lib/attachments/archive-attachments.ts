import PQueue from 'p-queue';
import { ATTACHMENT_DEFAULTS } from '../contract/environment.js';
import { ArchiveError, ConfigurationError } from '../errors.js';
import type { Attachment, Message, Transcript } from '../transcript/schema.js';
import type { DownloadedAttachment } from './download.js';
import { AttachmentError } from './errors.js';
import { ATTACHMENT_WARNING_PREFIX, imageNotLinked, isAttachmentWarning } from './warnings.js';

/** Where attachments are written: content-addressed, once. */
export interface AttachmentStore {
  /**
   * Writes the bytes at `attachments/<sha256>` unless an object is already
   * there (`exists`), in which case it is kept at least as long as the
   * transcript that links it now (`extended` when that took a new version).
   */
  writeAttachment(attachment: {
    sha256: string;
    body: Uint8Array;
    contentType: string;
  }): Promise<{ key: string; outcome: 'written' | 'exists' | 'extended' }>;
}

/** Where attachments come from: an {@link AttachmentDownloader} or a fake. */
export interface AttachmentSource {
  download(url: string, options?: { signal?: AbortSignal }): Promise<DownloadedAttachment>;
}

export interface AttachmentArchiverOptions {
  readonly source: AttachmentSource;
  readonly store: AttachmentStore;
  /** Distinct image URLs downloaded per call; default 50. */
  readonly maxPerRoom?: number;
  /** Downloads at once; default 4. */
  readonly concurrency?: number;
  /** Time for the whole call, in ms: downloads not done by then are left for the next archive; default 15 s. */
  readonly budgetMs?: number;
}

/** What one attachment step did. */
export interface AttachmentStepResult {
  /** Messages linked to an archived attachment by this step. */
  readonly linked: number;
  /** Messages whose image is still not archived, each named by a warning: retried at the next archive. */
  readonly pending: number;
  /** Why, per warning: its path and reason (no URL), for logs. */
  readonly failures: readonly { path: string; reason: string }[];
}

type Outcome = { ok: true; attachment: Attachment } | { ok: false; reason: string };

/**
 * The attachment step of an archive: downloads the image of each message that
 * has an `image_url` (an image message's contents, or a button's or template's
 * `image_url`) and is not linked yet, writes it content-addressed, and links it
 * from the message as `attachments: [{url, key, sha256, content_type, bytes}]`.
 *
 * It never throws for an attachment: one that fails gets a warning
 * `{path: "message[i].contents" (or "….contents.image_url"), value: url,
 * reason: "attachment not archived: <why>"}` (`i` is the message's index in the
 * raw response), and the next archive of the room tries again. The warnings of
 * an earlier step are replaced. Each distinct URL is downloaded once, at most
 * `maxPerRoom` per call, `concurrency` at a time, within `budgetMs`.
 */
export class AttachmentArchiver {
  readonly #source: AttachmentSource;
  readonly #store: AttachmentStore;
  readonly #maxPerRoom: number;
  readonly #concurrency: number;
  readonly #budgetMs: number;

  /** @throws ConfigurationError naming the option that is out of range */
  constructor(options: AttachmentArchiverOptions) {
    this.#source = options.source;
    this.#store = options.store;
    this.#maxPerRoom = positiveInteger('maxPerRoom', options.maxPerRoom ?? ATTACHMENT_DEFAULTS.maxPerRoom);
    this.#concurrency = positiveInteger(
      'concurrency',
      options.concurrency ?? ATTACHMENT_DEFAULTS.concurrency,
    );
    this.#budgetMs = positiveInteger('budgetMs', options.budgetMs ?? ATTACHMENT_DEFAULTS.budgetMs);
  }

  /**
   * Runs the step on `transcript`, in place: links attachments and replaces
   * the attachment warnings. Only `messages[].attachments` and those warnings
   * change.
   *
   * @param rawMessages the raw response's `message` array, for the warnings' paths
   */
  async archive(transcript: Transcript, rawMessages: readonly unknown[]): Promise<AttachmentStepResult> {
    transcript.warnings = transcript.warnings.filter((warning) => !isAttachmentWarning(warning));
    const waiting = transcript.messages.filter(imageNotLinked);
    const urls = [...new Set(waiting.map((message) => message.image_url))];
    const outcomes = await this.#archiveUrls(urls.slice(0, this.#maxPerRoom));
    const rawIndex = rawIndexById(rawMessages);
    const failures: { path: string; reason: string }[] = [];
    let linked = 0;
    for (const message of waiting) {
      const outcome: Outcome = outcomes.get(message.image_url) ?? {
        ok: false,
        reason: `more than ${this.#maxPerRoom} images in the room; left for the next archive`,
      };
      if (outcome.ok) {
        message.attachments = [...(message.attachments ?? []), outcome.attachment];
        linked += 1;
        continue;
      }
      const path = attachmentWarningPath(message, rawIndex);
      transcript.warnings.push({
        path,
        value: message.image_url,
        reason: `${ATTACHMENT_WARNING_PREFIX}${outcome.reason}`,
      });
      failures.push({ path, reason: outcome.reason });
    }
    return { linked, pending: failures.length, failures };
  }

  async #archiveUrls(urls: readonly string[]): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    if (urls.length === 0) return outcomes;
    const budget = AbortSignal.timeout(this.#budgetMs);
    const queue = new PQueue({ concurrency: this.#concurrency });
    await queue.addAll(
      urls.map((url) => async () => {
        outcomes.set(url, await this.#archiveUrl(url, budget));
      }),
    );
    return outcomes;
  }

  async #archiveUrl(url: string, budget: AbortSignal): Promise<Outcome> {
    const exhausted: Outcome = { ok: false, reason: 'time budget of the attachment step exhausted' };
    if (budget.aborted) return exhausted;
    let downloaded: DownloadedAttachment;
    try {
      downloaded = await this.#source.download(url, { signal: budget });
    } catch (error) {
      if (budget.aborted) return exhausted;
      return { ok: false, reason: error instanceof AttachmentError ? error.message : 'unexpected error' };
    }
    try {
      const { key } = await this.#store.writeAttachment({
        sha256: downloaded.sha256,
        body: downloaded.bytes,
        contentType: downloaded.contentType,
      });
      return {
        ok: true,
        attachment: {
          url,
          key,
          sha256: downloaded.sha256,
          content_type: downloaded.contentType,
          bytes: downloaded.bytes.byteLength,
        },
      };
    } catch (error) {
      return {
        ok: false,
        reason: `storage failed${error instanceof ArchiveError ? ` (${error.code})` : ''}`,
      };
    }
  }
}

/** Each message id's index in the raw `message` array (its first occurrence, as the normalizer keeps). */
export function rawIndexById(rawMessages: readonly unknown[]): Map<string, number> {
  const indexes = new Map<string, number>();
  rawMessages.forEach((record, index) => {
    if (typeof record !== 'object' || record === null) return;
    const id = String((record as { id?: unknown }).id);
    if (!indexes.has(id)) indexes.set(id, index);
  });
  return indexes;
}

/**
 * Where the warning about a message's attachment points: `message[i].contents`
 * for an image message, `message[i].contents.image_url` for a button or
 * template (`i` the message's index in the raw response, `?` when unknown).
 */
export function attachmentWarningPath(message: Message, rawIndex: ReadonlyMap<string, number>): string {
  const index = rawIndex.get(message.id);
  const contents = index === undefined ? `message[?].contents` : `message[${index}].contents`;
  return message.content_type?.name === 'image' ? contents : `${contents}.image_url`;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a positive integer, received ${value}`);
  }
  return value;
}
