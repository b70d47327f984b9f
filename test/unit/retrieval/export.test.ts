import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportDirectoryNotEmptyError, ExportPathError } from '../../../lib/retrieval/errors.js';
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

describe('exportCustomer and the files it writes', () => {
  let outside: string;

  beforeEach(async () => {
    outside = await mkdtemp(join(tmpdir(), 'happytalk-export-victim-'));
  });

  afterEach(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  async function mode(path: string): Promise<number> {
    return (await lstat(path)).mode & 0o777;
  }

  /** The room with one archived image, so that the export writes an attachments folder too. */
  function bucketWithImage(): FakeArchive {
    const bucket = new FakeArchive();
    const image = Buffer.from('png bytes');
    archive(bucket, {
      transform: withAttachments([
        {
          url: 'https://static.happytalk.io/a.png',
          key: `attachments/${sha256(image)}`,
          sha256: sha256(image),
          content_type: 'image/png',
          bytes: image.length,
        },
      ]),
    });
    bucket.put(`attachments/${sha256(image)}`, image);
    return bucket;
  }

  it('creates every folder 0700 and every file 0600, whatever the umask leaves', async () => {
    // Prepare
    const fresh = join(out, 'fresh');
    const previous = process.umask(0o000);

    // Act
    try {
      await exportCustomer(bucketWithImage(), { customerUuid: CUSTOMER, outDir: fresh, now });
    } finally {
      process.umask(previous);
    }

    // Assess
    const image = sha256(Buffer.from('png bytes'));
    expect(await mode(fresh)).toBe(0o700);
    expect(await mode(join(fresh, ROOM_ID))).toBe(0o700);
    expect(await mode(join(fresh, ROOM_ID, 'attachments'))).toBe(0o700);
    for (const file of ['manifest.json', `${ROOM_ID}/transcript.json`, `${ROOM_ID}/raw.json`]) {
      expect(await mode(join(fresh, file)), file).toBe(0o600);
    }
    expect(await mode(join(fresh, ROOM_ID, 'attachments', image))).toBe(0o600);
  });

  it('with --force, replaces planted symbolic links instead of writing through them', async () => {
    // Prepare: links to files and a folder outside the export
    const victimFile = join(outside, 'victim.txt');
    const victimDir = join(outside, 'victim-dir');
    await writeFile(victimFile, 'keep me');
    await mkdir(victimDir);
    await writeFile(join(victimDir, 'transcript.json'), 'keep me too');
    await symlink(victimFile, join(out, 'manifest.json'));
    await symlink(victimDir, join(out, ROOM_ID));

    // Act
    await exportCustomer(bucketWithImage(), { customerUuid: CUSTOMER, outDir: out, now, force: true });

    // Assess
    expect(await readFile(victimFile, 'utf8')).toBe('keep me');
    expect(await readFile(join(victimDir, 'transcript.json'), 'utf8')).toBe('keep me too');
    expect(await readdir(victimDir)).toEqual(['transcript.json']);
    expect((await lstat(join(out, 'manifest.json'))).isFile()).toBe(true);
    expect((await lstat(join(out, ROOM_ID))).isDirectory()).toBe(true);
    expect(await mode(join(out, 'manifest.json'))).toBe(0o600);
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')).rooms).toHaveLength(1);
  });

  it('with --force, replaces a planted link inside a reused room folder, and sets 0777 folders to 0700', async () => {
    // Prepare
    const victimFile = join(outside, 'victim.json');
    await writeFile(victimFile, 'keep me');
    await chmod(out, 0o777);
    await mkdir(join(out, ROOM_ID));
    await chmod(join(out, ROOM_ID), 0o777);
    await symlink(victimFile, join(out, ROOM_ID, 'transcript.json'));
    await writeFile(join(out, 'notes.txt'), 'left alone');

    // Act
    const result = await exportCustomer(bucketWithImage(), {
      customerUuid: CUSTOMER,
      outDir: out,
      now,
      force: true,
    });

    // Assess
    expect(await readFile(victimFile, 'utf8')).toBe('keep me');
    expect(await mode(out)).toBe(0o700);
    expect(await mode(join(out, ROOM_ID))).toBe(0o700);
    expect(await mode(join(out, ROOM_ID, 'attachments'))).toBe(0o700);
    expect((await lstat(join(out, ROOM_ID, 'transcript.json'))).isFile()).toBe(true);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('left alone');
    expect(result.preexistingEntries).toBe(2);
  });

  it('refuses --out that is a symbolic link, even to an empty folder, writing nothing', async () => {
    // Prepare
    const link = join(out, 'link');
    await symlink(outside, link);

    // Act
    const exporting = exportCustomer(bucketWithImage(), { customerUuid: CUSTOMER, outDir: link, now });

    // Assess
    await expect(exporting).rejects.toThrow(
      new ExportPathError(`${link} is a symbolic link: give the directory itself`),
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a path through a dangling link with a one-line error', async () => {
    // Prepare
    await symlink(join(outside, 'nowhere'), join(out, 'dangling'));
    const target = join(out, 'dangling', 'export');

    // Act
    const error = await exportCustomer(bucketWithImage(), {
      customerUuid: CUSTOMER,
      outDir: target,
      now,
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ExportPathError);
    expect((error as Error).message).toMatch(
      /^cannot create \S+ \(ENO(ENT|TDIR)\): a part of the path is missing, a dangling link, or not a directory$/,
    );
    await expect(stat(join(outside, 'nowhere'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a dangling link as --out', async () => {
    // Prepare
    const link = join(out, 'dangling');
    await symlink(join(outside, 'nowhere'), link);

    // Act
    const exporting = exportCustomer(bucketWithImage(), { customerUuid: CUSTOMER, outDir: link, now });

    // Assess
    await expect(exporting).rejects.toThrow(ExportPathError);
    await expect(stat(join(outside, 'nowhere'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
