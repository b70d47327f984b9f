import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ArchiveRoomDeps, archiveRoom } from '../../../lib/archive/archive-room.js';
import type { IndexRecord, TranscriptIndexRecord } from '../../../lib/archive/index-record.js';
import { bodyBytes } from '../../../lib/archive/s3-objects.js';
import type { ArchiveEntry, ArchiveStore, WriteOutcome } from '../../../lib/archive/store.js';
import {
  AttachmentArchiver,
  type AttachmentSource,
  type AttachmentStore,
} from '../../../lib/attachments/archive-attachments.js';
import type { DownloadedAttachment } from '../../../lib/attachments/download.js';
import { AttachmentDownloadError } from '../../../lib/attachments/errors.js';
import { type ChatDataSource, type FetchedRoom, parseChatData } from '../../../lib/happytalk/client.js';
import { transcriptDifferences } from '../../../lib/retrieval/transcript-differences.js';
import { transcriptOf } from '../../../lib/transcript/normalize.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { rawChat, rawMessage } from '../transcript/builders.js';

const ROOM = 'room0001';
const ENDPOINT = 'https://customer.happytalk.io/user/api/chat_data/format/json';
const FETCHED_AT = new Date('2022-05-26T01:31:07.000Z');
const url = (name: string) => `https://static.happytalk.io/data/chat_data/2022_05_26/${name}_w.png`;

const body = {
  result: 'success',
  data: [
    {
      chat: rawChat({ id: ROOM }),
      message: [
        rawMessage({ id: '1', send_date: '2022-05-26 10:30:00' }),
        rawMessage({ id: '2', contents_type: 'image', contents: url('a'), send_date: '2022-05-26 10:30:01' }),
        rawMessage({ id: '3', contents_type: 'image', contents: url('b'), send_date: '2022-05-26 10:30:02' }),
      ],
    },
  ],
};
const bytes = new TextEncoder().encode(JSON.stringify(body));
const sha256 = createHash('sha256').update(bytes).digest('hex');

class FakeChatDataSource implements ChatDataSource {
  async fetchRoom(roomId: string): Promise<FetchedRoom> {
    return {
      bytes,
      ...parseChatData(bytes, roomId),
      endpoint: ENDPOINT,
      fetchedAt: FETCHED_AT,
      attempts: 1,
      latencyMs: 1,
    };
  }
}

/** Keeps the latest of each object, with the store's rule: same answer, fewer pending attachments, or nothing. */
class MemoryArchiveStore implements ArchiveStore {
  index: TranscriptIndexRecord | undefined;
  transcriptLine: string | undefined;
  readonly writes: ArchiveEntry[] = [];
  transcriptReads = 0;

  async readIndex(): Promise<IndexRecord | undefined> {
    return this.index;
  }

  async writeUnprocessable(): Promise<never> {
    throw new Error('the rooms of these tests are all processable');
  }

  async write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }> {
    this.writes.push(entry);
    const stored = this.index;
    if (
      stored?.sha256 === entry.index.sha256 &&
      (entry.index.attachments_pending ?? 0) >= (stored.attachments_pending ?? 0)
    ) {
      return { outcome: 'unchanged', index: stored };
    }
    this.index = entry.index;
    this.transcriptLine = Buffer.from(bodyBytes(entry.transcriptLine)).toString('utf8');
    return { outcome: 'written', index: entry.index };
  }

  async readTranscript(): Promise<{ index: TranscriptIndexRecord; body: string } | undefined> {
    this.transcriptReads += 1;
    if (!this.index || this.transcriptLine === undefined) return undefined;
    return { index: this.index, body: this.transcriptLine };
  }

  async readRaw(): Promise<undefined> {
    return undefined;
  }
  async writeRedacted(): Promise<never> {
    throw new Error('these rooms are archived without redacted copies');
  }
}

class FakeImages implements AttachmentSource, AttachmentStore {
  readonly requested: string[] = [];
  readonly failing = new Set<string>();

  async download(target: string): Promise<DownloadedAttachment> {
    this.requested.push(target);
    if (this.failing.has(target)) throw new AttachmentDownloadError('HTTP 503');
    const image = Buffer.from(`png ${target}`);
    return {
      bytes: image,
      sha256: createHash('sha256').update(image).digest('hex'),
      contentType: 'image/png',
      redirects: 0,
    };
  }

  async writeAttachment(attachment: { sha256: string }) {
    return { key: `attachments/${attachment.sha256}`, outcome: 'written' as const };
  }
}

function setUp() {
  const store = new MemoryArchiveStore();
  const images = new FakeImages();
  const deps: ArchiveRoomDeps = {
    source: new FakeChatDataSource(),
    store,
    attachments: new AttachmentArchiver({ source: images, store: images }),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  };
  return { store, images, deps };
}

function stored(store: MemoryArchiveStore) {
  return TranscriptSchema.parse(JSON.parse(store.transcriptLine ?? ''));
}

describe('archiveRoom with attachments', () => {
  it('archives the transcript when an image fails, with a warning, and counts it pending in the index', async () => {
    const { store, images, deps } = setUp();
    images.failing.add(url('b'));

    const summary = await archiveRoom(ROOM, deps);

    expect(summary.status).toBe('archived');
    expect(store.index?.attachments_pending).toBe(1);
    const transcript = stored(store);
    expect(transcript.messages.map((message) => message.attachments?.[0]?.url ?? null)).toEqual([
      null,
      url('a'),
      null,
    ]);
    expect(transcript.warnings).toEqual([
      { path: 'message[2].contents', value: url('b'), reason: 'attachment not archived: HTTP 503' },
    ]);
  });

  it('retries a pending image at the next archive of the same answer, and rewrites only its link and warning', async () => {
    // Prepare
    const { store, images, deps } = setUp();
    images.failing.add(url('b'));
    const first = await archiveRoom(ROOM, deps);
    const before = stored(store);
    images.failing.clear();
    images.requested.length = 0;

    // Act
    const second = await archiveRoom(ROOM, deps);

    // Assess
    expect(second).toEqual({ ...first, status: 'updated' });
    expect(images.requested).toEqual([url('b')]);
    expect(store.index).not.toHaveProperty('attachments_pending');
    expect(store.index).toMatchObject({ sha256, fetched_at: FETCHED_AT.toISOString() });
    const after = stored(store);
    expect(after.warnings).toEqual([]);
    expect(after.messages[2]?.attachments?.[0]?.url).toBe(url('b'));
    expect(after.messages[1]?.attachments).toEqual(before.messages[1]?.attachments);
    const { messages, warnings, ...rest } = after;
    const { messages: messagesBefore, warnings: _, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(messages.map(({ attachments: _a, ...message }) => message)).toEqual(
      messagesBefore.map(({ attachments: _a, ...message }) => message),
    );
    // verify's re-normalization still finds nothing but what the archive adds.
    const renormalized = transcriptOf(
      { ...parseChatData(bytes, ROOM), endpoint: ENDPOINT, fetchedAt: FETCHED_AT, sha256 },
      { roomId: ROOM },
    );
    expect(
      transcriptDifferences(JSON.parse(JSON.stringify(renormalized)), JSON.parse(store.transcriptLine ?? '')),
    ).toEqual([]);
  });

  it('reports unchanged and writes nothing while the pending image still fails', async () => {
    const { store, images, deps } = setUp();
    images.failing.add(url('b'));
    await archiveRoom(ROOM, deps);
    const line = store.transcriptLine;

    const second = await archiveRoom(ROOM, deps);

    expect(second.status).toBe('unchanged');
    expect(store.writes).toHaveLength(1);
    expect(store.transcriptLine).toBe(line);
    expect(store.index?.attachments_pending).toBe(1);
  });

  it('keeps the unchanged short-circuit when nothing is pending: no transcript read, no download', async () => {
    const { store, images, deps } = setUp();
    await archiveRoom(ROOM, deps);
    images.requested.length = 0;

    const second = await archiveRoom(ROOM, deps);

    expect(second.status).toBe('unchanged');
    expect(store.transcriptReads).toBe(0);
    expect(images.requested).toEqual([]);
    expect(store.writes).toHaveLength(1);
  });

  it('does not retry without the attachment step', async () => {
    const { store, images, deps } = setUp();
    images.failing.add(url('b'));
    await archiveRoom(ROOM, deps);
    const { attachments: _, ...withoutStep } = deps;

    const second = await archiveRoom(ROOM, withoutStep);

    expect(second.status).toBe('unchanged');
    expect(store.transcriptReads).toBe(0);
  });
});
