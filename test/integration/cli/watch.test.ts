import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../cli/program.js';
import { ROOM_LIST_FAULT_KEY } from '../../../dev/simulator/index.js';
import { WATCHER_STATE_KEY } from '../../../lib/watch/state.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';

const MINUTE = 60_000;
const STARTED = Date.now();

let stack: TestStack;
let cliEnv: Record<string, string>;

function ago(minutes: number): Date {
  return new Date(STARTED - minutes * MINUTE);
}

beforeAll(async () => {
  stack = await startTestStack({
    simulator: {
      rooms: [],
      liveRooms: [
        { roomId: 'doneAMinuteAgo', registeredAt: ago(20), finishesAt: ago(1) },
        { roomId: 'endedInTheBot', registeredAt: ago(20), finishesAt: ago(2), finalStatus: '4' },
        { roomId: 'doneAnHourAgo', registeredAt: ago(90), finishesAt: ago(60) },
        { roomId: 'stillOpen', registeredAt: ago(10), openStatus: '-2' },
      ],
    },
  });
  const { HAPPYTALK_SECRET_ID: _secret, ...rest } = stack.env;
  cliEnv = {
    ...rest,
    HAPPYTALK_TOKEN: TEST_TOKEN,
    HAPPYTALK_MAX_ATTEMPTS: '1',
  };
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.clearFaults();
  stack.sqs.messages.length = 0;
});

async function cli(argv: string[], options: { signal?: AbortSignal; onLine?: (line: string) => void } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: cliEnv,
    stdout: (chunk) => {
      stdout += String(chunk);
      options.onLine?.(String(chunk));
    },
    stderr: (chunk) => {
      stderr += chunk;
    },
    readStdin: async () => new Uint8Array(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli(argv, io);
  return {
    code,
    lines: stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
    stderr,
  };
}

async function deleteState(): Promise<void> {
  const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  await stack.s3Client.send(
    new DeleteObjectCommand({ Bucket: cliEnv.ARCHIVE_BUCKET, Key: WATCHER_STATE_KEY }),
  );
}

describe('happytalk-archive watch', () => {
  it('--once --via-queue sends the rooms finished since --since to the queue and prints one line', async () => {
    // Prepare
    await deleteState();
    const queueUrl = stack.sqs.queueUrl('archive-queue');

    // Act
    const { code, lines } = await cli([
      'watch',
      '--once',
      '--since',
      ago(5).toISOString(),
      '--via-queue',
      queueUrl,
    ]);

    // Assess
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      mode: 'queue',
      watermark_before: ago(5).toISOString(),
      since: ago(15).toISOString(),
      finished: 2,
      enqueued: 2,
      advanced: true,
      failures: [],
    });
    const sent = stack.sqs.messages
      .filter((message) => message.queueUrl === queueUrl)
      .map((message) => (JSON.parse(message.body) as { detail: { room_id: string } }).detail.room_id);
    expect(sent.sort()).toEqual(['doneAMinuteAgo', 'endedInTheBot']);
    expect(await stack.listKeys('index/')).toEqual([]);
  });

  it('--once archives the rooms itself, and the next pass starts from the watermark it left', async () => {
    // Prepare
    await deleteState();

    // Act
    const { code, lines } = await cli(['watch', '--once', '--since', ago(70).toISOString()]);
    const again = await cli(['watch', '--once']);

    // Assess
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ mode: 'archive', archived: 3, finished: 3, advanced: true });
    expect(await stack.listKeys('index/')).toEqual([
      'index/rooms/doneAMinuteAgo.json',
      'index/rooms/doneAnHourAgo.json',
      'index/rooms/endedInTheBot.json',
    ]);
    expect(again.code).toBe(0);
    expect(again.lines[0]).toMatchObject({ watermark_before: lines[0].watermark, archived: 0 });
  });

  it('runs pass after pass until stopped, one line each', async () => {
    // Prepare
    const controller = new AbortController();
    let passes = 0;

    // Act
    const { code, lines } = await cli(['watch', '--interval', '1'], {
      signal: controller.signal,
      onLine: () => {
        passes += 1;
        if (passes === 2) controller.abort();
      },
    });

    // Assess
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(Date.parse(lines[1].started_at) - Date.parse(lines[0].started_at)).toBeGreaterThanOrEqual(900);
    expect(lines[1].watermark_before).toBe(lines[0].watermark);
  });

  it('exits 1 when a pass failed, the watermark where it was', async () => {
    // Prepare
    stack.simulator.setFault(ROOM_LIST_FAULT_KEY, { kind: 'status', status: 503 });
    const before = JSON.parse((await stack.getObject(WATCHER_STATE_KEY)).body.toString('utf8'));

    // Act
    const { code, lines } = await cli(['watch', '--once']);

    // Assess
    expect(code).toBe(1);
    expect(lines[0]).toMatchObject({ advanced: false, aborted: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(JSON.parse((await stack.getObject(WATCHER_STATE_KEY)).body.toString('utf8'))).toEqual(before);
  });

  it.each([
    [['--since', '2024-06-12T09:00:00'], '--since must be an ISO 8601 time with its offset'],
    [['--since', 'yesterday'], '--since must be an ISO 8601 time with its offset'],
    [['--interval', '0'], '--interval must be a whole number of at least 1'],
    [['--concurrency', '65'], '--concurrency must be a whole number from 1 to 64'],
  ])('refuses %j', async (args, message) => {
    // Act
    const { code, stderr } = await cli(['watch', '--once', ...args]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
