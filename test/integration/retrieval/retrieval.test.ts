import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRoom, makeRoomId, SAMPLE_ROOM_IDS, type SimRoom } from '../../../dev/simulator/index.js';
import type { ExportManifest } from '../../../lib/retrieval/export.js';
import type { RoomVerification } from '../../../lib/retrieval/verify.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { jsonLines, runCliCaptured } from '../../support/cli.js';
import { startTestStack, TEST_BUCKET, TEST_TOKEN, type TestStack } from '../../support/stack.js';

const MINJI = '1000225570_minji88';
const JIWOO = '1000225570_jiwoo_lee';

/** Generated rooms, by what they are for; each with its registration time, status and customer. */
const generated = {
  // Two more rooms of the sample `completed` room's customer, one the same day.
  minjiSameDay: room('retrieval-minji-1', '2024-03-11 18:30:00', '2', { uuid: MINJI, userId: 'minji88' }),
  minjiLater: room('retrieval-minji-2', '2024-03-14 09:05:00', '2', { uuid: MINJI, userId: 'minji88' }),
  other: room('retrieval-other', '2024-03-12 11:00:00', '2', {
    uuid: '1000225570_seoyeon',
    userId: 'seoyeon',
  }),
  // Rooms the verify tests damage, on days of their own.
  tamperedRaw: room('retrieval-tampered-raw', '2024-04-01 10:00:00', '2'),
  missingTranscript: room('retrieval-missing-transcript', '2024-04-02 10:00:00', '2'),
  staleIndex: room('retrieval-stale-index', '2024-04-03 10:00:00', '1'),
};

function room(
  seed: string,
  regDate: string,
  status: string,
  customer?: { uuid: string; userId: string },
): { id: string; simRoom: SimRoom } {
  const id = makeRoomId(seed);
  const simRoom = generateRoom({ roomId: id, messageCount: 6, regDate, status });
  if (customer) {
    simRoom.chat.customer_uuid = customer.uuid;
    simRoom.chat.users_id = customer.userId;
  }
  return { id, simRoom };
}

/** The rooms archived from March 11 to 14, 2024 (the samples among them), by day then id as keys sort. */
const MARCH: readonly { id: string; day: string }[] = [
  { id: SAMPLE_ROOM_IDS.completed, day: '2024-03-11' },
  { id: generated.minjiSameDay.id, day: '2024-03-11' },
  { id: SAMPLE_ROOM_IDS.open, day: '2024-03-12' },
  { id: generated.other.id, day: '2024-03-12' },
  { id: SAMPLE_ROOM_IDS.buttons, day: '2024-03-13' },
  { id: generated.minjiLater.id, day: '2024-03-14' },
];
const marchIds = [...MARCH].sort((a, b) => (a.day + a.id < b.day + b.id ? -1 : 1)).map((entry) => entry.id);

const IMAGE_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const IMAGE_SHA256 = sha256(IMAGE_BYTES);
const MISSING_SHA256 = 'f'.repeat(64);

let stack: TestStack;
let cliEnv: Record<string, string>;
let scratch: string;

beforeAll(async () => {
  stack = await startTestStack();
  const { HAPPYTALK_SECRET_ID: _secret, ...rest } = stack.env;
  cliEnv = { ...rest, HAPPYTALK_TOKEN: TEST_TOKEN };
  scratch = await mkdtemp(join(tmpdir(), 'happytalk-retrieval-'));
  for (const { simRoom } of Object.values(generated)) stack.simulator.addRoom(simRoom);
  const archived = await cli([
    'archive',
    SAMPLE_ROOM_IDS.completed,
    SAMPLE_ROOM_IDS.open,
    SAMPLE_ROOM_IDS.buttons,
    SAMPLE_ROOM_IDS.images,
    ...Object.values(generated).map(({ id }) => id),
  ]);
  expect(archived.code).toBe(0);
  await addAttachmentsToImagesRoom();
});

afterAll(async () => {
  await stack?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function cli(argv: string[], env: Record<string, string> = cliEnv) {
  return runCliCaptured(argv, env);
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface Index {
  raw_key: string;
  transcript_key: string;
  sha256: string;
  transcript_version_id?: string;
}

async function indexOf(roomId: string): Promise<Index> {
  return JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8')) as Index;
}

/** Writes a new version of `key` (the local S3 keeps every version, as the archive bucket does); its id. */
async function put(
  key: string,
  body: Uint8Array | string,
  metadata: Record<string, string> = {},
): Promise<string | undefined> {
  const output = await stack.s3Client.send(
    new PutObjectCommand({
      Bucket: TEST_BUCKET,
      Key: key,
      Body: body,
      ContentType: 'application/json; charset=utf-8',
      Metadata: metadata,
    }),
  );
  return output.VersionId;
}

/**
 * Gives the image messages of the `images` sample room `attachments`, as the archive will once it copies
 * them: the first names an archived object, the second one that is not in the bucket.
 */
async function addAttachmentsToImagesRoom(): Promise<void> {
  const index = await indexOf(SAMPLE_ROOM_IDS.images);
  const stored = await stack.getObject(index.transcript_key);
  const transcript = JSON.parse(stored.body.toString('utf8'));
  const images = (transcript.messages as { image_url: string | null; attachments?: unknown }[]).filter(
    (message) => message.image_url,
  );
  expect(images.length).toBeGreaterThanOrEqual(2);
  const [first, second] = images;
  if (!first || !second) throw new Error('the images room has fewer than two images');
  first.attachments = [
    {
      url: first.image_url,
      key: `attachments/${IMAGE_SHA256}`,
      sha256: IMAGE_SHA256,
      content_type: 'image/png',
      bytes: IMAGE_BYTES.length,
    },
  ];
  second.attachments = [
    {
      url: second.image_url,
      key: `attachments/${MISSING_SHA256}`,
      sha256: MISSING_SHA256,
      content_type: 'image/jpeg',
      bytes: 1234,
    },
  ];
  await put(`attachments/${IMAGE_SHA256}`, IMAGE_BYTES, { sha256: IMAGE_SHA256 });
  const version = await put(index.transcript_key, `${JSON.stringify(transcript)}\n`, stored.metadata ?? {});
  // As the archive does: the index pins the transcript version it wrote.
  const indexKey = `index/rooms/${SAMPLE_ROOM_IDS.images}.json`;
  const storedIndex = await stack.getObject(indexKey);
  await put(
    indexKey,
    JSON.stringify({ ...index, transcript_version_id: version }),
    storedIndex.metadata ?? {},
  );
}

describe('happytalk-archive list', () => {
  it('lists every room archived in the range, by day then room id, as a table', async () => {
    const { code, stdout, stderr } = await cli(['list', '--from', '2024-03-11', '--to', '2024-03-14']);

    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header?.split(/\s+/)).toEqual([
      'ROOM_ID',
      'REGISTERED_AT',
      'STATUS',
      'CUSTOMER_UUID',
      'USER_ID',
      'MESSAGES',
    ]);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(marchIds);
    const completedRow = rows.find((row) => row.startsWith(SAMPLE_ROOM_IDS.completed));
    expect(completedRow?.split(/\s{2,}/)).toEqual([
      SAMPLE_ROOM_IDS.completed,
      '2024-03-11T14:02:13+09:00',
      '2 completed',
      MINJI,
      'minji88',
      expect.stringMatching(/^\d+$/),
    ]);
    expect(stderr).toBe('6 rooms of 6 archived from 2024-03-11 to 2024-03-14\n');
  });

  it('prints one JSON object per room with --json', async () => {
    const { code, stdout } = await cli(['list', '--from', '2024-03-11', '--to', '2024-03-11', '--json']);

    expect(code).toBe(0);
    const rows = jsonLines(stdout);
    expect(rows.map((row) => row.room_id)).toEqual(marchIds.slice(0, 2));
    const completed = await cli(['get', SAMPLE_ROOM_IDS.completed]);
    const transcript = JSON.parse(completed.stdout);
    expect(rows.find((row) => row.room_id === SAMPLE_ROOM_IDS.completed)).toEqual({
      room_id: SAMPLE_ROOM_IDS.completed,
      registered_at: '2024-03-11T14:02:13+09:00',
      status: '2',
      status_name: 'completed',
      customer_uuid: MINJI,
      user_id: 'minji88',
      message_count: transcript.stats.message_count,
      transcript_key: (await indexOf(SAMPLE_ROOM_IDS.completed)).transcript_key,
    });
  });

  it.each([
    ['--customer', MINJI, [SAMPLE_ROOM_IDS.completed, generated.minjiSameDay.id, generated.minjiLater.id]],
    ['--user-id', 'seoyeon', [generated.other.id]],
    ['--status', '1', [SAMPLE_ROOM_IDS.open]],
    ['--status', '4', [SAMPLE_ROOM_IDS.buttons]],
  ])('keeps only the rooms matching %s %s', async (flag, value, expected) => {
    const { code, stdout } = await cli([
      'list',
      '--from',
      '2024-03-11',
      '--to',
      '2024-03-14',
      flag,
      value,
      '--json',
    ]);

    expect(code).toBe(0);
    expect(jsonLines(stdout).map((row) => row.room_id)).toEqual(
      marchIds.filter((id) => expected.includes(id)),
    );
  });

  it('combines filters, and prints nothing but the count when no room matches', async () => {
    const { code, stdout, stderr } = await cli([
      'list',
      '--from',
      '2024-03-11',
      '--to',
      '2024-03-14',
      '--customer',
      MINJI,
      '--status',
      '1',
    ]);

    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe('0 rooms of 6 archived from 2024-03-11 to 2024-03-14\n');
  });

  it.each([
    [['--from', '2024-02-30', '--to', '2024-03-01'], /--from "2024-02-30" is not a calendar date YYYY-MM-DD/],
    [['--from', '2024-03-11', '--to', '11/03/2024'], /--to "11\/03\/2024" is not a calendar date/],
    [['--from', '2024-03-12', '--to', '2024-03-11'], /--from 2024-03-12 is after --to 2024-03-11/],
    [['--from', '2023-01-01', '--to', '2024-01-02'], /covers 367 days; at most 366 days/],
  ])('refuses the range %j as a usage error (exit 2)', async (range, message) => {
    const { code, stdout, stderr } = await cli(['list', ...range]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 without --from', async () => {
    const { code, stderr } = await cli(['list', '--to', '2024-03-11']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/required option '--from <date>'/);
  });
});

describe('happytalk-archive get', () => {
  it('prints the stored transcript line byte for byte (json, the default)', async () => {
    const index = await indexOf(SAMPLE_ROOM_IDS.completed);

    const json = await cli(['get', SAMPLE_ROOM_IDS.completed]);
    const explicit = await cli(['get', SAMPLE_ROOM_IDS.completed, '--format', 'json']);

    expect(json.code).toBe(0);
    expect(json.stdoutBytes.equals((await stack.getObject(index.transcript_key)).body)).toBe(true);
    expect(explicit.stdoutBytes.equals(json.stdoutBytes)).toBe(true);
  });

  it('prints the exact raw bytes with --format raw, and with its alias --raw', async () => {
    const index = await indexOf(SAMPLE_ROOM_IDS.buttons);
    const stored = (await stack.getObject(index.raw_key)).body;

    const format = await cli(['get', SAMPLE_ROOM_IDS.buttons, '--format', 'raw']);
    const alias = await cli(['get', SAMPLE_ROOM_IDS.buttons, '--raw']);

    expect(format.code).toBe(0);
    expect(format.stdoutBytes.equals(stored)).toBe(true);
    expect(alias.stdoutBytes.equals(stored)).toBe(true);
    expect(sha256(format.stdoutBytes)).toBe(index.sha256);
  });

  it('prints the transcript view with --format html', async () => {
    const { code, stdout } = await cli(['get', SAMPLE_ROOM_IDS.completed, '--format', 'html']);

    expect(code).toBe(0);
    expect(stdout.startsWith('<!doctype html>')).toBe(true);
    expect(stdout).toContain('<title>상담 기록 · 주문한 상품 배송 문의</title>');
    expect(stdout).toContain((await indexOf(SAMPLE_ROOM_IDS.completed)).sha256);
  });

  it('embeds the archived image a message names in its attachments, and only that one', async () => {
    const { code, stdout } = await cli(['get', SAMPLE_ROOM_IDS.images, '--format', 'html']);

    expect(code).toBe(0);
    expect(stdout.match(/src="data:image\//g)).toHaveLength(1);
    expect(stdout).toContain(`src="data:image/png;base64,${IMAGE_BYTES.toString('base64')}"`);
  });

  it('exits 1 for a room that is not archived', async () => {
    const { code, stdout, stderr } = await cli(['get', 'neverArchived', '--format', 'html']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`happytalk-archive: room neverArchived is not archived in ${TEST_BUCKET}\n`);
  });

  it('exits 2 when --raw contradicts --format, or the format is unknown', async () => {
    const contradiction = await cli(['get', SAMPLE_ROOM_IDS.completed, '--raw', '--format', 'html']);
    const unknown = await cli(['get', SAMPLE_ROOM_IDS.completed, '--format', 'pdf']);

    expect(contradiction.code).toBe(2);
    expect(contradiction.stderr).toMatch(/--raw and --format html contradict each other/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Allowed choices are json, html, raw/);
  });
});

describe('happytalk-archive verify', () => {
  it('passes on a clean archive: every room of a range, and rooms named, attachments added or not', async () => {
    const range = await cli(['verify', '--from', '2024-03-11', '--to', '2024-03-14']);
    const named = await cli(['verify', SAMPLE_ROOM_IDS.images, SAMPLE_ROOM_IDS.completed, '--json']);

    expect(range.stdout).toBe(
      'verified 6 rooms from 2024-03-11 to 2024-03-14: 6 ok, 0 with mismatches (0 mismatches)\n',
    );
    expect(range.code).toBe(0);
    expect(named.code).toBe(0);
    expect(jsonLines<RoomVerification>(named.stdout)).toEqual([
      { room_id: SAMPLE_ROOM_IDS.images, ok: true, status: 'ok', mismatches: [] },
      { room_id: SAMPLE_ROOM_IDS.completed, ok: true, status: 'ok', mismatches: [] },
    ]);
    expect(named.stderr).toBe('verified 2 rooms: 2 ok, 0 with mismatches (0 mismatches)\n');
  });

  it('catches a raw object overwritten with the same metadata: the latest version is not the answer', async () => {
    const roomId = generated.tamperedRaw.id;
    const index = await indexOf(roomId);
    const original = await stack.getObject(index.raw_key);
    const tampered = Buffer.from(original.body.toString('utf8').replace('"status":"2"', '"status":"3"'));
    expect(tampered.equals(original.body)).toBe(false);
    await put(index.raw_key, tampered, original.metadata ?? {});

    const text = await cli(['verify', roomId]);
    const json = await cli(['verify', roomId, '--json']);

    expect(text.code).toBe(1);
    expect(text.stdout).toBe(
      `MISMATCH ${roomId} index.latest-raw expected: ${index.sha256} found: bytes with sha256 ${sha256(tampered)}\n` +
        'verified 1 room: 0 ok, 1 with mismatches (1 mismatch)\n',
    );
    expect(json.code).toBe(1);
    expect(jsonLines<RoomVerification>(json.stdout)).toEqual([
      {
        room_id: roomId,
        ok: false,
        status: 'mismatch',
        mismatches: [
          {
            room_id: roomId,
            check: 'index.latest-raw',
            expected: index.sha256,
            found: `bytes with sha256 ${sha256(tampered)}`,
          },
        ],
      },
    ]);
  });

  it('catches a missing transcript, named and in a range', async () => {
    const roomId = generated.missingTranscript.id;
    const index = await indexOf(roomId);
    // The version the index pins is removed for good (a delete marker would leave it readable).
    await stack.s3Client.send(
      new DeleteObjectCommand({
        Bucket: TEST_BUCKET,
        Key: index.transcript_key,
        VersionId: index.transcript_version_id,
      }),
    );

    const named = await cli(['verify', roomId, '--json']);
    const ranged = await cli(['verify', '--from', '2024-04-02', '--to', '2024-04-02', '--json']);

    const expected: RoomVerification = {
      room_id: roomId,
      ok: false,
      status: 'mismatch',
      mismatches: [
        {
          room_id: roomId,
          check: 'transcript.present',
          expected: `${index.transcript_key} (version ${index.transcript_version_id})`,
          found: 'missing',
        },
      ],
    };
    expect(named.code).toBe(1);
    expect(jsonLines(named.stdout)).toEqual([expected]);
    expect(ranged.code).toBe(1);
    expect(jsonLines(ranged.stdout)).toEqual([expected]);
  });

  it('catches a raw object without transcript or index in a range', async () => {
    const orphan = makeRoomId('retrieval-orphan');
    const rawKey = `raw/year=2024/month=04/day=02/${orphan}.json`;
    await put(rawKey, '{"result":"success","data":[]}', { sha256: sha256('{"result":"success","data":[]}') });

    const { code, stdout } = await cli(['verify', '--from', '2024-04-02', '--to', '2024-04-02']);

    expect(code).toBe(1);
    expect(stdout).toContain(
      `MISMATCH ${orphan} index.present expected: index/rooms/${orphan}.json found: missing\n` +
        `MISMATCH ${orphan} transcript.present expected: transcripts/year=2024/month=04/day=02/${orphan}.json found: missing\n`,
    );
    expect(stdout).toMatch(
      /verified 2 rooms from 2024-04-02 to 2024-04-02: 0 ok, 2 with mismatches \(3 mismatches\)\n$/,
    );
  });

  it('catches a stale index: the room archived again, then its older index put back', async () => {
    const roomId = generated.staleIndex.id;
    const older = await stack.getObject(`index/rooms/${roomId}.json`);
    const olderSha256 = (JSON.parse(older.body.toString('utf8')) as Index).sha256;
    stack.simulator.addRoom(
      generateRoom({ roomId, messageCount: 6, regDate: '2024-04-03 10:00:00', status: '2' }),
    );
    const rearchived = await cli(['archive', roomId]);
    expect(JSON.parse(rearchived.stdout)).toMatchObject({ status: 'updated' });
    const newerSha256 = (await indexOf(roomId)).sha256;
    expect(newerSha256).not.toBe(olderSha256);
    await put(`index/rooms/${roomId}.json`, older.body, older.metadata ?? {});

    const { code, stdout } = await cli(['verify', roomId, '--json']);

    expect(code).toBe(1);
    const [result] = jsonLines<RoomVerification>(stdout);
    expect(result?.mismatches).toEqual(
      expect.arrayContaining([
        { room_id: roomId, check: 'index.latest-raw', expected: olderSha256, found: newerSha256 },
        { room_id: roomId, check: 'index.latest-transcript', expected: olderSha256, found: newerSha256 },
      ]),
    );
  });

  it('exits 2 without rooms or a range, or with both', async () => {
    const neither = await cli(['verify']);
    const both = await cli([
      'verify',
      SAMPLE_ROOM_IDS.completed,
      '--from',
      '2024-03-11',
      '--to',
      '2024-03-11',
    ]);
    const half = await cli(['verify', '--from', '2024-03-11']);

    expect([neither.code, both.code, half.code]).toEqual([2, 2, 2]);
    expect(neither.stderr).toMatch(/name the rooms to verify, or give --from and --to/);
    expect(both.stderr).toMatch(/not both/);
    expect(half.stderr).toMatch(/--from and --to go together/);
  });
});

describe('happytalk-archive export', () => {
  async function filesUnder(directory: string, prefix = ''): Promise<string[]> {
    const entries = await readdir(directory, { withFileTypes: true });
    const nested = await Promise.all(
      entries.map((entry) =>
        entry.isDirectory()
          ? filesUnder(join(directory, entry.name), `${prefix}${entry.name}/`)
          : [`${prefix}${entry.name}`],
      ),
    );
    return nested.flat().sort();
  }

  async function readManifest(directory: string): Promise<ExportManifest> {
    return JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')) as ExportManifest;
  }

  it("writes every transcript of the customer with its raw copy, and a manifest of every file's SHA-256", async () => {
    const out = join(scratch, 'minji');
    const rooms = [SAMPLE_ROOM_IDS.completed, generated.minjiSameDay.id, generated.minjiLater.id].sort();

    const { code, stdout } = await cli(['export', '--customer', MINJI, '--out', out, '--json']);

    expect(code).toBe(0);
    expect(await filesUnder(out)).toEqual(
      [...rooms.flatMap((id) => [`${id}/raw.json`, `${id}/transcript.json`]), 'manifest.json'].sort(),
    );
    const manifest = await readManifest(out);
    expect(manifest).toMatchObject({
      manifest_version: 1,
      customer: { uuid: MINJI },
      archiver_version: ARCHIVER_VERSION,
      bucket: TEST_BUCKET,
      range: null,
      missing_attachments: [],
      problems: [],
    });
    expect(Date.now() - Date.parse(manifest.exported_at)).toBeLessThan(60_000);
    expect(manifest.rooms.map((entry) => entry.room_id)).toEqual(rooms);
    expect(manifest.files.map((file) => file.path)).toEqual(
      rooms.flatMap((id) => [`${id}/raw.json`, `${id}/transcript.json`]).sort(),
    );
    for (const file of manifest.files) {
      const bytes = await readFile(join(out, file.path));
      expect({ path: file.path, sha256: sha256(bytes), size: bytes.byteLength }).toEqual(file);
    }
    for (const id of rooms) {
      const index = await indexOf(id);
      expect(
        (await readFile(join(out, id, 'raw.json'))).equals((await stack.getObject(index.raw_key)).body),
      ).toBe(true);
      expect(
        (await readFile(join(out, id, 'transcript.json'))).equals(
          (await stack.getObject(index.transcript_key)).body,
        ),
      ).toBe(true);
    }
    expect(((await stat(join(out, rooms[0] ?? '', 'raw.json'))).mode & 0o777).toString(8)).toBe('600');
    expect(JSON.parse(stdout)).toEqual({
      customer: MINJI,
      out,
      manifest: join(out, 'manifest.json'),
      rooms: 3,
      files: 6,
      bytes: manifest.files.reduce((sum, file) => sum + file.size, 0),
      missing_attachments: 0,
      problems: 0,
      unprocessable_rooms: 0,
    });
  });

  it('scans only the range given', async () => {
    const out = join(scratch, 'minji-march-14');

    const { code } = await cli([
      'export',
      '--customer',
      MINJI,
      '--out',
      out,
      '--from',
      '2024-03-12',
      '--to',
      '2024-03-14',
    ]);

    expect(code).toBe(0);
    const manifest = await readManifest(out);
    expect(manifest.range).toEqual({ from: '2024-03-12', to: '2024-03-14' });
    expect(manifest.rooms.map((entry) => entry.room_id)).toEqual([generated.minjiLater.id]);
  });

  it('copies the attachments the transcript names, and notes the ones not archived', async () => {
    const out = join(scratch, 'jiwoo');

    const { code, stderr } = await cli(['export', '--customer', JIWOO, '--out', out]);

    expect(code).toBe(0);
    const roomId = SAMPLE_ROOM_IDS.images;
    expect(await filesUnder(out)).toEqual([
      `${roomId}/attachments/${IMAGE_SHA256}`,
      `${roomId}/raw.json`,
      `${roomId}/transcript.json`,
      'manifest.json',
    ]);
    expect((await readFile(join(out, roomId, 'attachments', IMAGE_SHA256))).equals(IMAGE_BYTES)).toBe(true);
    const manifest = await readManifest(out);
    expect(manifest.files).toContainEqual({
      path: `${roomId}/attachments/${IMAGE_SHA256}`,
      sha256: IMAGE_SHA256,
      size: IMAGE_BYTES.byteLength,
    });
    expect(manifest.missing_attachments).toEqual([
      { room_id: roomId, key: `attachments/${MISSING_SHA256}`, sha256: MISSING_SHA256 },
    ]);
    expect(stderr).toContain(`room ${roomId}: attachment attachments/${MISSING_SHA256} is not archived`);
  });

  it('refuses a directory that is not empty, unless --force', async () => {
    const out = join(scratch, 'not-empty');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'notes.txt'), 'kept');

    const refused = await cli(['export', '--customer', MINJI, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty \(1 entries\): choose an empty directory, or pass --force/);
    expect(await readdir(out)).toEqual(['notes.txt']);

    const forced = await cli([
      'export',
      '--customer',
      MINJI,
      '--out',
      out,
      '--force',
      '--from',
      '2024-03-14',
      '--to',
      '2024-03-14',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(
      /held 1 entry before: those not replaced are left there and are not in the manifest/,
    );
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('kept');
    expect((await readManifest(out)).rooms).toHaveLength(1);
  });

  it('writes an empty manifest and exits 0 when the customer has no transcript', async () => {
    const out = join(scratch, 'nobody');

    const { code, stdout, stderr } = await cli(['export', '--customer', 'nobody', '--out', out]);

    expect(code).toBe(0);
    expect(stderr).toBe('happytalk-archive: no transcript of customer nobody in the whole archive\n');
    expect(stdout).toMatch(/^exported 0 rooms of customer nobody \(in the whole archive\): 0 files, 0 bytes/);
    expect(await readdir(out)).toEqual(['manifest.json']);
    const manifest = await readManifest(out);
    expect([manifest.rooms, manifest.files, manifest.customer]).toEqual([[], [], { uuid: 'nobody' }]);
  });
});

describe('the retrieval commands', () => {
  it('each have --help', async () => {
    for (const command of ['list', 'get', 'verify', 'export']) {
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: happytalk-archive ${command}`);
    }
    expect((await cli(['get', '--help'])).stdout).toContain('--version <version_id>');
  });
});
