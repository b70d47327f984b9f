import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoomUnprocessableError } from '../../../lib/retrieval/errors.js';
import { exportCustomer } from '../../../lib/retrieval/export.js';
import { getRoom } from '../../../lib/retrieval/get.js';
import { type ListedRoomEvent, listRooms } from '../../../lib/retrieval/list.js';
import { verifyRange, verifyRoom } from '../../../lib/retrieval/verify.js';
import { FakeArchive } from './fake-archive.js';
import {
  archive,
  archiveUnprocessable,
  EXAMPLE,
  poisonExample,
  RAW_KEY,
  ROOM_ID,
  TRANSCRIPT_KEY,
} from './room-fixture.js';

const RANGE = { from: '2022-05-26', to: '2022-05-26' };
const REASON = 'nested 605 levels deep, beyond the limit of 512';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('getRoom of a room whose last answer is unprocessable', () => {
  it('gives the raw bytes, and refuses the transcript with the reason and where the bytes are', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket);

    // Act
    const raw = await getRoom(bucket, ROOM_ID, { format: 'raw' });
    const json = getRoom(bucket, ROOM_ID, { format: 'json' });
    const html = getRoom(bucket, ROOM_ID, { format: 'html' });

    // Assess
    expect(Buffer.from(raw.body as Uint8Array).equals(Buffer.from(poisonExample()))).toBe(true);
    await expect(json).rejects.toThrow(RoomUnprocessableError);
    await expect(json).rejects.toThrow(
      `room ${ROOM_ID} has no transcript: HappyTalk's last answer (${RAW_KEY}) could not be normalized (${REASON}); the raw format gives its bytes`,
    );
    await expect(html).rejects.toMatchObject({ code: 'UNPROCESSABLE_RESPONSE' });
  });

  it('reads the transcript of an earlier answer by its version', async () => {
    // Prepare: archived while open, then an answer that cannot be normalized
    const bucket = new FakeArchive();
    const { index, transcriptLine } = archive(bucket);
    archiveUnprocessable(bucket);

    // Act
    const earlier = await getRoom(bucket, ROOM_ID, {
      format: 'json',
      versionId: index.transcript_version_id ?? '',
    });

    // Assess
    expect(earlier.key).toBe(TRANSCRIPT_KEY);
    expect(Buffer.from(earlier.body as Uint8Array).toString('utf8')).toBe(transcriptLine);
  });
});

describe('verify of a room whose last answer is unprocessable', () => {
  it('checks its raw object and says it is unprocessable, and that this version cannot normalize it either', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket);

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul' });

    // Assess
    expect(result).toEqual({
      room_id: ROOM_ID,
      ok: true,
      status: 'ok',
      mismatches: [],
      unprocessable: { reason: REASON, raw_key: RAW_KEY, processable_now: false },
    });
  });

  it('says when this version normalizes the archived answer now', async () => {
    // Prepare: an earlier normalizer gave up on the spec's own example
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket, { raw: EXAMPLE, reason: 'the normalizer failed (RangeError)' });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul' });

    // Assess
    expect(result.unprocessable).toEqual({
      reason: 'the normalizer failed (RangeError)',
      raw_key: RAW_KEY,
      processable_now: true,
    });
  });

  it('still finds a stale index, and takes an earlier transcript in the range as expected', async () => {
    // Prepare: a newer raw object written beside the one the index pins
    const bucket = new FakeArchive();
    archive(bucket);
    archiveUnprocessable(bucket);
    bucket.put(RAW_KEY, 'newer', { sha256: 'f'.repeat(64) });

    // Act
    const [result] = await collect(verifyRange(bucket, RANGE, { timeZone: 'Asia/Seoul' }));

    // Assess
    expect(result?.ok).toBe(false);
    expect(result?.mismatches.map((mismatch) => mismatch.check)).toEqual(['index.latest-raw']);
    expect(result?.unprocessable?.reason).toBe(REASON);
  });
});

describe('listRooms and unprocessable answers', () => {
  it('lists a room whose only answer is unprocessable after the transcripts', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket);

    // Act
    const events = await collect(listRooms(bucket, RANGE, {}));

    // Assess
    expect(events).toEqual([
      {
        kind: 'unprocessable',
        room: { room_id: ROOM_ID, raw_key: RAW_KEY, reason: REASON, fetched_at: '2026-02-02T03:04:05.000Z' },
      },
    ] satisfies ListedRoomEvent[]);
  });

  it('marks the row of a room whose transcript is of an answer before an unprocessable one', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket);
    archiveUnprocessable(bucket);

    // Act
    const events = await collect(listRooms(bucket, RANGE, {}));

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'room',
      row: { room_id: ROOM_ID, status: '2', unprocessable: { reason: REASON, raw_key: RAW_KEY } },
    });
  });

  it('reads no index for a room archived normally', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket);
    let indexReads = 0;
    const readIndex = bucket.readIndex.bind(bucket);
    bucket.readIndex = (roomId) => {
      indexReads += 1;
      return readIndex(roomId);
    };

    // Act
    const events = await collect(listRooms(bucket, RANGE, {}));

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]).not.toHaveProperty('row.unprocessable');
    expect(indexReads).toBe(0);
  });
});

describe('exportCustomer and unprocessable answers', () => {
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'happytalk-export-unprocessable-'));
  });

  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('exports nothing of a room without a transcript and names it in the manifest', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket);

    // Act
    const { manifest } = await exportCustomer(bucket, { customerUuid: '1000225570_testuser', outDir: out });

    // Assess
    expect(manifest.rooms).toEqual([]);
    expect(manifest.problems).toEqual([]);
    expect(manifest.unprocessable_rooms).toEqual([
      { room_id: ROOM_ID, raw_key: RAW_KEY, reason: REASON, fetched_at: '2026-02-02T03:04:05.000Z' },
    ]);
    expect(await readdir(out)).toEqual(['manifest.json']);
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')).unprocessable_rooms).toHaveLength(
      1,
    );
  });

  it('says why the raw response of an exported transcript is of a later answer', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket);
    archiveUnprocessable(bucket);

    // Act
    const { manifest } = await exportCustomer(bucket, { customerUuid: '1000225570_testuser', outDir: out });

    // Assess
    expect(manifest.rooms.map((room) => room.room_id)).toEqual([ROOM_ID]);
    expect(manifest.problems).toEqual([
      {
        subject: ROOM_ID,
        problem: `the room's last answer (${RAW_KEY}) could not be normalized (${REASON}): transcript.json is of an earlier answer, raw.json of the last one`,
      },
    ]);
  });
});
