import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import { runSmokeChecks, type SmokeResult, type SmokeServices } from '../../../cli/smoke.js';
import type { ArchiveReader } from '../../../lib/retrieval/reader.js';

const OUTPUTS = {
  HttpApiUrl: 'https://abc123.execute-api.ap-northeast-2.amazonaws.com/',
  ArchiveBucketName: 'happytalkarchive-archivebucket-1',
  AlarmTopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:HappyTalkArchive-AlarmTopic',
  GlueDatabaseName: 'happytalkarchive',
  AthenaWorkGroupName: 'HappyTalkArchive',
  RedactionKeySecretArn:
    'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:RedactionKeySecret-AbCdEf',
};

/** An archive with no room in it: verify reports the index missing. */
const emptyArchive: ArchiveReader = {
  readIndex: async () => undefined,
  readObject: async () => undefined,
  headObject: async () => undefined,
  listObjects: async function* () {},
} as unknown as ArchiveReader;

/** An API Gateway in front of the functions: 404 for an unknown room, the room archived on POST, read on GET. */
function fakeApi(answer?: (method: string, path: string) => { status: number; body: unknown } | undefined) {
  const requests: { method: string; path: string; authorization: string | null; host: string }[] = [];
  const fetchFake = (async (input: URL | string, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const method = init?.method ?? 'GET';
    requests.push({
      method,
      path: url.pathname,
      authorization: headers.get('authorization'),
      host: url.host,
    });
    const room = /^\/rooms\/([^/]+)\/archive$/.exec(url.pathname)?.[1] ?? '';
    const custom = answer?.(method, `${url.pathname}${url.search}`);
    const { status, body } =
      custom ??
      (room.startsWith('smoke-check-')
        ? { status: 404, body: { error: { code: 'NOT_ARCHIVED', message: 'x', request_id: 'r' } } }
        : method === 'POST'
          ? { status: 200, body: { room_id: room, status: 'archived', message_count: 12 } }
          : url.searchParams.get('format') === 'redacted'
            ? {
                status: 200,
                body: { room_id: room, schema_version: 1, redaction: { redactor_version: '1.1.0' } },
              }
            : { status: 200, body: { room_id: room, schema_version: 1 } });
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { fetch: fetchFake, requests };
}

function services(overrides: Partial<SmokeServices> = {}): SmokeServices {
  return {
    stackOutputs: async () => OUTPUTS,
    topicSubscriptions: async () => [
      'arn:aws:sns:ap-northeast-2:123456789012:HappyTalkArchive-AlarmTopic:1a2b',
    ],
    queryScalar: async () => '42',
    archive: () => emptyArchive,
    fetch: fakeApi().fetch,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    region: undefined,
    timeZone: 'Asia/Seoul',
    ...overrides,
  };
}

async function run(targets: Parameters<typeof runSmokeChecks>[0], overrides: Partial<SmokeServices> = {}) {
  const reported: SmokeResult[] = [];
  const results = await runSmokeChecks(targets, services(overrides), (result) => reported.push(result));
  return { results, reported, summary: results.map((r) => `${r.status} ${r.check}`) };
}

describe('runSmokeChecks', () => {
  it('reads the stack outputs and runs every check against them, signing for the API region', async () => {
    // Prepare
    const api = fakeApi();
    const queries: [string, string][] = [];

    // Act
    const { summary, results, reported } = await run(
      { stackName: 'HappyTalkArchive', skipAthena: false },
      {
        fetch: api.fetch,
        queryScalar: async (sql, workGroup) => {
          queries.push([sql, workGroup]);
          return '42';
        },
      },
    );

    // Assess
    expect(summary).toEqual([
      'PASS stack.outputs',
      'PASS api.unarchived',
      'SKIP api.archive',
      'SKIP api.read',
      'SKIP api.redacted',
      'SKIP archive.verify',
      'PASS alarms.subscription',
      'PASS athena.count',
    ]);
    expect(reported).toEqual(results);
    expect(api.requests).toEqual([
      {
        method: 'GET',
        path: expect.stringMatching(/^\/rooms\/smoke-check-[0-9a-f]{32}\/archive$/),
        authorization: expect.stringMatching(
          /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-2\/execute-api\/aws4_request, /,
        ),
        host: 'abc123.execute-api.ap-northeast-2.amazonaws.com',
      },
    ]);
    // What an analyst may query by default: the redacted table.
    expect(queries).toEqual([
      ['SELECT count(*) FROM "happytalkarchive"."rooms_redacted"', 'HappyTalkArchive'],
    ]);
    expect(results.at(-1)?.detail).toBe(
      'Athena counts 42 rooms in happytalkarchive.rooms_redacted (workgroup HappyTalkArchive)',
    );
  });

  it('archives, reads back and verifies the room it is given', async () => {
    // Act
    const { summary, results } = await run({
      stackName: 'HappyTalkArchive',
      roomId: 'room-1',
      skipAthena: true,
    });

    // Assess: the empty archive makes verify fail, with the check that failed
    expect(summary).toEqual([
      'PASS stack.outputs',
      'PASS api.unarchived',
      'PASS api.archive',
      'PASS api.read',
      'PASS api.redacted',
      'FAIL archive.verify',
      'PASS alarms.subscription',
      'SKIP athena.count',
    ]);
    expect(results[2]?.detail).toBe('POST archived room room-1: archived, 12 messages');
    expect(results[4]?.detail).toBe('GET read the redacted copy of room room-1 (redactor 1.1.0)');
    expect(results[5]?.detail).toBe('room room-1 does not verify: index.present');
  });

  it('fails the redacted copy check when the room has none, saying where to look', async () => {
    // Act
    const { results } = await run(
      { stackName: 'HappyTalkArchive', roomId: 'room-1', skipAthena: true },
      {
        fetch: fakeApi((method, path) =>
          method === 'GET' && path.endsWith('?format=redacted')
            ? { status: 404, body: { error: { code: 'NO_REDACTED_COPY', message: 'x', request_id: 'r' } } }
            : undefined,
        ).fetch,
      },
    );

    // Assess
    expect(results.find((r) => r.check === 'api.redacted')).toEqual({
      check: 'api.redacted',
      status: 'FAIL',
      detail:
        'room room-1 has no redacted copy: the pseudonym key could not be read when it was archived ' +
        '(RedactionPendingAlarm, the function log); fix the secret or its permissions, then archive again',
    });
  });

  it('skips the redacted copy check for a stack that writes none', async () => {
    // Act
    const { RedactionKeySecretArn: _, ...withoutCopies } = OUTPUTS;
    const { results, summary } = await run(
      { stackName: 'HappyTalkArchive', roomId: 'room-1', skipAthena: true },
      { stackOutputs: async () => withoutCopies },
    );

    // Assess
    expect(summary).toContain('SKIP api.redacted');
    expect(results.find((r) => r.check === 'api.redacted')?.detail).toBe(
      'the stack writes no redacted copies (redactedCopy: false)',
    );
  });

  it.each<[string, number, unknown, RegExp]>([
    [
      'a 403: the caller may not invoke the API',
      403,
      { message: 'Forbidden' },
      /answered 403 "Forbidden": the signature was refused or the caller may not execute-api:Invoke/,
    ],
    [
      'a 5xx: the function behind the route failed',
      500,
      { error: { code: 'INTERNAL', message: 'x', request_id: 'r' } },
      /answered 500 INTERNAL: the function failed, see its log group/,
    ],
    ['a 200 for a room never archived', 200, { room_id: 'x' }, /answered 200$/],
  ])('fails the unarchived-room check on %s', async (_case, status, body, detail) => {
    // Act
    const { results } = await run(
      { stackName: 'HappyTalkArchive', skipAthena: true },
      { fetch: fakeApi(() => ({ status, body })).fetch },
    );

    // Assess
    expect(results.find((r) => r.check === 'api.unarchived')).toEqual({
      check: 'api.unarchived',
      status: 'FAIL',
      detail: expect.stringMatching(detail),
    });
  });

  it.each<[string, string[], RegExp]>([
    ['no subscription', [], /has no subscription: alarms reach nobody/],
    ['a subscription not confirmed', ['PendingConfirmation'], /not confirmed yet/],
  ])('fails the alarm check with %s', async (_case, subscriptions, detail) => {
    // Act
    const { results } = await run(
      { stackName: 'HappyTalkArchive', skipAthena: true },
      { topicSubscriptions: async () => subscriptions },
    );

    // Assess
    expect(results.find((r) => r.check === 'alarms.subscription')).toEqual({
      check: 'alarms.subscription',
      status: 'FAIL',
      detail: expect.stringMatching(detail),
    });
  });

  it('reports a failing query, a missing stack and a stack without the outputs as failures, and goes on', async () => {
    // Act
    const failedQuery = await run(
      { stackName: 'HappyTalkArchive' },
      {
        queryScalar: async () => {
          throw new Error('the query FAILED: Insufficient permissions to execute the query');
        },
      },
    );
    const missingStack = await run(
      { stackName: 'Nope' },
      {
        stackOutputs: async () => {
          throw Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' });
        },
      },
    );
    const otherStack = await run({ stackName: 'Other' }, { stackOutputs: async () => ({ Foo: 'bar' }) });

    // Assess
    expect(failedQuery.results.at(-1)).toEqual({
      check: 'athena.count',
      status: 'FAIL',
      detail: 'Error: the query FAILED: Insufficient permissions to execute the query',
    });
    expect(missingStack.summary).toEqual([
      'FAIL stack.outputs',
      'FAIL api.unarchived',
      'SKIP api.archive',
      'SKIP api.read',
      'SKIP api.redacted',
      'SKIP archive.verify',
      'SKIP alarms.subscription',
      'SKIP athena.count',
    ]);
    expect(missingStack.results[0]?.detail).toBe('ValidationError: Stack with id Nope does not exist');
    expect(otherStack.results[0]?.detail).toMatch(/^Other has no output HttpApiUrl, ArchiveBucketName, /);
  });

  it('cannot sign without a region when the API URL does not name one', async () => {
    // Act
    const { results } = await run({ apiUrl: 'https://api.example.test/', bucket: 'b', skipAthena: true });

    // Assess
    expect(results.find((r) => r.check === 'api.unarchived')?.detail).toBe(
      'Error: no region to sign for: set AWS_REGION',
    );
  });
});

describe('happytalk-archive smoke', () => {
  it('prints one line per check and exits 1 when one fails', async () => {
    // Prepare
    let stdout = '';

    // Act
    const code = await runCli(['smoke', '--stack', 'HappyTalkArchive'], {
      env: {},
      stdout: (chunk) => {
        stdout += chunk.toString();
      },
      stderr: () => {},
      readStdin: async () => new Uint8Array(),
      smokeServices: async () => services({ topicSubscriptions: async () => [] }),
    });

    // Assess
    expect(code).toBe(1);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      'PASS  stack.outputs        HappyTalkArchive: 6 outputs',
      'PASS  api.unarchived       GET of a room never archived answered 404 NOT_ARCHIVED',
      'SKIP  api.archive          no --room-id',
      'SKIP  api.read             no --room-id',
      'SKIP  api.redacted         no --room-id',
      'SKIP  archive.verify       no --room-id',
      'FAIL  alarms.subscription  the alarm topic has no subscription: alarms reach nobody (deploy with -c alarmEmail=...)',
      'PASS  athena.count         Athena counts 42 rooms in happytalkarchive.rooms_redacted (workgroup HappyTalkArchive)',
    ]);
  });

  it('refuses an invalid room id before calling anything', async () => {
    // Prepare
    let called = false;

    // Act
    const code = await runCli(['smoke', '--stack', 'S', '--room-id', '../etc'], {
      env: {},
      stdout: () => {},
      stderr: () => {},
      readStdin: async () => new Uint8Array(),
      smokeServices: async () => {
        called = true;
        return services();
      },
    });

    // Assess
    expect(code).toBe(1);
    expect(called).toBe(false);
  });
});
