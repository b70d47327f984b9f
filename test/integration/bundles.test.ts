import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ROOM_IDS } from '../../dev/simulator/index.js';
import { type BuiltFunction, buildFunctions, coldStartOutputs, FUNCTION_NAMES } from '../../scripts/build.js';
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
  const { stdout, stderr } = await run(
    nodeBinary,
    [`${root}test/support/invoke-bundle.mjs`, bundle, JSON.stringify(event)],
    {
      env: { PATH: process.env.PATH ?? '', ...stack.env, POWERTOOLS_METRICS_DISABLED: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('RESULT '));
  if (!line) throw new Error(`no result from ${name}: ${stdout.slice(-2000)}`);
  return {
    ...(JSON.parse(line.slice('RESULT '.length)) as { node: string; typeofHandler: string; result: unknown }),
    stdout,
    stderr,
  };
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

  describe('what a cold start loads', () => {
    let built: BuiltFunction[];
    let outRoot: string;

    beforeAll(async () => {
      outRoot = mkdtempSync(join(tmpdir(), 'happytalk-archive-cold-start-'));
      built = await buildFunctions(outRoot, { metafile: true });
    });

    afterAll(() => {
      if (outRoot) rmSync(outRoot, { recursive: true, force: true });
    });

    it.each(FUNCTION_NAMES)(
      '%s loads no zod at its cold start: the schemas that name a refused answer are a first-use chunk',
      (name) => {
        // Prepare
        const metafile = built.find((bundle) => bundle.name === name)?.metafile;
        if (!metafile) throw new Error(`${name} was built without its metafile`);
        const inputsOf = (outputs: readonly string[]) =>
          outputs.flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {}));

        // Act
        const cold = coldStartOutputs(metafile);
        const lazy = Object.keys(metafile.outputs).filter(
          (output) => output.endsWith('.mjs') && !cold.includes(output),
        );

        // Assess
        expect(cold.some((output) => metafile.outputs[output]?.entryPoint)).toBe(true);
        expect(
          inputsOf(cold).filter((input) => /node_modules\/zod\/|shape-schemas\.ts$/.test(input)),
        ).toEqual([]);
        expect(inputsOf(lazy).some((input) => input.endsWith('lib/happytalk/shape-schemas.ts'))).toBe(true);
        expect(inputsOf(lazy).some((input) => input.includes('node_modules/zod/'))).toBe(true);
      },
    );
  });

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

    it('http-api names what is wrong with an answer of the wrong shape, the schemas loaded on first use', async () => {
      // Prepare: every attempt answers data as an object instead of an array
      const roomId = SAMPLE_ROOM_IDS.buttons;
      stack.simulator.setFault(roomId, { kind: 'wrong-shape' });

      // Act
      const { result, stdout, stderr } = await invokeBundle(
        nodeBinary,
        'http-api',
        httpApiEvent('POST', roomId),
      ).finally(() => stack.simulator.setFault(roomId, undefined));

      // Assess
      expect(result).toMatchObject({ statusCode: 503 });
      expect(JSON.parse((result as { body: string }).body)).toMatchObject({
        error: { code: 'UPSTREAM_UNAVAILABLE' },
      });
      expect(stdout + stderr).toContain(
        `HappyTalk answered room ${roomId} with JSON that is not the documented shape (data: invalid_type, expected array)`,
      );
      expect(await stack.listKeys('index/')).not.toContain(`index/rooms/${roomId}.json`);
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
