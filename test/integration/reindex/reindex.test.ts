import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalS3 } from '../../../dev/aws/s3/index.js';
import { generateHistory, SAMPLE_ROOM_IDS, type SimRoom, simRoomId } from '../../../dev/simulator/index.js';
import { REDACTOR_VERSION } from '../../../lib/redaction/redact.js';
import type { ReindexResult } from '../../../lib/reindex/reindex.js';
import type { RoomVerification } from '../../../lib/retrieval/verify.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { jsonLines, runCliCaptured } from '../../support/cli.js';
import { startTestStack, TEST_BUCKET, TEST_TOKEN, type TestStack } from '../../support/stack.js';

const PREVIOUS_VERSION = '0.1.0';
const FROM = '2026-06-27';
const TO = '2026-11-30';
/** Rooms on both sides of HappyTalk's V2 deadline (2026-06-30): V1 templates before it, V2 after. */
const HISTORY: SimRoom[] = generateHistory({ from: FROM, days: 6, roomsPerDay: 3, seed: 10 });
const ROOMS = [...HISTORY.map(simRoomId), SAMPLE_ROOM_IDS.templatesV2, SAMPLE_ROOM_IDS.counselorV2].sort();

let stack: TestStack;
/** The local S3, whose record of this run's writes tells what reindex wrote. */
let front: LocalS3;
let cliEnv: Record<string, string>;
/** The rooms with a template V2 message: what the previous release could not read. */
let v2Rooms: string[];

function cli(argv: string[]) {
  return runCliCaptured(argv, cliEnv);
}

function isV2Contents(contents: string | null): boolean {
  try {
    const payload: unknown = JSON.parse(contents ?? '');
    return typeof payload === 'object' && payload !== null && 'buttonList' in payload;
  } catch {
    return false;
  }
}

/**
 * The transcript as the previous release derived it: template V2 contents not
 * read (text, image and links null or empty, no buttons, no warning about
 * them), and its own archiver version.
 */
function asPreviousRelease(transcript: Transcript): Transcript {
  return {
    ...transcript,
    messages: transcript.messages.map((message) =>
      isV2Contents(message.contents)
        ? { ...message, text: null, image_url: null, links: [], buttons: [] }
        : message,
    ),
    warnings: transcript.warnings.filter(
      (warning) => !warning.reason.includes('has no text, image or button'),
    ),
    source: { ...transcript.source, archiver_version: PREVIOUS_VERSION },
  };
}

interface Index {
  transcript_key: string;
  transcript_version_id?: string;
}

beforeAll(async () => {
  stack = await startTestStack();
  front = stack.s3;
  const { HAPPYTALK_SECRET_ID: _secret, ...rest } = stack.env;
  cliEnv = { ...rest, HAPPYTALK_TOKEN: TEST_TOKEN };
  for (const room of HISTORY) stack.simulator.addRoom(room);

  const archived = await cli(['archive', ...ROOMS]);
  expect(archived.code).toBe(0);
  v2Rooms = [];
  for (const roomId of ROOMS) {
    const indexObject = await stack.getObject(`index/rooms/${roomId}.json`);
    const index = JSON.parse(indexObject.body.toString('utf8')) as Index;
    const stored = await stack.getObject(index.transcript_key);
    const transcript = JSON.parse(stored.body.toString('utf8')) as Transcript;
    if (transcript.messages.some((message) => isV2Contents(message.contents))) v2Rooms.push(roomId);
    const previous = await stack.s3Client.send(
      new PutObjectCommand({
        Bucket: TEST_BUCKET,
        Key: index.transcript_key,
        Body: `${JSON.stringify(asPreviousRelease(transcript))}\n`,
        ContentType: 'application/json; charset=utf-8',
        Metadata: stored.metadata,
      }),
    );
    // As the previous release left it: the index pins that release's transcript version.
    await stack.s3Client.send(
      new PutObjectCommand({
        Bucket: TEST_BUCKET,
        Key: `index/rooms/${roomId}.json`,
        Body: JSON.stringify({ ...index, transcript_version_id: previous.VersionId }),
        ContentType: 'application/json; charset=utf-8',
        Metadata: indexObject.metadata,
      }),
    );
  }
  front.reset();
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('after a normalizer change: verify, reindex --dry-run, reindex, verify, reindex', () => {
  it('runs the whole sequence over rooms archived by the previous release', async () => {
    // The set holds V1 rooms (before the deadline) and V2 rooms (after it, and the V2 samples).
    expect(v2Rooms.length).toBeGreaterThanOrEqual(4);
    expect(ROOMS.length - v2Rooms.length).toBeGreaterThanOrEqual(4);
    const v1Rooms = ROOMS.filter((roomId) => !v2Rooms.includes(roomId));

    // verify: the V2 rooms are stale (derived by the previous release), not mismatches; exit 0.
    const verified = await cli(['verify', '--from', FROM, '--to', TO, '--json']);
    const verifications = jsonLines<RoomVerification>(verified.stdout);
    expect(verified.code).toBe(0);
    expect(verifications.map((result) => result.room_id)).toEqual(ROOMS);
    expect(
      verifications.filter((result) => result.status === 'stale').map((result) => result.room_id),
    ).toEqual(v2Rooms);
    expect(verifications.filter((result) => result.status === 'mismatch')).toEqual([]);
    expect(verifications.find((result) => result.status === 'stale')?.stale).toMatchObject({
      archiver_version: PREVIOUS_VERSION,
      current_version: ARCHIVER_VERSION,
    });
    expect(verified.stderr).toBe(
      `verified ${ROOMS.length} rooms from ${FROM} to ${TO}: ${v1Rooms.length} ok, ${v2Rooms.length} stale, ` +
        `0 with mismatches (0 mismatches)\n${v2Rooms.length} transcripts were derived by an older archiver than ` +
        `${ARCHIVER_VERSION}: run \`happytalk-archive reindex\` on them to derive them again from the archived raw response\n`,
    );
    const text = await cli(['verify', ...v2Rooms.slice(0, 1)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(
        `^STALE ${v2Rooms[0]} archiver ${PREVIOUS_VERSION} \\(now ${ARCHIVER_VERSION}\\) differs at messages\\[`,
      ),
    );

    // reindex --dry-run: the counts, and nothing written.
    const dryRun = await cli(['reindex', '--from', FROM, '--to', TO, '--dry-run', '--json']);
    const planned = jsonLines<ReindexResult>(dryRun.stdout);
    expect(dryRun.code).toBe(0);
    expect(planned.filter((result) => result.status === 'reindexed').map((result) => result.room_id)).toEqual(
      v2Rooms,
    );
    expect(planned.every((result) => result.status !== 'reindexed' || result.dry_run === true)).toBe(true);
    expect(dryRun.stderr).toBe(
      `dry run, nothing written: ${v2Rooms.length} of ${ROOMS.length} rooms from ${FROM} to ${TO} would be ` +
        `reindexed by archiver ${ARCHIVER_VERSION}, ${v1Rooms.length} unchanged, 0 failed\n` +
        `redacted copies: 0 to create, ${v2Rooms.length} to derive again with redactor ${REDACTOR_VERSION}, ` +
        `${v1Rooms.length} current, 0 pending (the pseudonym key cannot be read)\n`,
    );
    expect(front.versions).toEqual([]);

    // reindex: exactly the V2 rooms, their transcripts, redacted copies and indexes only, and no call to HappyTalk.
    const requestsBefore = stack.simulator.requests.length;
    const reindexed = await cli(['reindex', '--from', FROM, '--to', TO, '--json']);
    const results = jsonLines<ReindexResult>(reindexed.stdout);
    expect(reindexed.code).toBe(0);
    expect(results.map((result) => result.room_id)).toEqual(ROOMS);
    expect(results.filter((result) => result.status === 'reindexed').map((result) => result.room_id)).toEqual(
      v2Rooms,
    );
    expect(results.filter((result) => result.status === 'unchanged').map((result) => result.room_id)).toEqual(
      v1Rooms,
    );
    const written = front.versions.map((version) => version.key);
    expect(written.filter((key) => !/^(transcripts|redacted|index)\//.test(key))).toEqual([]);
    expect(written.filter((key) => key.startsWith('index/')).sort()).toEqual(
      v2Rooms.map((roomId) => `index/rooms/${roomId}.json`),
    );
    expect(written.filter((key) => key.startsWith('transcripts/'))).toHaveLength(v2Rooms.length);
    expect(written.filter((key) => key.startsWith('redacted/'))).toHaveLength(v2Rooms.length);
    expect(
      results.filter((result) => result.status === 'reindexed').map((result) => result.redacted),
    ).toEqual(
      v2Rooms.map(() => ({
        status: 'rederived',
        redactor_version: REDACTOR_VERSION,
        current_redactor_version: REDACTOR_VERSION,
      })),
    );
    expect(stack.simulator.requests.length).toBe(requestsBefore);
    const got = await cli(['get', SAMPLE_ROOM_IDS.templatesV2]);
    const transcript = JSON.parse(got.stdout) as Transcript;
    expect(transcript.source).toMatchObject({
      archiver_version: ARCHIVER_VERSION,
      reindexed_at: expect.any(String),
    });
    expect(transcript.messages.find((message) => message.id === '581004')).toMatchObject({
      text: '텍스트 + 버튼에 텍스트',
      buttons: [{ type: 'WEB_LINK' }, { type: 'TEXT', name: '봇키워드' }],
    });
    const page = await cli(['get', SAMPLE_ROOM_IDS.templatesV2, '--format', 'html']);
    expect(page.stdout).toContain('<li class="chip"><bdi>봇키워드</bdi></li>');
    // The redacted copy was derived again with the transcript: it has its buttons and its source.
    const copy = JSON.parse(
      (await cli(['get', SAMPLE_ROOM_IDS.templatesV2, '--redacted'])).stdout,
    ) as Transcript;
    expect(copy.source).toEqual(transcript.source);
    expect(copy.messages.find((message) => message.id === '581004')?.buttons).toHaveLength(2);

    // verify again: every room ok.
    const again = await cli(['verify', '--from', FROM, '--to', TO, '--json']);
    expect(again.code).toBe(0);
    expect(jsonLines<RoomVerification>(again.stdout).map((result) => result.status)).toEqual(
      ROOMS.map(() => 'ok'),
    );

    // reindex again: every room unchanged, nothing written.
    front.reset();
    const noop = await cli(['reindex', '--from', FROM, '--to', TO]);
    expect(noop.code).toBe(0);
    expect(noop.stdout.split('\n').filter((line) => line.startsWith('UNCHANGED '))).toHaveLength(
      ROOMS.length,
    );
    expect(noop.stdout).toContain(
      `reindexed 0 of ${ROOMS.length} rooms from ${FROM} to ${TO} with archiver ${ARCHIVER_VERSION}, ` +
        `${ROOMS.length} unchanged, 0 failed\nredacted copies: 0 created, 0 derived again with redactor ` +
        `${REDACTOR_VERSION}, ${ROOMS.length} current, 0 pending (the pseudonym key cannot be read)\n`,
    );
    expect(front.versions).toEqual([]);
  });
});

describe('happytalk-archive reindex', () => {
  it('exits 1 when a room fails, the others still reindexed, with one text line per room', async () => {
    // Act
    const { code, stdout } = await cli(['reindex', SAMPLE_ROOM_IDS.counselorV2, 'neverArchived']);

    // Assess
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `UNCHANGED ${SAMPLE_ROOM_IDS.counselorV2} (archiver ${ARCHIVER_VERSION}); redacted copy current ` +
        `(redactor ${REDACTOR_VERSION})`,
      'FAILED neverArchived NOT_ARCHIVED: room neverArchived is not archived: no index/rooms/neverArchived.json',
      `reindexed 0 of 2 rooms with archiver ${ARCHIVER_VERSION}, 1 unchanged, 1 failed`,
      `redacted copies: 0 created, 0 derived again with redactor ${REDACTOR_VERSION}, 1 current, 0 pending ` +
        '(the pseudonym key cannot be read)',
      '',
    ]);
  });

  it.each([
    [['reindex'], 'name the rooms to reindex, or give --from and --to'],
    [
      ['reindex', 'room', '--from', '2026-01-01', '--to', '2026-01-02'],
      'name rooms or give --from and --to, not both',
    ],
    [['reindex', '--from', '2026-01-02', '--to', '2026-01-01'], '--from'],
    [['reindex', 'bad/id'], 'room id'],
  ])('refuses %j before writing anything', async (argv, message) => {
    // Prepare
    front.reset();

    // Act
    const { code, stderr } = await cli(argv);

    // Assess
    expect(code).not.toBe(0);
    expect(stderr).toContain(message);
    expect(front.versions).toEqual([]);
  });
});
