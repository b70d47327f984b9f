import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../../../lib/archive/errors.js';
import {
  AttachmentArchiver,
  type AttachmentSource,
  type AttachmentStore,
} from '../../../lib/attachments/archive-attachments.js';
import type { DownloadedAttachment } from '../../../lib/attachments/download.js';
import { AttachmentDownloadError, AttachmentRefusedError } from '../../../lib/attachments/errors.js';
import { attachmentStepNeeded } from '../../../lib/attachments/warnings.js';
import type { RawMessage } from '../../../lib/happytalk/schema.js';
import { normalizeRoom } from '../../../lib/transcript/normalize.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { rawMessage, rawRoom } from '../transcript/builders.js';

const SOURCE = {
  endpoint: 'https://customer.happytalk.io/x',
  fetchedAt: new Date(0),
  sha256: 'f'.repeat(64),
};
const url = (name: string) => `https://static.happytalk.io/data/chat_data/2022_05_26/${name}.png`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Serves bytes per URL, or throws the error set for it; records what was asked. */
class FakeSource implements AttachmentSource {
  readonly requested: string[] = [];
  readonly failures = new Map<string, Error>();
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;

  async download(target: string, options: { signal?: AbortSignal } = {}): Promise<DownloadedAttachment> {
    this.requested.push(target);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, this.delayMs);
          options.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new AttachmentDownloadError('aborted'));
          });
        });
      }
      const failure = this.failures.get(target);
      if (failure) throw failure;
      const bytes = Buffer.from(`bytes of ${target}`);
      return { bytes, sha256: sha256(bytes), contentType: 'image/png', redirects: 0 };
    } finally {
      this.inFlight -= 1;
    }
  }
}

class MemoryAttachmentStore implements AttachmentStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();
  failure: Error | undefined;

  async writeAttachment(attachment: { sha256: string; body: Uint8Array; contentType: string }) {
    if (this.failure) throw this.failure;
    const key = `attachments/${attachment.sha256}`;
    const outcome = this.objects.has(key) ? ('exists' as const) : ('written' as const);
    this.objects.set(key, { body: attachment.body, contentType: attachment.contentType });
    return { key, outcome };
  }
}

function transcriptOf(messages: RawMessage[]): Transcript {
  return normalizeRoom(rawRoom({ message: messages }), SOURCE);
}

const imageMessage = (id: string, name: string, sent: string) =>
  rawMessage({ id, contents_type: 'image', contents: url(name), send_date: sent });
const buttonMessage = (id: string, imageUrl: string, sent: string) =>
  rawMessage({
    id,
    user_type: 'B',
    contents_type: 'nomal',
    contents: JSON.stringify({
      text: '메뉴',
      link: { name: ['a'], url: ['https://shop.example/a'] },
      image_url: imageUrl,
    }),
    send_date: sent,
  });

describe('AttachmentArchiver', () => {
  it('links each image to its archived copy and changes nothing else', async () => {
    // Prepare
    const raw = [
      rawMessage({ id: '1', send_date: '2022-05-26 10:30:00' }),
      imageMessage('2', 'a', '2022-05-26 10:30:01'),
      buttonMessage('3', url('b'), '2022-05-26 10:30:02'),
    ];
    const transcript = transcriptOf(raw);
    const before = structuredClone(transcript);
    const source = new FakeSource();
    const store = new MemoryAttachmentStore();

    // Act
    const result = await new AttachmentArchiver({ source, store }).archive(transcript, raw);

    // Assess
    expect(result).toEqual({ linked: 2, pending: 0, failures: [] });
    const a = Buffer.from(`bytes of ${url('a')}`);
    const b = Buffer.from(`bytes of ${url('b')}`);
    expect(transcript.messages.map((message) => message.attachments)).toEqual([
      undefined,
      [
        {
          url: url('a'),
          key: `attachments/${sha256(a)}`,
          sha256: sha256(a),
          content_type: 'image/png',
          bytes: a.length,
        },
      ],
      [
        {
          url: url('b'),
          key: `attachments/${sha256(b)}`,
          sha256: sha256(b),
          content_type: 'image/png',
          bytes: b.length,
        },
      ],
    ]);
    const { messages, ...rest } = transcript;
    const { messages: messagesBefore, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(messages.map(({ attachments: _, ...message }) => message)).toEqual(messagesBefore);
    expect([...store.objects.keys()].sort()).toEqual(
      [`attachments/${sha256(a)}`, `attachments/${sha256(b)}`].sort(),
    );
  });

  it('names each failure in a warning whose path is the raw message, and counts it pending', async () => {
    // Prepare: raw order differs from the transcript's (sorted by sent_at).
    const raw = [
      buttonMessage('30', url('refused'), '2022-05-26 10:30:09'),
      imageMessage('10', 'missing', '2022-05-26 10:30:01'),
      imageMessage('20', 'fine', '2022-05-26 10:30:02'),
    ];
    const transcript = transcriptOf(raw);
    const source = new FakeSource();
    source.failures.set(url('missing'), new AttachmentDownloadError('HTTP 404'));
    source.failures.set(url('refused'), new AttachmentRefusedError('address not allowed (private)'));

    // Act
    const result = await new AttachmentArchiver({ source, store: new MemoryAttachmentStore() }).archive(
      transcript,
      raw,
    );

    // Assess
    expect(result).toEqual({
      linked: 1,
      pending: 2,
      failures: [
        { path: 'message[1].contents', reason: 'HTTP 404' },
        { path: 'message[0].contents.image_url', reason: 'address not allowed (private)' },
      ],
    });
    expect(transcript.warnings).toEqual([
      { path: 'message[1].contents', value: url('missing'), reason: 'attachment not archived: HTTP 404' },
      {
        path: 'message[0].contents.image_url',
        value: url('refused'),
        reason: 'attachment not archived: address not allowed (private)',
      },
    ]);
    expect(transcript.messages.map((message) => message.attachments?.length ?? 0)).toEqual([0, 1, 0]);
  });

  it('retries only what is not linked, and replaces the warnings of the earlier step', async () => {
    // Prepare
    const raw = [
      imageMessage('1', 'a', '2022-05-26 10:30:01'),
      imageMessage('2', 'b', '2022-05-26 10:30:02'),
    ];
    const transcript = transcriptOf(raw);
    transcript.warnings.push({
      path: 'chat.status',
      value: '1',
      reason: 'room not final after 3 attempts: archived as it is',
    });
    const first = new FakeSource();
    first.failures.set(url('b'), new AttachmentDownloadError('timed out after 10000 ms'));
    const store = new MemoryAttachmentStore();
    await new AttachmentArchiver({ source: first, store }).archive(transcript, raw);
    const second = new FakeSource();

    // Act
    const result = await new AttachmentArchiver({ source: second, store }).archive(transcript, raw);

    // Assess
    expect(second.requested).toEqual([url('b')]);
    expect(result).toEqual({ linked: 1, pending: 0, failures: [] });
    expect(transcript.warnings).toEqual([
      { path: 'chat.status', value: '1', reason: 'room not final after 3 attempts: archived as it is' },
    ]);
    expect(
      transcript.messages.map((message) => message.attachments?.map((attachment) => attachment.url)),
    ).toEqual([[url('a')], [url('b')]]);
  });

  it('downloads a URL named twice once, and links both messages', async () => {
    const raw = [
      imageMessage('1', 'same', '2022-05-26 10:30:01'),
      buttonMessage('2', url('same'), '2022-05-26 10:30:02'),
    ];
    const transcript = transcriptOf(raw);
    const source = new FakeSource();

    const result = await new AttachmentArchiver({ source, store: new MemoryAttachmentStore() }).archive(
      transcript,
      raw,
    );

    expect(source.requested).toEqual([url('same')]);
    expect(result.linked).toBe(2);
    expect(transcript.messages[0]?.attachments).toEqual(transcript.messages[1]?.attachments);
  });

  it('downloads at most maxPerRoom URLs, concurrency at a time, and leaves the rest for the next archive', async () => {
    // Prepare
    const raw = Array.from({ length: 7 }, (_, index) =>
      imageMessage(String(index + 1), `i${index}`, `2022-05-26 10:30:0${index}`),
    );
    const transcript = transcriptOf(raw);
    const source = new FakeSource();
    source.delayMs = 20;

    // Act
    const result = await new AttachmentArchiver({
      source,
      store: new MemoryAttachmentStore(),
      maxPerRoom: 5,
      concurrency: 2,
    }).archive(transcript, raw);

    // Assess
    expect(source.requested).toEqual([0, 1, 2, 3, 4].map((index) => url(`i${index}`)));
    expect(source.maxInFlight).toBe(2);
    expect(result.linked).toBe(5);
    expect(transcript.warnings).toEqual([
      {
        path: 'message[5].contents',
        value: url('i5'),
        reason: 'attachment not archived: more than 5 images in the room; left for the next archive',
      },
      {
        path: 'message[6].contents',
        value: url('i6'),
        reason: 'attachment not archived: more than 5 images in the room; left for the next archive',
      },
    ]);
  });

  it('stops at the time budget: what did not finish is pending', async () => {
    const raw = [
      imageMessage('1', 'a', '2022-05-26 10:30:01'),
      imageMessage('2', 'b', '2022-05-26 10:30:02'),
    ];
    const transcript = transcriptOf(raw);
    const source = new FakeSource();
    source.delayMs = 5_000;

    const started = Date.now();
    const result = await new AttachmentArchiver({
      source,
      store: new MemoryAttachmentStore(),
      concurrency: 1,
      budgetMs: 50,
    }).archive(transcript, raw);

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(source.requested).toEqual([url('a')]);
    expect(result.failures).toEqual([
      { path: 'message[0].contents', reason: 'time budget of the attachment step exhausted' },
      { path: 'message[1].contents', reason: 'time budget of the attachment step exhausted' },
    ]);
  });

  it('turns a storage failure and an unexpected error into warnings, never a throw', async () => {
    const raw = [
      imageMessage('1', 'a', '2022-05-26 10:30:01'),
      imageMessage('2', 'b', '2022-05-26 10:30:02'),
    ];
    const transcript = transcriptOf(raw);
    const source = new FakeSource();
    source.failures.set(url('b'), new TypeError('boom https://secret.example/token=abc'));
    const store = new MemoryAttachmentStore();
    store.failure = new StorageUnavailableError('cannot write');

    const result = await new AttachmentArchiver({ source, store }).archive(transcript, raw);

    expect(result.failures).toEqual([
      { path: 'message[0].contents', reason: 'storage failed (STORAGE_UNAVAILABLE)' },
      { path: 'message[1].contents', reason: 'unexpected error' },
    ]);
    expect(JSON.stringify(transcript.warnings)).not.toContain('secret.example');
  });

  it('does nothing for a room without images', async () => {
    const raw = [rawMessage()];
    const transcript = transcriptOf(raw);
    const source = new FakeSource();

    const result = await new AttachmentArchiver({ source, store: new MemoryAttachmentStore() }).archive(
      transcript,
      raw,
    );

    expect(result).toEqual({ linked: 0, pending: 0, failures: [] });
    expect(source.requested).toEqual([]);
    expect(transcript.messages[0]).not.toHaveProperty('attachments');
  });
});

describe('attachmentStepNeeded', () => {
  it('is false for a room without images, so that the step is not even loaded', () => {
    const text = rawMessage({ id: 't1', contents: '안녕하세요', send_date: '2022-05-26 10:30:00' });
    expect(attachmentStepNeeded(transcriptOf([text]))).toBe(false);
  });

  it('is true for an image not linked yet, false once it is, and true while a warning of an earlier step is left', async () => {
    // Prepare
    const transcript = transcriptOf([imageMessage('m1', 'a', '2022-05-26 10:30:00')]);
    const failing = transcriptOf([imageMessage('m1', 'a', '2022-05-26 10:30:00')]);
    const source = new FakeSource();
    source.failures.set(url('a'), new AttachmentDownloadError('HTTP 500'));

    // Act
    const before = attachmentStepNeeded(transcript);
    await new AttachmentArchiver({ source: new FakeSource(), store: new MemoryAttachmentStore() }).archive(
      transcript,
      [],
    );
    await new AttachmentArchiver({ source, store: new MemoryAttachmentStore() }).archive(failing, []);

    // Assess
    expect(before).toBe(true);
    expect(attachmentStepNeeded(transcript)).toBe(false);
    expect(attachmentStepNeeded(failing)).toBe(true);
  });
});
