import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportDirectoryNotEmptyError } from '../../../lib/retrieval/errors.js';
import { exportCustomer } from '../../../lib/retrieval/export.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { FakeArchive } from './fake-archive.js';
import { archive, RAW_KEY, ROOM_ID, sha256, TRANSCRIPT_KEY } from './room-fixture.js';

const CUSTOMER = '1000225570_testuser';
const now = () => new Date('2026-03-04T05:06:07.000Z');
let out: string;

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'happytalk-export-'));
});

afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

function withAttachments(attachments: unknown[]) {
  return (transcript: Transcript) => ({
    ...transcript,
    messages: transcript.messages.map((message) => ({ ...message, attachments })),
  });
}

describe('exportCustomer', () => {
  it("lists what makes the export incomplete: an attachment's wrong bytes, a second copy, an unreadable transcript", async () => {
    const bucket = new FakeArchive();
    const good = Buffer.from('good bytes');
    const badSha256 = 'c'.repeat(64);
    archive(bucket, {
      transform: withAttachments([
        {
          url: 'https://static.happytalk.io/a.png',
          key: `attachments/${sha256(good)}`,
          sha256: sha256(good),
          content_type: 'image/png',
          bytes: good.length,
        },
        {
          url: 'https://static.happytalk.io/b.png',
          key: `attachments/${badSha256}`,
          sha256: badSha256,
          content_type: 'image/png',
          bytes: 11,
        },
      ]),
    });
    bucket.put(`attachments/${sha256(good)}`, good);
    bucket.put(`attachments/${badSha256}`, 'other bytes');
    const unreadable = 'transcripts/year=2022/month=05/day=26/zzUnreadable.json';
    bucket.put(unreadable, '{"not":"a transcript"}');
    // The same room again in another partition: its directory is taken.
    const copy = `transcripts/year=2022/month=05/day=27/${ROOM_ID}.json`;
    bucket.put(copy, (await bucket.readObject(TRANSCRIPT_KEY))?.body ?? '');
    const rawless = new FakeArchive();
    archive(rawless);
    const noRaw = await rawless.readObject(TRANSCRIPT_KEY);

    const { manifest } = await exportCustomer(bucket, { customerUuid: CUSTOMER, outDir: out, now });
    const rawlessOut = join(out, 'rawless');
    const withoutRaw = new FakeArchive();
    withoutRaw.put(TRANSCRIPT_KEY, noRaw?.body ?? '');
    const rawlessExport = await exportCustomer(withoutRaw, {
      customerUuid: CUSTOMER,
      outDir: rawlessOut,
      now,
    });

    expect(manifest.problems).toEqual([
      { subject: unreadable, problem: expect.stringMatching(/^transcript unreadable: not a transcript v1/) },
      {
        subject: ROOM_ID,
        problem: `the room has a second transcript, ${copy}, not exported (exported: ${TRANSCRIPT_KEY})`,
      },
      {
        subject: ROOM_ID,
        problem: `attachment attachments/${badSha256} has SHA-256 ${sha256('other bytes')}, not ${badSha256}`,
      },
    ]);
    expect(manifest.files.map((file) => file.path)).toEqual([
      `${ROOM_ID}/attachments/${sha256(good)}`,
      `${ROOM_ID}/raw.json`,
      `${ROOM_ID}/transcript.json`,
    ]);
    expect(await readdir(join(out, ROOM_ID, 'attachments'))).toEqual([sha256(good)]);
    expect(rawlessExport.manifest.problems).toEqual([
      { subject: ROOM_ID, problem: `raw object ${RAW_KEY} is missing` },
    ]);
    expect(rawlessExport.manifest.files.map((file) => file.path)).toEqual([`${ROOM_ID}/transcript.json`]);
  });

  it('writes the manifest it returns, and refuses a non-empty directory before reading anything', async () => {
    const bucket = new FakeArchive();
    archive(bucket);

    const result = await exportCustomer(bucket, { customerUuid: CUSTOMER, outDir: out, now });

    expect(JSON.parse(await readFile(result.manifestPath, 'utf8'))).toEqual(result.manifest);
    expect(result.manifest.exported_at).toBe('2026-03-04T05:06:07.000Z');
    await expect(exportCustomer(bucket, { customerUuid: CUSTOMER, outDir: out, now })).rejects.toThrow(
      ExportDirectoryNotEmptyError,
    );
    const forced = await exportCustomer(bucket, { customerUuid: CUSTOMER, outDir: out, now, force: true });
    expect(forced.preexistingEntries).toBe(2);
  });
});
