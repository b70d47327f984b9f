import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/program.js';
import { LOCAL_DEMO_ROOM_ID, type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { controlCompletePath, SAMPLE_ROOM_IDS } from '../../dev/simulator/index.js';
import { LOCAL_REDACTION_KEY } from '../../dev/stand-ins.js';
import { Pseudonymizer } from '../../lib/redaction/pseudonym.js';
import { TRANSCRIPT_VIEW_CSP } from '../../lib/view/transcript-html.js';
import { captureOutput } from '../support/lambda.js';

let directory: string;
let stack: LocalStack;
let output: ReturnType<typeof captureOutput>;
/** The process's environment before the stack started: the stack configures its handlers, not the process. */
let environmentBefore: Record<string, string | undefined>;

beforeAll(async () => {
  environmentBefore = { ...process.env };
  directory = await mkdtemp(join(tmpdir(), 'happytalk-archive-local-'));
  // The watcher every 300 ms instead of 30 s: the same path, sooner.
  stack = await startLocalStack({ directory, watchIntervalMs: 300 });
  output = captureOutput();
});

afterAll(async () => {
  output?.restore();
  await stack?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('the local stack', () => {
  it("leaves the process's environment as it found it: its handlers are built for their own", () => {
    // Assess
    expect({ ...process.env }).toEqual(environmentBefore);
  });

  it('answers 404 with the routes it has for a path that is no route', async () => {
    const response = await fetch(`${stack.apiUrl}/rooms/abc/archive/versions`, { method: 'POST' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message:
          'try POST /rooms/{room_id}/archive, GET /rooms/{room_id}/archive, GET /rooms/{room_id}/archive/versions or POST /events',
      },
    });
  });

  it('archives through the HTTP API and reads the transcript back', async () => {
    const room = SAMPLE_ROOM_IDS.completed;

    const posted = await fetch(`${stack.apiUrl}/rooms/${room}/archive`, { method: 'POST' });
    const got = await fetch(`${stack.apiUrl}/rooms/${room}/archive`);

    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await posted.json()).toMatchObject({ room_id: room, status: 'archived' });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ room_id: room, schema_version: 1 });
  });

  it('answers 400 for an encoded slash in the room id', async () => {
    const response = await fetch(`${stack.apiUrl}/rooms/a%2Fb/archive`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_ROOM_ID');
  });

  it('feeds POST /events into archive-events', async () => {
    const room = SAMPLE_ROOM_IDS.buttons;
    const event = { source: 'happytalk', 'detail-type': 'Chat Completed', detail: { room_id: room } };

    const response = await fetch(`${stack.apiUrl}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ room_id: room, status: 'archived' });
  });

  it('writes an env file the CLI archives with', async () => {
    const envText = await readFile(stack.envFile, 'utf8');
    expect(envText).toContain(`AWS_ENDPOINT_URL_S3=${stack.s3.endpoint}`);
    let stdout = '';

    const code = await runCli(['--env-file', stack.envFile, 'archive', SAMPLE_ROOM_IDS.oddCodes], {
      env: {},
      stdout: (chunk) => {
        stdout += String(chunk);
      },
      stderr: () => {},
      readStdin: async () => new Uint8Array(),
    });

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ room_id: SAMPLE_ROOM_IDS.oddCodes, status: 'archived' });
    expect(JSON.parse(stdout)).not.toHaveProperty('redaction_pending');
  });

  it('writes the redacted copy locally with the local key, which get --redacted reads', async () => {
    // Prepare
    const room = SAMPLE_ROOM_IDS.completed;
    await fetch(`${stack.apiUrl}/rooms/${room}/archive`, { method: 'POST' });
    let stdout = '';

    // Act
    const code = await runCli(['--env-file', stack.envFile, 'get', room, '--redacted'], {
      env: {},
      stdout: (chunk) => {
        stdout += Buffer.from(chunk).toString('utf8');
      },
      stderr: () => {},
      readStdin: async () => new Uint8Array(),
    });

    // Assess
    expect(await readFile(stack.envFile, 'utf8')).toContain(`REDACTION_KEY=${LOCAL_REDACTION_KEY}`);
    expect(code, stdout).toBe(0);
    const copy = JSON.parse(stdout);
    expect(copy.room_id).toBe(room);
    expect(copy.redaction.pseudonym_key_id).toBe(new Pseudonymizer(LOCAL_REDACTION_KEY).keyId);
    expect(copy.chat.customer.uuid).toMatch(/^ps_[0-9a-f]{32}$/);
  });

  it('archives a room finished through the simulator control API with no other command', async () => {
    // Prepare
    const cli = (args: string[]) => {
      let stdout = '';
      return runCli(['--env-file', stack.envFile, ...args], {
        env: {},
        stdout: (chunk) => {
          stdout += Buffer.from(chunk).toString('utf8');
        },
        stderr: () => {},
        readStdin: async () => new Uint8Array(),
      }).then((code) => ({ code, stdout }));
    };
    const before = await cli(['get', LOCAL_DEMO_ROOM_ID]);

    // Act
    const completed = await fetch(`${stack.simulator.url}${controlCompletePath(LOCAL_DEMO_ROOM_ID)}`, {
      method: 'POST',
    });
    let after = await cli(['get', LOCAL_DEMO_ROOM_ID]);
    for (let tries = 0; after.code !== 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await cli(['get', LOCAL_DEMO_ROOM_ID]);
    }

    // Assess
    expect(before.code).toBe(1);
    expect(completed.status).toBe(200);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({
      room_id: LOCAL_DEMO_ROOM_ID,
      chat: { status: { code: '2', name: 'completed' } },
    });
  });

  it('keeps one version per content under 20 concurrent POSTs of a room', async () => {
    // Prepare
    const room = SAMPLE_ROOM_IDS.specExample;

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${stack.apiUrl}/rooms/${room}/archive`, { method: 'POST' })),
    );
    const statuses = await Promise.all(
      answers.map(async (answer) => [answer.status, ((await answer.json()) as { status: string }).status]),
    );

    // Assess
    expect(statuses.filter(([code]) => code === 200)).toHaveLength(20);
    // Whoever wrote an object of the room says archived; the others found it done.
    expect(statuses.every(([, status]) => status === 'archived' || status === 'unchanged')).toBe(true);
    expect(statuses.filter(([, status]) => status === 'archived').length).toBeGreaterThanOrEqual(1);
    const written = stack.s3.versions.filter((version) => version.key.endsWith(`/${room}.json`));
    expect(written.map((version) => version.key.split('/')[0]).sort()).toEqual([
      'index',
      'raw',
      'redacted',
      'transcripts',
    ]);
    const versions = await fetch(`${stack.apiUrl}/rooms/${room}/archive/versions`);
    expect(((await versions.json()) as { versions: unknown[] }).versions).toHaveLength(1);
  });

  it('answers 404 for a version that does not exist, and every answer carries the security headers', async () => {
    // Prepare
    const room = SAMPLE_ROOM_IDS.completed;
    await fetch(`${stack.apiUrl}/rooms/${room}/archive`, { method: 'POST' });

    // Act
    const garbage = await fetch(`${stack.apiUrl}/rooms/${room}/archive?version=garbage`);
    const page = await fetch(`${stack.apiUrl}/rooms/${room}/archive?format=html`);
    const noRoute = await fetch(`${stack.apiUrl}/nowhere`);

    // Assess
    expect(garbage.status).toBe(404);
    expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_VERSION');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(noRoute.status).toBe(404);
    for (const answer of [garbage, page, noRoute]) {
      expect(answer.headers.get('content-security-policy')).toBe(TRANSCRIPT_VIEW_CSP);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });
});
