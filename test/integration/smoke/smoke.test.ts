import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import { LOCAL_BUCKET } from '../../../dev/local-stack.js';
import { SAMPLE_ROOM_IDS } from '../../../dev/simulator/index.js';
import { signExecuteApiRequest } from '../../../lib/sigv4.js';
import { runCliCaptured } from '../../support/cli.js';
import { useLocalStack } from '../../support/local-stack.js';

const local = useLocalStack();

async function smoke(args: string[], env: Record<string, string> = local.stack().cliEnv) {
  const stack = local.stack();
  const { code, stdout } = await runCliCaptured(
    ['smoke', '--api-url', stack.apiUrl, '--bucket', LOCAL_BUCKET, ...args],
    env,
  );
  return { code, lines: stdout.trimEnd().split('\n') };
}

describe('happytalk-archive smoke against the local stack', () => {
  it('passes every check it can run, each signed, one line per check', async () => {
    // Act
    const { code, lines } = await smoke(['--room-id', SAMPLE_ROOM_IDS.completed, '--skip-athena']);

    // Assess
    expect(lines.map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'SKIP stack.outputs',
      'PASS api.unarchived',
      'PASS api.archive',
      'PASS api.read',
      'PASS api.redacted',
      'PASS archive.verify',
      'SKIP alarms.subscription',
      'SKIP athena.count',
    ]);
    expect(lines[1]).toContain('answered 404 NOT_ARCHIVED');
    expect(lines[2]).toMatch(
      new RegExp(`archived room ${SAMPLE_ROOM_IDS.completed}: (archived|updated|unchanged)`),
    );
    expect(code).toBe(0);
    // The retrieval function saw the caller the signature named, as API Gateway's IAM authorization passes it.
    expect(local.output().text()).toContain('arn:aws:iam::000000000000:user/local');
  });

  it('fails, exit 1, when the signature is made with the wrong secret: the local API refuses it like API Gateway', async () => {
    // Act
    const { code, lines } = await smoke(['--room-id', SAMPLE_ROOM_IDS.completed, '--skip-athena'], {
      ...local.stack().cliEnv,
      AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    });

    // Assess
    expect(code).toBe(1);
    expect(lines.find((line) => line.includes('api.unarchived'))).toMatch(
      /^FAIL\s+api\.unarchived\s+GET of a room never archived answered 403 "Forbidden": the signature was refused/,
    );
    expect(lines.find((line) => line.includes('api.archive'))).toMatch(
      /^FAIL\s+api\.archive\s+POST answered 403/,
    );
  });

  it('refuses a usage without --stack or both overrides', async () => {
    // Act
    const code = await runCli(['smoke', '--api-url', local.stack().apiUrl], {
      env: local.stack().cliEnv,
      stdout: () => {},
      stderr: () => {},
      readStdin: async () => new Uint8Array(),
    });

    // Assess
    expect(code).toBe(2);
  });
});

describe('the local HTTP API with optional IAM authorization (the default)', () => {
  it('still answers plain unsigned requests, as the README curl examples send them', async () => {
    // Act
    const response = await fetch(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.specExample}/archive`, {
      method: 'POST',
    });

    // Assess
    expect(response.status).toBe(200);
  });

  it('refuses a request signed with the wrong secret with 403 Forbidden, before any function runs', async () => {
    // Prepare
    const url = new URL(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.buttons}/archive`);
    const headers = await signExecuteApiRequest(
      { method: 'POST', url },
      { region: 'ap-northeast-2', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'wrong' } },
    );

    // Act
    const response = await fetch(url, { method: 'POST', headers });

    // Assess
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden' });
    expect(
      await fetch(`${local.stack().apiUrl}/rooms/${SAMPLE_ROOM_IDS.buttons}/archive`).then((r) => r.status),
    ).toBe(404);
  });
});
