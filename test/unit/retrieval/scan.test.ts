import { describe, expect, it } from 'vitest';
import { attachmentRefsOf } from '../../../lib/retrieval/attachments.js';
import { mapInOrder, parseTranscriptLine, scanTranscripts } from '../../../lib/retrieval/scan.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { FakeArchive } from './fake-archive.js';
import { archive, EXAMPLE, ROOM_ID, TRANSCRIPT_KEY, transcriptFor } from './room-fixture.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('mapInOrder', () => {
  it('yields in the order of the items, however long each takes, and runs at most N at once', async () => {
    let running = 0;
    let most = 0;
    const results = await collect(
      mapInOrder([50, 10, 30, 0, 20, 5, 40, 1], 3, async (ms) => {
        running += 1;
        most = Math.max(most, running);
        await delay(ms);
        running -= 1;
        return ms * 2;
      }),
    );

    expect(results).toEqual([100, 20, 60, 0, 40, 10, 80, 2]);
    expect(most).toBe(3);
  });

  it('throws the error of a call when its turn comes, after the results before it', async () => {
    const seen: number[] = [];
    const run = async () => {
      for await (const value of mapInOrder([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('two failed');
        return item;
      })) {
        seen.push(value);
      }
    };

    await expect(run()).rejects.toThrow('two failed');
    expect(seen).toEqual([1]);
  });
});

describe('parseTranscriptLine', () => {
  it('names what is wrong without quoting the content', () => {
    const notJson = parseTranscriptLine(new TextEncoder().encode('{"secret": 010-1234'));
    const notTranscript = parseTranscriptLine(new TextEncoder().encode('{"secret":"010-1234-5678"}'));

    expect(notJson).toEqual({ ok: false, reason: 'not UTF-8 JSON (19 bytes)' });
    expect(notTranscript.ok).toBe(false);
    expect(JSON.stringify(notTranscript)).not.toContain('010');
  });
});

describe('scanTranscripts', () => {
  it('reads every transcript of the range, page after page, and names the unreadable ones', async () => {
    const bucket = new FakeArchive();
    archive(bucket);
    const broken = 'transcripts/year=2022/month=05/day=26/zzBroken.json';
    bucket.put(broken, 'not json');
    bucket.put(
      'transcripts/year=2022/month=05/day=26/aaOther.json',
      `${JSON.stringify(transcriptFor(EXAMPLE, '2026-01-01T00:00:00Z'))}\n`,
    );
    bucket.put('transcripts/year=2022/month=05/day=27/out-of-range.json', 'x');
    const progress: { listed: number; read: number }[] = [];

    const reads = await collect(
      scanTranscripts(
        bucket,
        { from: '2022-05-25', to: '2022-05-26' },
        { onProgress: (p) => progress.push(p) },
      ),
    );

    expect(reads.map((read) => [read.location.roomId, read.kind])).toEqual([
      ['aaOther', 'transcript'],
      [ROOM_ID, 'transcript'],
      ['zzBroken', 'unreadable'],
    ]);
    expect(reads[1]?.location.key).toBe(TRANSCRIPT_KEY);
    expect(progress.at(-1)).toEqual({ listed: 3, read: 3 });
  });
});

describe('attachmentRefsOf', () => {
  const transcript = transcriptFor(EXAMPLE, '2026-01-01T00:00:00Z');
  // Malformed entries on purpose: the reader must cope with what the schema would refuse.
  const withAttachments = (attachments: unknown): Transcript => ({
    ...transcript,
    messages: transcript.messages.map((message) => ({ ...message, attachments })) as Transcript['messages'],
  });
  const sha = 'b'.repeat(64);

  it('is empty for a transcript written before attachments were archived', () => {
    expect(attachmentRefsOf(transcript)).toEqual({ refs: [], invalid: [] });
  });

  it("reads the transcript's key when it lies under attachments/, else the one derived from the SHA-256", () => {
    const refs = attachmentRefsOf(
      withAttachments([
        { key: `attachments/2024/${sha}.png`, sha256: sha, content_type: 'image/png' },
        { key: `../raw/${sha}`, sha256: sha, content_type: null },
        { sha256: sha },
      ]),
    ).refs.map((ref) => ref.key);

    expect(refs).toEqual([`attachments/2024/${sha}.png`, `attachments/${sha}`, `attachments/${sha}`]);
  });

  it('names the messages whose entries have no SHA-256, and does not read them', () => {
    expect(attachmentRefsOf(withAttachments([{ key: 'attachments/x', sha256: '../x' }]))).toEqual({
      refs: [],
      invalid: [0],
    });
    expect(attachmentRefsOf(withAttachments('attachments/x')).invalid).toEqual([0]);
  });
});
