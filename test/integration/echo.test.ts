import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_LIST_FAULT_KEY } from '../../dev/simulator/index.js';
import { chatCompletedEvent, httpApiEvent, sqsEvent } from '../support/lambda.js';
import { startTestStack, TEST_SECRET_ID, TEST_TOKEN, type TestStack } from '../support/stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const CLIENT_SECRET = 'cs-Echo-Integration-5521';
/** A personal value the echoing upstream adds to what it sends back. */
const PERSONAL = 'PII-김비밀-010-4444-0123';
const SECRETS = [TEST_TOKEN, CLIENT_SECRET, PERSONAL];

let stack: TestStack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack();
  stack.secrets.setSecret(
    TEST_SECRET_ID,
    JSON.stringify({ token: TEST_TOKEN, client_id: 'cid-echo', client_secret: CLIENT_SECRET }),
  );
  env = { PATH: process.env.PATH ?? '', ...stack.env, POWERTOOLS_METRICS_DISABLED: 'true' };
});

afterAll(async () => {
  await stack?.close();
});

/** Runs a process to its end, whatever its exit code; everything it printed. */
async function outputOf(
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, {
      env: { ...env, ...extraEnv },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function invokeBundle(name: string, event: unknown) {
  return outputOf(process.execPath, [
    `${root}test/support/invoke-bundle.mjs`,
    `${root}dist/functions/${name}/index.mjs`,
    JSON.stringify(event),
  ]);
}

function occurrences(text: string): Record<string, number> {
  return Object.fromEntries(SECRETS.map((secret) => [secret, text.split(secret).length - 1]));
}

const NONE = Object.fromEntries(SECRETS.map((secret) => [secret, 0]));

describe('an upstream that echoes the request, with the token, the client secret and a personal value', () => {
  it('leaves them in none of the outputs of the CLI, every Lambda bundle, the dead letters and the archive', async () => {
    // Prepare: echoes as a fail message, an error page and a success answer, on chat_data and the room list
    const rooms = { fail: 'echoFail1', page: 'echoPage1', success: 'echoSuccess1' } as const;
    for (const [as, roomId] of Object.entries(rooms)) {
      stack.simulator.setFault(roomId, { kind: 'echo', as: as as keyof typeof rooms, note: PERSONAL });
    }
    stack.simulator.setFault(ROOM_LIST_FAULT_KEY, { kind: 'echo', note: PERSONAL });
    const outputs: Record<string, { code: number; stdout: string; stderr: string }> = {};

    // Act
    outputs.cli = await outputOf(
      process.execPath,
      [`${root}bin/happytalk-archive.mjs`, '-v', 'archive', ...Object.values(rooms)],
      {
        HAPPYTALK_SECRET_ID: '',
        HAPPYTALK_TOKEN: TEST_TOKEN,
        HAPPYTALK_CLIENT_ID: 'cid-echo',
        HAPPYTALK_CLIENT_SECRET: CLIENT_SECRET,
      },
    );
    outputs.httpApi = await invokeBundle('http-api', httpApiEvent('POST', rooms.success));
    outputs.events = await invokeBundle(
      'archive-events',
      sqsEvent(Object.values(rooms).map((roomId) => JSON.stringify(chatCompletedEvent({ room_id: roomId })))),
    );
    outputs.direct = await invokeBundle('archive-events', chatCompletedEvent({ room_id: rooms.fail }));
    outputs.retrieval = await invokeBundle('retrieval-api', httpApiEvent('GET', rooms.fail));
    outputs.reconcile = await invokeBundle('reconcile', { source: 'aws.events' });
    const letters = stack.sqs.messages.filter((message) => message.queueUrl === stack.dlqUrl);

    // Assess: each path failed as it should, and said so
    const cliLines = outputs.cli.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(outputs.cli.code).toBe(1);
    expect(cliLines.map((line) => [line.room_id, line.status, line.error.code])).toEqual([
      [rooms.fail, 'failed', 'UPSTREAM_ECHO'],
      [rooms.page, 'failed', 'UPSTREAM_UNAVAILABLE'],
      [rooms.success, 'failed', 'UPSTREAM_ECHO'],
    ]);
    expect(outputs.httpApi.stdout).toContain('"statusCode":502');
    expect(letters.map((letter) => JSON.parse(letter.body).reason).sort()).toEqual([
      'UPSTREAM_ECHO',
      'UPSTREAM_ECHO',
      'UPSTREAM_ECHO',
    ]);
    expect(outputs.retrieval.stdout).toContain('"statusCode":404');
    expect(outputs.reconcile.code).not.toBe(0);
    expect(outputs.reconcile.stderr).toContain('UPSTREAM_ECHO');
    // ... and the echoed values are nowhere
    for (const [name, output] of Object.entries(outputs)) {
      expect({ name, ...occurrences(`${output.stdout}\n${output.stderr}`) }).toEqual({ name, ...NONE });
    }
    expect(occurrences(letters.map((letter) => letter.body).join('\n'))).toEqual(NONE);
    expect(occurrences(await stack.storedObjects())).toEqual(NONE);
  }, 120_000);
});
