import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SAMPLE_ROOM_IDS } from '../../../dev/simulator/sample-rooms.js';
import { CHAT_DATA_PATH } from '../../../lib/happytalk/schema.js';
import { TOKEN } from './helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function runTs(file: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const end = output.indexOf('\n');
      if (end !== -1) {
        resolve(output.slice(0, end));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing: ${output}`)));
  });
}

async function postChatDataTo(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}${CHAT_DATA_PATH}`, { method: 'POST', body: JSON.stringify(body) });
  return response.json();
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('simulator process', () => {
  it('lets the process exit after close, even with a request waiting on a delay fault', async () => {
    // Prepare
    const started = performance.now();
    const child = runTs('test/integration/simulator/fixtures/close-during-delay.ts');

    try {
      // Act
      const [line, code] = await Promise.all([firstLine(child), exitCode(child)]);

      // Assess
      expect(line).toBe('closed failed');
      expect(code).toBe(0);
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('runs main.ts: prints its URL and the sample room ids, serves, and stops on SIGTERM', async () => {
    // Prepare
    const child = runTs('dev/simulator/main.ts', { SIMULATOR_PORT: '0', SIMULATOR_TOKEN: 'main-token' });

    try {
      // Act
      const line = await firstLine(child);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(line)?.[1] ?? '';
      const wrongToken = await postChatDataTo(url, { token: TOKEN, room_id: SAMPLE_ROOM_IDS.specExample });
      const rightToken = await postChatDataTo(url, { token: 'main-token', room_id: SAMPLE_ROOM_IDS.open });
      child.kill('SIGTERM');
      const code = await exitCode(child);

      // Assess
      expect(url).not.toBe('');
      for (const [name, id] of Object.entries(SAMPLE_ROOM_IDS)) {
        expect(line).toContain(`${name}=${id}`);
      }
      expect(wrongToken).toEqual({ result: 'fail', code: -501, message: 'token' });
      expect(rightToken).toMatchObject({ result: 'success', data: [{ chat: { id: SAMPLE_ROOM_IDS.open } }] });
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('fails fast on a bad SIMULATOR_PORT, naming it', async () => {
    // Prepare
    const child = runTs('dev/simulator/main.ts', { SIMULATOR_PORT: 'eighty' });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });

    // Act
    const code = await exitCode(child);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('SIMULATOR_PORT must be an integer from 0 to 65535, received \\"eighty\\"');
  });
});
