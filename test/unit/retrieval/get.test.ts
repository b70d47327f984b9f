import { describe, expect, it } from 'vitest';
import { CorruptArchiveError } from '../../../lib/archive/errors.js';
import { RoomNotArchivedError, UnknownVersionError } from '../../../lib/retrieval/errors.js';
import { getRoom } from '../../../lib/retrieval/get.js';
import { FakeArchive } from './fake-archive.js';
import { archive, changedExample, EXAMPLE, RAW_KEY, ROOM_ID, TRANSCRIPT_KEY } from './room-fixture.js';

const text = (body: Uint8Array | string) =>
  typeof body === 'string' ? body : new TextDecoder().decode(body);

/** A versioned archive where the index pins the first answer and the objects hold a second one beside it. */
function twoVersions() {
  const bucket = new FakeArchive();
  const first = archive(bucket);
  const second = archive(bucket, {
    raw: changedExample(),
    fetchedAt: '2026-01-03T00:00:00.000Z',
    index: false,
  });
  return { bucket, first, second };
}

describe('getRoom', () => {
  it('reads the versions the index pins, not the latest ones', async () => {
    const { bucket, first } = twoVersions();

    const json = await getRoom(bucket, ROOM_ID, { format: 'json' });
    const raw = await getRoom(bucket, ROOM_ID, { format: 'raw' });

    expect(json).toEqual({
      roomId: ROOM_ID,
      format: 'json',
      key: TRANSCRIPT_KEY,
      versionId: 'v2',
      body: expect.anything(),
    });
    expect(text(json.body)).toBe(first.transcriptLine);
    expect(raw.versionId).toBe(first.index.raw_version_id);
    expect(Buffer.from(raw.body).equals(EXAMPLE)).toBe(true);
  });

  it('reads the version asked for, of the transcript or of the raw object', async () => {
    const { bucket, second } = twoVersions();

    const json = await getRoom(bucket, ROOM_ID, { format: 'json', versionId: 'v5' });
    const raw = await getRoom(bucket, ROOM_ID, { format: 'raw', versionId: 'v4' });

    expect(text(json.body)).toBe(second.transcriptLine);
    expect(raw).toMatchObject({ key: RAW_KEY, versionId: 'v4' });
    expect(Buffer.from(raw.body).equals(Buffer.from(changedExample()))).toBe(true);
  });

  it('renders the version asked for as HTML, with the time that version was written', async () => {
    const { bucket } = twoVersions();

    const pinned = await getRoom(bucket, ROOM_ID, { format: 'html' });
    const other = await getRoom(bucket, ROOM_ID, { format: 'html', versionId: 'v5' });

    expect(text(pinned.body)).toContain('10:31:06');
    expect(text(other.body)).toContain('10:31:07');
    // The index's archive time for the version it pins; the fake bucket's write time (v5 at 00:05) for another.
    expect(text(pinned.body)).toContain('<time datetime="2026-01-02T03:04:06.000Z">');
    expect(text(other.body)).toContain('<time datetime="2026-01-01T00:05:00.000Z">');
  });

  it('refuses a version the object does not have', async () => {
    const { bucket } = twoVersions();

    // v5 is a version of the transcript, not of the raw object.
    await expect(getRoom(bucket, ROOM_ID, { format: 'raw', versionId: 'v5' })).rejects.toThrow(
      new UnknownVersionError(`s3://archive/${RAW_KEY} has no version "v5"`),
    );
    await expect(getRoom(bucket, ROOM_ID, { format: 'json', versionId: 'nope' })).rejects.toThrow(
      UnknownVersionError,
    );
  });

  it('says when the room is not archived, and when its index points at nothing', async () => {
    const bucket = new FakeArchive();
    await expect(getRoom(bucket, ROOM_ID, { format: 'json' })).rejects.toThrow(
      new RoomNotArchivedError(`room ${ROOM_ID} is not archived in archive`),
    );
    const { index } = archive(new FakeArchive());
    bucket.putIndex(index);
    await expect(getRoom(bucket, ROOM_ID, { format: 'json' })).rejects.toThrow(CorruptArchiveError);
  });
});
