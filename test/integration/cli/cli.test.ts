import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateRoom, SAMPLE_ROOM_IDS } from '../../../dev/simulator/index.js';
import { runCliCaptured } from '../../support/cli.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const EXAMPLE = `${root}test/fixtures/chat-data-example.json`;

let stack: TestStack;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack();
  const { HAPPYTALK_SECRET_ID: _secret, ...rest } = stack.env;
  cliEnv = { ...rest, HAPPYTALK_TOKEN: TEST_TOKEN };
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.clearFaults();
});

function cli(argv: string[], env: Record<string, string> = cliEnv, stdin = new Uint8Array()) {
  return runCliCaptured(argv, env, stdin);
}

describe('happytalk-archive normalize', () => {
  it('prints the transcript of the spec example, with a fixed fetch time', async () => {
    const { code, stdout } = await cli(['normalize', EXAMPLE, '--fetched-at', '2026-01-02T03:04:05Z']);

    expect(code).toBe(0);
    const transcript = JSON.parse(stdout);
    expect(transcript).toMatchObject({
      schema_version: 1,
      room_id: 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG',
      chat: {
        status: { code: '2', label: '완료', name: 'completed' },
        registered_at: '2022-05-26T10:26:31+09:00',
      },
      stats: { message_count: 1, duration_seconds: 275 },
      source: { fetched_at: '2026-01-02T03:04:05.000Z' },
    });
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('reads stdin when no file is given', async () => {
    const bytes = await readFile(EXAMPLE);
    const { code, stdout } = await cli(['normalize'], cliEnv, bytes);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).stats.message_count).toBe(1);
  });

  it('reads stdin for -', async () => {
    // Prepare
    const bytes = await readFile(EXAMPLE);

    // Act
    const { code, stdout } = await cli(
      ['normalize', '-', '--fetched-at', '2026-01-02T03:04:05Z'],
      cliEnv,
      bytes,
    );

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ room_id: 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG' });
  });

  it.each([
    ['not JSON', '<html>oops</html>', /not JSON/],
    ['a fail response', '{"result":"fail","code":-503,"message":"room"}', /fail -503 \(no matching room\)/],
    [
      'a room nested 20,000 levels deep',
      `{"result":"success","data":[{"chat":{"id":"r1"},"message":[{"id":"1","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}]}]}`,
      /cannot be normalized: nested 20005 levels deep, beyond the limit of 512/,
    ],
    ['the wrong shape', '{"result":"success","data":{"chat":"x"}}', /not the documented shape/],
    ['an empty data', '{"result":"success","data":[]}', /exactly one room/],
  ])('exits 1 with a one-line error on %s', async (_name, input, message) => {
    const { code, stdout, stderr } = await cli(['normalize'], cliEnv, new TextEncoder().encode(input));

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 1 when the file does not exist', async () => {
    const { code, stderr } = await cli(['normalize', '/nonexistent/file.json']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/ENOENT/);
  });
});

describe('happytalk-archive archive and get', () => {
  it('archives rooms, printing one summary line each, and reads them back', async () => {
    const rooms = [SAMPLE_ROOM_IDS.specExample, SAMPLE_ROOM_IDS.open];

    const archived = await cli(['archive', ...rooms]);

    expect(archived.code).toBe(0);
    const lines = archived.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.room_id, line.status])).toEqual([
      [SAMPLE_ROOM_IDS.specExample, 'archived'],
      [SAMPLE_ROOM_IDS.open, 'archived'],
    ]);
    const got = await cli(['get', SAMPLE_ROOM_IDS.open]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      room_id: SAMPLE_ROOM_IDS.open,
      chat: { completed_at: null },
    });
    const raw = await cli(['get', SAMPLE_ROOM_IDS.specExample, '--raw']);
    expect(raw.stdoutBytes.equals((await stack.getObject(lines[0].raw_key)).body)).toBe(true);
  });

  it('archives the good rooms and exits 1 when one fails', async () => {
    const { code, stdout, stderr } = await cli([
      'archive',
      'no/such',
      SAMPLE_ROOM_IDS.buttons,
      'missingRoom',
    ]);

    expect(code).toBe(1);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.status)).toEqual(['failed', 'archived', 'failed']);
    expect(lines[0].error.code).toBe('INVALID_ROOM_ID');
    expect(lines[2].error.code).toBe('ROOM_NOT_FOUND');
    expect(stderr).not.toContain(TEST_TOKEN);
  });

  it('reports a room nested 20,000 levels deep as failed, keeps its raw bytes, and archives the rooms after it', async () => {
    // Prepare
    const poison = 'cliPoison1';
    const room = generateRoom({ roomId: poison, messageCount: 2, regDate: '2025-03-02 09:00:00' });
    const text = JSON.stringify({ result: 'success', data: [room] }).replace(
      '"message":[{',
      `"message":[{"x":${'['.repeat(20_000)}${']'.repeat(20_000)},`,
    );
    stack.simulator.setFault(poison, {
      kind: 'status',
      status: 200,
      body: text,
      contentType: 'application/json',
    });

    // Act
    const archived = await cli(['archive', poison, SAMPLE_ROOM_IDS.oddCodes]);
    const verified = await cli(['verify', poison]);
    const listed = await cli(['list', '--from', '2025-03-02', '--to', '2025-03-02']);
    const got = await cli(['get', poison]);
    const raw = await cli(['get', poison, '--raw']);
    const reindexed = await cli(['reindex', poison]);

    // Assess
    const lines = archived.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const rawKey = `raw/year=2025/month=03/day=02/${poison}.json`;
    expect(archived.code).toBe(1);
    expect(lines).toEqual([
      {
        room_id: poison,
        status: 'failed',
        error: {
          code: 'UNPROCESSABLE_RESPONSE',
          message: `room ${poison}: HappyTalk's answer cannot be normalized (nested 20005 levels deep, beyond the limit of 512); its raw bytes are archived at ${rawKey}, marked unprocessable in the index`,
        },
      },
      expect.objectContaining({ room_id: SAMPLE_ROOM_IDS.oddCodes, status: 'archived' }),
    ]);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toBe(text);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toBe(
      `UNPROCESSABLE ${poison} ${rawKey} reason: nested 20005 levels deep, beyond the limit of 512; this version cannot normalize it either\n` +
        'verified 1 room: 0 ok, 0 with mismatches (0 mismatches); 1 unprocessable (raw bytes only)\n',
    );
    expect(
      listed.stdout
        .trimEnd()
        .split('\n')[1]
        ?.split(/\s{2,}/),
    ).toEqual([poison, '-', '- (last answer unprocessable)', '-', '-', '-']);
    expect(listed.stderr).toBe(
      '0 rooms of 0 archived from 2025-03-02 to 2025-03-02; 1 unprocessable (raw bytes only, listed last)\n',
    );
    expect(reindexed.code).toBe(1);
    expect(reindexed.stdout).toContain(
      `FAILED ${poison} UNPROCESSABLE_RESPONSE: room ${poison}: its archived answer still cannot be normalized (nested 20005 levels deep, beyond the limit of 512)\n`,
    );
    expect(got.code).toBe(1);
    expect(got.stderr).toBe(
      `happytalk-archive: room ${poison} has no transcript: HappyTalk's last answer (${rawKey}) could not be normalized (nested 20005 levels deep, beyond the limit of 512); the raw format gives its bytes\n`,
    );
  });

  it('reads the token from Secrets Manager when HAPPYTALK_SECRET_ID is set', async () => {
    const { code, stdout } = await cli(['archive', SAMPLE_ROOM_IDS.images], stack.env);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).room_id).toBe(SAMPLE_ROOM_IDS.images);
  });

  it('says which variable is missing', async () => {
    const { ARCHIVE_BUCKET: _bucket, ...env } = cliEnv;
    const { code, stderr } = await cli(['archive', 'abc'], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/ARCHIVE_BUCKET is not set/);
  });

  it('exits 1 for a room that is not archived', async () => {
    const { code, stderr } = await cli(['get', 'neverArchived']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/room neverArchived is not archived/);
  });

  it('exits 2 on a usage error, and shows help for every command', async () => {
    expect((await cli(['archive'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    for (const command of ['normalize', 'archive', 'get']) {
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: happytalk-archive ${command}`);
    }
  });
});

describe('happytalk-archive --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version', async (flag) => {
    // Prepare
    const packageJson = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { version: string };

    // Act
    const { code, stdout } = await cli([flag]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toBe(`${packageJson.version}\n`);
  });
});

describe('the happytalk-archive bin', () => {
  it('runs as a command with an env file, read by Node.js rules (comments, export, quotes)', async () => {
    const envFile = `${stack.s3.directory}/cli.env`;
    const { ARCHIVE_BUCKET: bucket, ...rest } = cliEnv;
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(
        envFile,
        [
          '# the local stack',
          `export ARCHIVE_BUCKET=${bucket} # the archive bucket`,
          ...Object.entries(rest).map(([k, v]) => `${k}="${v}"`),
        ].join('\n'),
      ),
    );
    const { stdout } = await promisify(execFile)(
      'node',
      [`${root}bin/happytalk-archive.mjs`, '--env-file', envFile, 'archive', SAMPLE_ROOM_IDS.completed],
      { env: { PATH: process.env.PATH ?? '' } },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      room_id: SAMPLE_ROOM_IDS.completed,
      status: expect.any(String),
    });
  });
});
