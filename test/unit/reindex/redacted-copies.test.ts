import { describe, expect, it } from 'vitest';
import type { TranscriptIndexRecord } from '../../../lib/archive/index-record.js';
import { RedactedCopies } from '../../../lib/redaction/copy.js';
import { Pseudonymizer } from '../../../lib/redaction/pseudonym.js';
import { REDACTOR_VERSION } from '../../../lib/redaction/redact.js';
import { type ReindexOptions, reindexRoom } from '../../../lib/reindex/reindex.js';
import { verifyRoom } from '../../../lib/retrieval/verify.js';
import { sha256Hex } from '../../../lib/shared/hash.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { FakeArchive } from '../retrieval/fake-archive.js';
import {
  archive,
  archiveUnprocessable,
  asPreviousRelease,
  EXAMPLE,
  ROOM_ID,
  TRANSCRIPT_KEY,
  v2Example,
} from '../retrieval/room-fixture.js';

const KEY = 'reindex-test-redaction-key-0123456789abcdef';
const OTHER_KEY = 'another-redaction-key-after-rotation-0123456789';
const NOW = new Date('2026-11-30T09:00:00.000Z');
const INDEX_KEY = `index/rooms/${ROOM_ID}.json`;
const REDACTED_KEY = `redacted/year=2022/month=05/day=26/${ROOM_ID}.json`;
const CUSTOMER = '1000225570_testuser';

function optionsWith(key: string | undefined): ReindexOptions {
  return {
    timeZone: 'Asia/Seoul',
    now: () => NOW,
    retryDelayMs: 1,
    redaction: new RedactedCopies({ key: key === undefined ? undefined : { kind: 'local', key } }),
  };
}

function latest(bucket: FakeArchive, key: string) {
  const version = bucket.versions(key).at(-1);
  if (!version) throw new Error(`no ${key}`);
  return { ...version, json: JSON.parse(new TextDecoder().decode(version.body)) as Record<string, unknown> };
}

function latestIndex(bucket: FakeArchive): TranscriptIndexRecord {
  return latest(bucket, INDEX_KEY).json as unknown as TranscriptIndexRecord;
}

/** A room archived with its copy by the archive, as `reindex` left it with `key`. */
async function archivedWithCopy(key = KEY): Promise<FakeArchive> {
  const bucket = new FakeArchive();
  archive(bucket);
  await reindexRoom(bucket, ROOM_ID, optionsWith(key));
  bucket.conditionalPuts.length = 0;
  return bucket;
}

describe('reindex and the redacted copies', () => {
  it('makes the copy of a room archived before copies were written, then records it in the index', async () => {
    // Prepare
    const bucket = new FakeArchive();
    const { index } = archive(bucket);

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    expect(result).toEqual({
      room_id: ROOM_ID,
      status: 'reindexed',
      archiver_version: ARCHIVER_VERSION,
      current_version: ARCHIVER_VERSION,
      differences: [],
      transcript_key: TRANSCRIPT_KEY,
      redacted: { status: 'created', current_redactor_version: REDACTOR_VERSION },
    });
    expect(bucket.conditionalPuts).toEqual([REDACTED_KEY, INDEX_KEY]);
    const copy = latest(bucket, REDACTED_KEY);
    expect(copy.json.chat).toMatchObject({
      customer: { uuid: new Pseudonymizer(KEY).pseudonym('customer', CUSTOMER) },
    });
    expect(copy.json.redaction).toMatchObject({ redactor_version: REDACTOR_VERSION });
    expect(copy.metadata).toMatchObject({
      sha256: index.sha256,
      'redactor-version': REDACTOR_VERSION,
      'redaction-key-id': new Pseudonymizer(KEY).keyId,
      'redacted-sha256': sha256Hex(copy.body),
    });
    expect(latestIndex(bucket)).toEqual({
      ...index,
      redacted_key: REDACTED_KEY,
      redacted_version_id: copy.versionId,
      redacted_sha256: sha256Hex(copy.body),
      redactor_version: REDACTOR_VERSION,
      redaction_key_id: new Pseudonymizer(KEY).keyId,
    });
    expect(latest(bucket, INDEX_KEY).metadata).toMatchObject({ 'redactor-version': REDACTOR_VERSION });
    const verified = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul' });
    expect(verified).toEqual({ room_id: ROOM_ID, ok: true, status: 'ok', mismatches: [] });
  });

  it('leaves a current copy alone: nothing written the second time', async () => {
    // Prepare
    const bucket = await archivedWithCopy();

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    expect(result).toEqual({
      room_id: ROOM_ID,
      status: 'unchanged',
      archiver_version: ARCHIVER_VERSION,
      redacted: {
        status: 'current',
        redactor_version: REDACTOR_VERSION,
        current_redactor_version: REDACTOR_VERSION,
      },
    });
    expect(bucket.conditionalPuts).toEqual([]);
  });

  it('derives again a copy of an older redactor; a dry run only says so', async () => {
    // Prepare
    const bucket = await archivedWithCopy();
    bucket.putIndex({ ...latestIndex(bucket), redactor_version: '1.0.0' });

    // Act
    const dryRun = await reindexRoom(bucket, ROOM_ID, { ...optionsWith(KEY), dryRun: true });
    const afterDryRun = [...bucket.conditionalPuts];
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    const redacted = {
      status: 'rederived',
      redactor_version: '1.0.0',
      current_redactor_version: REDACTOR_VERSION,
    };
    expect(dryRun).toMatchObject({ status: 'reindexed', dry_run: true, differences: [], redacted });
    expect(afterDryRun).toEqual([]);
    expect(result).toMatchObject({ status: 'reindexed', differences: [], redacted });
    // The copy holds the same bytes (same transcript, key and redactor): only the index is written again.
    expect(bucket.conditionalPuts).toEqual([INDEX_KEY]);
    expect(latestIndex(bucket).redactor_version).toBe(REDACTOR_VERSION);
  });

  it('derives every copy again under a new pseudonym key: every pseudonym changes', async () => {
    // Prepare
    const bucket = await archivedWithCopy(KEY);
    const before = latest(bucket, REDACTED_KEY).json;

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(OTHER_KEY));

    // Assess
    expect(result).toMatchObject({ status: 'reindexed', redacted: { status: 'rederived' } });
    expect(bucket.conditionalPuts).toEqual([REDACTED_KEY, INDEX_KEY]);
    const after = latest(bucket, REDACTED_KEY).json;
    expect(after.chat).toMatchObject({
      customer: { uuid: new Pseudonymizer(OTHER_KEY).pseudonym('customer', CUSTOMER) },
    });
    expect((after.chat as { customer: unknown }).customer).not.toEqual(
      (before.chat as { customer: unknown }).customer,
    );
    expect(latestIndex(bucket).redaction_key_id).toBe(new Pseudonymizer(OTHER_KEY).keyId);
  });

  it('writes a new copy with every transcript it derives again, before the index', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archive(bucket, { raw: v2Example(), transform: (transcript) => asPreviousRelease(transcript) });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    expect(result).toMatchObject({
      status: 'reindexed',
      differences: expect.arrayContaining(['messages[0].buttons']),
      redacted: { status: 'created' },
    });
    expect(bucket.conditionalPuts).toEqual([TRANSCRIPT_KEY, REDACTED_KEY, INDEX_KEY]);
    const transcript = latest(bucket, TRANSCRIPT_KEY).json as { source: unknown; messages: unknown[] };
    const copy = latest(bucket, REDACTED_KEY).json as { source: unknown; messages: { buttons: unknown }[] };
    expect(copy.source).toEqual(transcript.source);
    expect(copy.messages[0]?.buttons).toHaveLength(2);
    expect(latestIndex(bucket)).toMatchObject({
      redacted_key: REDACTED_KEY,
      reindexed_at: NOW.toISOString(),
    });
  });

  it('leaves the copy pending when the key cannot be read, writing none of it', async () => {
    // Prepare
    const missing = new FakeArchive();
    archive(missing);
    const reindexed = new FakeArchive();
    archive(reindexed, { raw: v2Example(), transform: (transcript) => asPreviousRelease(transcript) });

    // Act
    const unchanged = await reindexRoom(missing, ROOM_ID, optionsWith(undefined));
    const transcriptOnly = await reindexRoom(reindexed, ROOM_ID, optionsWith(undefined));

    // Assess
    const pending = {
      status: 'pending',
      current_redactor_version: REDACTOR_VERSION,
      reason: 'REDACTION_KEY_NOT_CONFIGURED',
    };
    expect(unchanged).toEqual({
      room_id: ROOM_ID,
      status: 'unchanged',
      archiver_version: ARCHIVER_VERSION,
      redacted: pending,
    });
    expect(missing.conditionalPuts).toEqual([]);
    expect(transcriptOnly).toMatchObject({ status: 'reindexed', redacted: pending });
    expect(reindexed.conditionalPuts).toEqual([TRANSCRIPT_KEY, INDEX_KEY]);
    expect(latestIndex(reindexed).redaction_pending).toBe('REDACTION_KEY_NOT_CONFIGURED');
    const verified = await verifyRoom(reindexed, ROOM_ID, { timeZone: 'Asia/Seoul', expectCopies: true });
    expect(verified).toMatchObject({ ok: true, redacted_copy: 'pending' });
  });

  it('makes the first copy with the first transcript of an answer that was unprocessable', async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket, { raw: EXAMPLE, reason: 'the normalizer failed: RangeError' });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    expect(result).toMatchObject({ was_unprocessable: true, redacted: { status: 'created' } });
    expect(bucket.conditionalPuts).toEqual([TRANSCRIPT_KEY, REDACTED_KEY, INDEX_KEY]);
    expect(latestIndex(bucket)).toMatchObject({ redacted_key: REDACTED_KEY });
  });
});

describe('reindex beside an archive of a newer answer', () => {
  /** An archive of a newer answer that has written `key` and not yet its index. */
  function newerAnswerAt(bucket: FakeArchive, key: string, index: TranscriptIndexRecord): string {
    const later = new Date(Date.parse(index.fetched_at ?? index.archived_at) + 60_000).toISOString();
    return bucket.put(key, '{"newer":"answer"}\n', { sha256: 'f'.repeat(64), 'fetched-at': later });
  }

  it('never writes its copy over the copy of a newer answer: it backs off and fails with CONFLICT', async () => {
    // Prepare
    const bucket = new FakeArchive();
    const { index } = archive(bucket);
    const newer = newerAnswerAt(bucket, REDACTED_KEY, index);

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    expect(result).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(bucket.conditionalPuts).toEqual([]);
    expect(bucket.versions(REDACTED_KEY).at(-1)?.versionId).toBe(newer);
  });

  it('writes over the copy of an older answer (one left behind while copies were pending)', async () => {
    // Prepare
    const bucket = new FakeArchive();
    const { index } = archive(bucket);
    const earlier = new Date(Date.parse(index.fetched_at ?? index.archived_at) - 60_000).toISOString();
    bucket.put(REDACTED_KEY, '{"older":"answer"}\n', { sha256: 'e'.repeat(64), 'fetched-at': earlier });

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    expect(result).toMatchObject({ status: 'reindexed', redacted: { status: 'created' } });
    expect(bucket.conditionalPuts).toEqual([REDACTED_KEY, INDEX_KEY]);
    expect(latest(bucket, REDACTED_KEY).metadata).toMatchObject({ sha256: index.sha256 });
  });

  it("never writes the first transcript of an unprocessable answer over a newer answer's transcript", async () => {
    // Prepare
    const bucket = new FakeArchive();
    archiveUnprocessable(bucket, { raw: EXAMPLE, reason: 'the normalizer failed: RangeError' });
    const index = (await bucket.readIndex(ROOM_ID)) as TranscriptIndexRecord;
    const newer = newerAnswerAt(bucket, TRANSCRIPT_KEY, index);

    // Act
    const result = await reindexRoom(bucket, ROOM_ID, optionsWith(KEY));

    // Assess
    expect(result).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(bucket.conditionalPuts).toEqual([]);
    expect(bucket.versions(TRANSCRIPT_KEY).at(-1)?.versionId).toBe(newer);
  });
});

describe('verify and the redacted copies', () => {
  it('finds a copy whose bytes are not the ones indexed, and a copy of another answer', async () => {
    // Prepare
    const bucket = await archivedWithCopy();
    const copy = latest(bucket, REDACTED_KEY);
    const tampered = { ...copy.json, source: { ...(copy.json.source as object), sha256: 'ab'.repeat(32) } };
    const versionId = bucket.put(REDACTED_KEY, `${JSON.stringify(tampered)}\n`, copy.metadata);
    bucket.putIndex({ ...latestIndex(bucket), redacted_version_id: versionId });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul' });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.mismatches.map((mismatch) => mismatch.check)).toEqual([
      'redacted.sha256',
      'redacted.source-sha256',
    ]);
    expect(result.mismatches[1]).toMatchObject({
      expected: latestIndex(bucket).sha256,
      found: 'ab'.repeat(32),
    });
  });

  it('finds a copy the index records but the bucket does not hold', async () => {
    // Prepare
    const bucket = await archivedWithCopy();
    bucket.putIndex({ ...latestIndex(bucket), redacted_version_id: 'v-gone' });

    // Act
    const result = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul' });

    // Assess
    expect(result.mismatches).toEqual([
      {
        room_id: ROOM_ID,
        check: 'redacted.present',
        expected: `${REDACTED_KEY} (version v-gone)`,
        found: 'missing',
      },
    ]);
  });

  it('says a room archived before copies has none, without calling it a mismatch, when copies are on', async () => {
    const bucket = new FakeArchive();
    archive(bucket);

    const on = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul', expectCopies: true });
    const off = await verifyRoom(bucket, ROOM_ID, { timeZone: 'Asia/Seoul' });

    expect(on).toMatchObject({ ok: true, status: 'ok', redacted_copy: 'missing' });
    expect(off).toEqual({ room_id: ROOM_ID, ok: true, status: 'ok', mismatches: [] });
  });
});
