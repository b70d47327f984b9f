import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../cli/program.js';
import { generateHistory, type SimRoom } from '../../../dev/simulator/index.js';
import { ROOMS_PER_REQUEST } from '../../../lib/backfill/backfill.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

// Two separate months: one backfilled in one go, one killed midway and resumed.
const MARCH = generateHistory({
  from: '2024-03-01',
  days: 31,
  roomsPerDay: 8,
  seed: 3,
  messageCount: [2, 5],
});
const MAY = generateHistory({ from: '2024-05-01', days: 10, roomsPerDay: 12, seed: 5, messageCount: [2, 5] });
/** The rooms finished: completed (2) or ended in the chatbot (4). */
const FINISHED = new Set(['2', '4']);
const finishedIds = (rooms: readonly SimRoom[]) =>
  rooms.filter((room) => FINISHED.has(String(room.chat.status))).map((room) => String(room.chat.id));

let stack: TestStack;
let cliEnv: Record<string, string>;
let directory: string;

beforeAll(async () => {
  stack = await startTestStack({ simulator: { rooms: [...MARCH, ...MAY], queryWindow: { maxDays: 7 } } });
  const { HAPPYTALK_SECRET_ID: _secret, ...rest } = stack.env;
  cliEnv = { ...rest, HAPPYTALK_TOKEN: TEST_TOKEN };
  directory = await mkdtemp(join(tmpdir(), 'happytalk-backfill-'));
});

afterAll(async () => {
  await stack?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  stack.simulator.resetRequests();
  stack.sqs.messages.length = 0;
});

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: cliEnv,
    stdout: (chunk) => {
      stdout += Buffer.from(chunk).toString('utf8');
    },
    stderr: (chunk) => {
      stderr += chunk;
    },
    readStdin: async () => new Uint8Array(),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr, summary: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
}

async function indexedRooms(): Promise<string[]> {
  return (await stack.listKeys('index/rooms/')).map((key) =>
    key.slice('index/rooms/'.length, -'.json'.length),
  );
}

function chatDataRequests(): string[] {
  return stack.simulator.requests.flatMap((request) => (request.roomId ? [request.roomId] : []));
}

async function checkpointIds(path: string): Promise<string[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').slice(1);
  return lines.flatMap((line) => {
    try {
      return [(JSON.parse(line) as { room_id: string }).room_id];
    } catch {
      return [];
    }
  });
}

describe('happytalk-archive backfill', () => {
  it('archives every finished room of a simulated month exactly once, splitting windows on overDate', async () => {
    // Prepare
    const expected = finishedIds(MARCH).sort();
    const checkpoint = join(directory, 'march.jsonl');

    // Act
    const { code, summary, stderr } = await cli([
      'backfill',
      '--from',
      '2024-03-01',
      '--to',
      '2024-03-31',
      '--concurrency',
      '8',
      '--rate',
      '1000',
      '--checkpoint',
      checkpoint,
    ]);

    // Assess
    expect(code, stderr).toBe(0);
    expect(summary).toMatchObject({
      mode: 'archive',
      status: 'final',
      final_statuses: ['2', '4'],
      listed: expected.length,
      not_final: MARCH.length - expected.length,
      archived: expected.length,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      failures: [],
      failed_windows: [],
    });
    expect(summary.splits).toBeGreaterThanOrEqual(2);
    expect(chatDataRequests().sort()).toEqual(expected);
    const listed = stack.simulator.roomListRequests;
    expect(listed.filter((request) => request.answer === -504).length).toBe(summary.splits);
    for (const request of listed.filter((r) => r.answer === 'success')) {
      expect(request.limit).toBe(50);
      expect(
        Date.parse(`${request.edate}T00:00:00Z`) - Date.parse(`${request.sdate}T00:00:00Z`),
      ).toBeLessThan(7 * 86_400_000);
    }
    const indexed = await indexedRooms();
    expect(indexed.filter((id) => expected.includes(id)).sort()).toEqual(expected);
    expect(MARCH.filter((room) => room.chat.status === '4').length).toBeGreaterThan(0);
    const notFinished = MARCH.filter((room) => !FINISHED.has(String(room.chat.status))).map((room) =>
      String(room.chat.id),
    );
    expect(notFinished.length).toBeGreaterThan(0);
    expect(indexed.filter((id) => notFinished.includes(id))).toEqual([]);
    expect((await checkpointIds(checkpoint)).sort()).toEqual(expected);
  });

  it('resumes after being killed midway, without archiving again what the first run did', async () => {
    // Prepare
    const expected = finishedIds(MAY).sort();
    const checkpoint = join(directory, 'may.jsonl');
    const args = ['--from', '2024-05-01', '--to', '2024-05-10', '--checkpoint', checkpoint];

    // Act: a first run in its own process, killed once it has done a few rooms
    const child = spawn(
      process.execPath,
      [`${root}bin/happytalk-archive.mjs`, 'backfill', ...args, '--concurrency', '2', '--rate', '40'],
      { env: { PATH: process.env.PATH ?? '', ...cliEnv }, stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    let doneBeforeKill: string[] = [];
    for (const started = Date.now(); Date.now() - started < 20_000; ) {
      doneBeforeKill = await checkpointIds(checkpoint).catch(() => []);
      if (doneBeforeKill.length >= 20) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const recorded = await checkpointIds(checkpoint);
    const archivedBefore = new Set(await indexedRooms());
    stack.simulator.resetRequests();
    const { code, summary, stderr } = await cli([
      'backfill',
      ...args,
      '--concurrency',
      '4',
      '--rate',
      '1000',
    ]);

    // Assess
    expect(code, stderr).toBe(0);
    expect(recorded.length).toBeGreaterThanOrEqual(20);
    expect(recorded.length).toBeLessThan(expected.length);
    expect(recorded.filter((id) => !archivedBefore.has(id))).toEqual([]);
    const secondRun = chatDataRequests();
    expect(secondRun.filter((id) => recorded.includes(id))).toEqual([]);
    expect([...recorded, ...secondRun].sort()).toEqual(expected);
    // A room in flight when the first run was killed (up to 4 rooms per HappyTalk request allowed
    // in flight) is fetched again: if its archive was written before the kill it is found
    // unchanged, so nothing is archived twice.
    const writtenBeforeKill = secondRun.filter((id) => archivedBefore.has(id));
    expect(writtenBeforeKill.length).toBeLessThanOrEqual(2 * ROOMS_PER_REQUEST);
    expect(summary).toMatchObject({
      listed: expected.length,
      skipped: recorded.length,
      archived: secondRun.length - writtenBeforeKill.length,
      unchanged: writtenBeforeKill.length,
      updated: 0,
      failed: 0,
    });
    const indexed = await indexedRooms();
    expect(expected.filter((id) => !indexed.includes(id))).toEqual([]);
    expect((await checkpointIds(checkpoint)).sort()).toEqual(expected);
  });

  it('with --via-queue only lists and enqueues, in batches, and a rerun enqueues nothing again', async () => {
    // Prepare
    const queueUrl = stack.sqs.queueUrl('archive-queue');
    const days = new Set(['2024-03-01', '2024-03-02', '2024-03-03']);
    const expected = finishedIds(
      MARCH.filter((room) => days.has(String(room.chat.reg_date).slice(0, 10))),
    ).sort();
    const args = ['backfill', '--from', '2024-03-01', '--to', '2024-03-03', '--via-queue', queueUrl];
    const checkpoint = join(directory, 'queue.jsonl');

    // Act
    const first = await cli([...args, '--checkpoint', checkpoint]);
    const sent = stack.sqs.messages.map((message) => JSON.parse(message.body) as Record<string, unknown>);
    const second = await cli([...args, '--checkpoint', checkpoint]);

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({
      mode: 'queue',
      listed: expected.length,
      enqueued: expected.length,
      failed: 0,
    });
    expect(chatDataRequests()).toEqual([]);
    expect(stack.sqs.messages.every((message) => message.queueUrl === queueUrl)).toBe(true);
    expect(sent.map((body) => (body.detail as { room_id: string }).room_id).sort()).toEqual(expected);
    expect(sent[0]).toMatchObject({
      source: 'happytalk-archive.backfill',
      'detail-type': 'Archive Requested',
    });
    expect(second.summary).toMatchObject({ listed: expected.length, skipped: expected.length, enqueued: 0 });
    expect(stack.sqs.messages).toHaveLength(expected.length);
  });

  it('refuses bad flags with a usage error', async () => {
    // Act
    const results = await Promise.all([
      cli(['backfill', '--from', '2024-02-30', '--to', '2024-03-01']),
      cli(['backfill', '--from', '2024-03-01']),
      cli(['backfill', '--from', '2024-03-01', '--to', '2024-03-02', '--rate', '0']),
    ]);

    // Assess
    expect(results.map((result) => result.code)).toEqual([2, 2, 2]);
    expect(results[0]?.stderr).toContain('--from must be a date YYYY-MM-DD');
    expect(results[1]?.stderr).toContain("required option '--to <date>'");
    expect(results[2]?.stderr).toContain('--rate must be a number above 0');
  });
});
