import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ROOM_IDS } from '../../dev/simulator/index.js';
import { chatCompletedEvent, httpApiEvent, sqsEvent } from '../support/lambda.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const node24 =
  process.env.NODE24_BIN ||
  `${root}.local/node24/node_modules/node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}/bin/node`;
const runtimes = [
  ['the local Node.js', process.execPath],
  ['Node.js 24', node24],
] as const;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

async function invokeBundle(nodeBinary: string, name: string, event: unknown) {
  const bundle = `${root}dist/functions/${name}/index.mjs`;
  const { stdout } = await run(
    nodeBinary,
    [`${root}test/support/invoke-bundle.mjs`, bundle, JSON.stringify(event)],
    {
      env: { PATH: process.env.PATH ?? '', ...stack.env, POWERTOOLS_METRICS_DISABLED: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('RESULT '));
  if (!line) throw new Error(`no result from ${name}: ${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as { node: string; typeofHandler: string; result: unknown };
}

describe('built function bundles', () => {
  it.each(['http-api', 'retrieval-api', 'archive-events', 'reconcile', 'completion-watcher'])(
    'dist/functions/%s/index.mjs exists with its source map',
    (name) => {
      const bundle = `${root}dist/functions/${name}/index.mjs`;
      expect(existsSync(bundle), `${bundle} is missing: run npm run build`).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(10_000);
    },
  );

  describe.each(runtimes)('on %s', (_label, nodeBinary) => {
    it('runs with the expected Node.js major version', async () => {
      expect(existsSync(nodeBinary), `${nodeBinary} is missing: run node scripts/ensure-node24.mjs`).toBe(
        true,
      );
      const { stdout } = await run(nodeBinary, ['--version']);
      expect(stdout).toMatch(nodeBinary === node24 ? /^v24\./ : /^v\d+\./);
    });

    it('http-api archives a room end to end', async () => {
      const roomId = SAMPLE_ROOM_IDS.completed;
      const { node, typeofHandler, result } = await invokeBundle(
        nodeBinary,
        'http-api',
        httpApiEvent('POST', roomId),
      );

      expect(typeofHandler).toBe('function');
      expect(node).toMatch(nodeBinary === node24 ? /^v24\./ : /^v/);
      expect(result).toMatchObject({ statusCode: 200 });
      const body = JSON.parse((result as { body: string }).body);
      expect(body).toMatchObject({
        room_id: roomId,
        status: expect.stringMatching(/^(archived|unchanged)$/),
      });
      expect(await stack.listKeys('index/')).toContain(`index/rooms/${roomId}.json`);
    });

    it('retrieval-api reads the archived transcript back', async () => {
      const roomId = SAMPLE_ROOM_IDS.completed;
      await invokeBundle(nodeBinary, 'http-api', httpApiEvent('POST', roomId));

      const { result } = await invokeBundle(nodeBinary, 'retrieval-api', httpApiEvent('GET', roomId));

      expect(result).toMatchObject({ statusCode: 200, isBase64Encoded: true });
      const body = JSON.parse(Buffer.from((result as { body: string }).body, 'base64').toString('utf8'));
      expect(body).toMatchObject({ room_id: roomId, schema_version: 1 });
    });

    it('archive-events archives an SQS batch end to end', async () => {
      const roomId = SAMPLE_ROOM_IDS.images;
      const event = sqsEvent([JSON.stringify(chatCompletedEvent({ room_id: roomId }))]);

      const { result } = await invokeBundle(nodeBinary, 'archive-events', event);

      expect(result).toEqual({ batchItemFailures: [] });
      expect(await stack.listKeys('index/')).toContain(`index/rooms/${roomId}.json`);
    });

    it('reconcile lists the trailing window from HappyTalk and reports what it found', async () => {
      const { result } = await invokeBundle(nodeBinary, 'reconcile', { source: 'aws.events' });

      // The sample rooms are years old: the window holds none of them.
      expect(result).toMatchObject({ listed: 0, gaps: 0, enqueued: 0, failed_windows: [] });
      // Every status: the list cannot filter on 4 (chatbot ended).
      expect(stack.simulator.roomListRequests.at(-1)).toMatchObject({ status: 99, answer: 'success' });
    });

    it('completion-watcher lists the rooms finished since its watermark, which it keeps when none did', async () => {
      const { result } = await invokeBundle(nodeBinary, 'completion-watcher', { source: 'aws.scheduler' });

      expect(result).toMatchObject({
        mode: 'queue',
        advanced: false,
        finished: 0,
        failures: [],
        enqueued: 0,
      });
      expect(Date.parse((result as { covered_to: string }).covered_to)).toBeGreaterThan(Date.now() - 60_000);
      expect(stack.simulator.roomListRequests.at(-1)).toMatchObject({ status: 99, answer: 'success' });
      expect(await stack.listKeys('state/')).toEqual(['state/completion-watcher.json']);
    });
  });
});
