import { describe, expect, it } from 'vitest';
import { transcriptDifferences } from '../../../lib/retrieval/transcript-differences.js';
import { verifyRange, verifyRoom } from '../../../lib/retrieval/verify.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { FakeArchive } from './fake-archive.js';
import {
  archive,
  asPreviousRelease,
  changedExample,
  RAW_KEY,
  ROOM_ID,
  sha256,
  TRANSCRIPT_KEY,
  v2Example,
} from './room-fixture.js';

const options = { timeZone: 'Asia/Seoul' };

describe('verifyRoom', () => {
  it('passes a room archived as the store archives it', async () => {
    const bucket = new FakeArchive();
    archive(bucket);

    expect(await verifyRoom(bucket, ROOM_ID, options)).toEqual({
      room_id: ROOM_ID,
      ok: true,
      status: 'ok',
      mismatches: [],
    });
  });

  it('finds a stale index, and only that, when newer versions were written beside the pinned ones', async () => {
    const bucket = new FakeArchive();
    const { index } = archive(bucket);
    archive(bucket, { raw: changedExample(), fetchedAt: '2026-01-03T00:00:00.000Z', index: false });
    const newer = sha256(changedExample());

    const result = await verifyRoom(bucket, ROOM_ID, options);

    expect(result.mismatches).toEqual([
      { room_id: ROOM_ID, check: 'index.latest-raw', expected: index.sha256, found: newer },
      { room_id: ROOM_ID, check: 'index.latest-transcript', expected: index.sha256, found: newer },
    ]);
    expect(result.ok).toBe(false);
  });

  it('ignores attachments the archive added to messages, its attachment warnings, and the warning of a room archived while open', async () => {
    const bucket = new FakeArchive();
    archive(bucket, {
      transform: (transcript: Transcript) => ({
        ...transcript,
        messages: transcript.messages.map((message) => ({
          ...message,
          attachments: [
            {
              url: 'https://static.happytalk.io/a.png',
              key: `attachments/${'a'.repeat(64)}`,
              sha256: 'a'.repeat(64),
              content_type: 'image/png',
              bytes: 10,
            },
          ],
        })),
        warnings: [
          ...transcript.warnings,
          { path: 'chat.status', value: '1', reason: 'room not final after 3 attempts: archived as it is' },
          {
            path: 'message[0].contents',
            value: 'https://static.happytalk.io/b.png',
            reason: 'attachment not archived: HTTP 404',
          },
        ],
      }),
    });

    expect((await verifyRoom(bucket, ROOM_ID, options)).mismatches).toEqual([]);
  });

  it('finds a transcript that does not follow from the raw bytes', async () => {
    const bucket = new FakeArchive();
    archive(bucket, {
      transform: (transcript: Transcript) => ({
        ...transcript,
        chat: { ...transcript.chat, title: 'edited', note: 'added' },
      }),
    });

    const [mismatch, ...rest] = (await verifyRoom(bucket, ROOM_ID, options)).mismatches;

    expect(rest).toEqual([]);
    expect(mismatch).toEqual({
      room_id: ROOM_ID,
      check: 'transcript.renormalize',
      expected: 'chat.note = (absent); chat.title = "1:1 채팅 상담 문의 드립니다."',
      found: 'chat.note = "added"; chat.title = "edited"',
    });
  });

  it('names a transcript of another room, or one that does not parse', async () => {
    const other = new FakeArchive();
    archive(other, { transform: (transcript) => ({ ...transcript, room_id: 'another' }) });
    const broken = new FakeArchive();
    archive(broken, { transform: () => ({ schema_version: 1 }) });

    const otherChecks = (await verifyRoom(other, ROOM_ID, options)).mismatches.map(
      (mismatch) => mismatch.check,
    );
    const [parse] = (await verifyRoom(broken, ROOM_ID, options)).mismatches;

    expect(otherChecks).toEqual(['transcript.room-id', 'transcript.renormalize']);
    expect(parse).toMatchObject({ check: 'transcript.parse', expected: 'a transcript v1' });
    expect(parse?.found).toMatch(/^not a transcript v1 \(/);
  });

  it('finds a raw object whose sha256 metadata is wrong, and a missing raw object', async () => {
    const bucket = new FakeArchive();
    const { index } = archive(bucket);
    bucket.put(RAW_KEY, changedExample(), { sha256: index.sha256 });
    bucket.putIndex({ ...index, raw_version_id: 'v4' });
    const missing = new FakeArchive();
    missing.putIndex(index);

    const checks = (await verifyRoom(bucket, ROOM_ID, options)).mismatches.map((mismatch) => mismatch.check);
    const missingChecks = (await verifyRoom(missing, ROOM_ID, options)).mismatches;

    expect(checks).toEqual(['raw.sha256', 'raw.metadata-sha256', 'transcript.renormalize']);
    expect(missingChecks).toEqual([
      { room_id: ROOM_ID, check: 'raw.present', expected: `${RAW_KEY} (version v1)`, found: 'missing' },
      {
        room_id: ROOM_ID,
        check: 'transcript.present',
        expected: `${TRANSCRIPT_KEY} (version v2)`,
        found: 'missing',
      },
    ]);
  });
});

describe('verifyRoom after a normalizer change', () => {
  const V2_RAW = v2Example();

  it('calls a transcript stale, not a mismatch, when an older archiver derived it from intact bytes', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, { raw: V2_RAW, transform: (transcript) => asPreviousRelease(transcript) });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toEqual({
      room_id: ROOM_ID,
      ok: true,
      status: 'stale',
      mismatches: [],
      stale: {
        archiver_version: '0.1.0',
        current_version: ARCHIVER_VERSION,
        differences: ['chat.tags', 'messages[0].buttons', 'messages[0].links[0]', 'messages[0].text'],
      },
    });
  });

  it('keeps a mismatch when this archiver version would have derived the transcript differently', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, {
      raw: V2_RAW,
      transform: (transcript) => asPreviousRelease(transcript, ARCHIVER_VERSION),
    });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result.status).toBe('mismatch');
    expect(result.mismatches.map((mismatch) => mismatch.check)).toEqual(['transcript.renormalize']);
    expect(result.stale).toBeUndefined();
  });

  it('keeps a mismatch for an older transcript whose raw bytes do not match their SHA-256', async () => {
    // Prepare
    const bucket = new FakeArchive();
    const { index } = archive(bucket, {
      raw: V2_RAW,
      transform: (transcript) => asPreviousRelease(transcript),
    });
    const tampered = new TextEncoder().encode(new TextDecoder().decode(V2_RAW).replace('test-lc', 'test-xx'));
    const version = bucket.put(RAW_KEY, tampered, { sha256: index.sha256 });
    bucket.putIndex({ ...index, raw_version_id: version });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result.status).toBe('mismatch');
    expect(result.mismatches.map((mismatch) => mismatch.check)).toEqual([
      'raw.sha256',
      'raw.metadata-sha256',
      'transcript.renormalize',
    ]);
  });

  it('cannot judge a transcript a newer archiver derived: a mismatch naming the version', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, { raw: V2_RAW, transform: (transcript) => asPreviousRelease(transcript, '99.0.0') });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result.mismatches).toEqual([
      {
        room_id: ROOM_ID,
        check: 'transcript.archiver-version',
        expected: `a transcript derived by archiver ${ARCHIVER_VERSION} or older`,
        found: '99.0.0: upgrade happytalk-archive to verify it',
      },
    ]);
  });

  it('calls a transcript of an archiver version that is not a semantic version stale', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, { raw: V2_RAW, transform: (transcript) => asPreviousRelease(transcript, 'dev-build') });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, options);

    // Assess
    expect([result.status, result.stale?.archiver_version]).toEqual(['stale', 'dev-build']);
  });

  it('passes a transcript reindexed by this archiver, ignoring its reindexed_at', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, {
      raw: V2_RAW,
      transform: (transcript) => ({
        ...transcript,
        source: { ...transcript.source, reindexed_at: '2026-11-30T00:00:00.000Z' },
      }),
    });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, options);

    // Assess
    expect(result).toEqual({ room_id: ROOM_ID, ok: true, status: 'ok', mismatches: [] });
  });
});

describe('verifyRange', () => {
  it('finds the objects no index points at, and the room without an index', async () => {
    const bucket = new FakeArchive();
    archive(bucket);
    const stray = `raw/year=2022/month=05/day=27/${ROOM_ID}.json`;
    bucket.put(stray, '{}');
    bucket.put('transcripts/year=2022/month=05/day=27/orphanRoom.json', '{}');
    bucket.put('transcripts/year=2022/month=05/day=27/not a room.json', '{}');

    const results = [];
    for await (const result of verifyRange(bucket, { from: '2022-05-26', to: '2022-05-27' }, options)) {
      results.push(result);
    }

    expect(results).toEqual([
      {
        room_id: 'orphanRoom',
        ok: false,
        status: 'mismatch',
        mismatches: [
          {
            room_id: 'orphanRoom',
            check: 'index.present',
            expected: 'index/rooms/orphanRoom.json',
            found: 'missing',
          },
          {
            room_id: 'orphanRoom',
            check: 'raw.present',
            expected: 'raw/year=2022/month=05/day=27/orphanRoom.json',
            found: 'missing',
          },
        ],
      },
      {
        room_id: ROOM_ID,
        ok: false,
        status: 'mismatch',
        mismatches: [{ room_id: ROOM_ID, check: 'index.raw-key', expected: RAW_KEY, found: stray }],
      },
    ]);
  });
});

describe('transcriptDifferences', () => {
  const base = { messages: [{ id: '1', text: 'a' }], chat: { title: 't' }, warnings: [] };

  it('is empty for equal values, whatever the order of members', () => {
    expect(
      transcriptDifferences(base, { warnings: [], chat: { title: 't' }, messages: [{ text: 'a', id: '1' }] }),
    ).toEqual([]);
  });

  it('names each difference with both sides', () => {
    expect(
      transcriptDifferences(base, { ...base, messages: [{ id: '1', text: 'b' }, { id: '2' }], chat: {} }),
    ).toEqual([
      { path: 'chat.title', expected: '"t"', found: '(absent)' },
      { path: 'messages[0].text', expected: '"a"', found: '"b"' },
      { path: 'messages[1]', expected: '(absent)', found: '{"id":"2"}' },
    ]);
  });

  it('ignores attachments on messages only', () => {
    const attachments = [{ key: 'attachments/x', sha256: 'x', content_type: 'image/png' }];
    expect(transcriptDifferences(base, { ...base, messages: [{ id: '1', text: 'a', attachments }] })).toEqual(
      [],
    );
    expect(transcriptDifferences(base, { ...base, chat: { title: 't', attachments } })).toEqual([
      { path: 'chat.attachments', expected: '(absent)', found: expect.stringContaining('attachments/x') },
    ]);
  });

  it("ignores the archive's not-final warning, and no other", () => {
    const notFinal = {
      path: 'chat.status',
      value: '1',
      reason: 'room not final after 4 attempts: archived as it is',
    };
    const other = { path: 'chat.status', value: '1', reason: 'something else' };
    expect(transcriptDifferences(base, { ...base, warnings: [notFinal] })).toEqual([]);
    expect(transcriptDifferences(base, { ...base, warnings: [notFinal, other] })).toEqual([
      { path: 'warnings[0]', expected: '(absent)', found: expect.stringContaining('something else') },
    ]);
  });

  it('stops at the limit', () => {
    const many = { chat: Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`k${index}`, index])) };
    expect(transcriptDifferences({ chat: {} }, many)).toHaveLength(20);
    expect(transcriptDifferences({ chat: {} }, many, 5)).toHaveLength(5);
  });
});
