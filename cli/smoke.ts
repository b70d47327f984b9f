import { randomUUID } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ArchiveReader } from '../lib/retrieval/reader.js';
import { verifyRoom } from '../lib/retrieval/verify.js';
import { signExecuteApiRequest } from '../lib/sigv4.js';

/** The outputs of the stack a smoke check reads (infra/archive-stack.ts). */
export const SMOKE_OUTPUTS = {
  apiUrl: 'HttpApiUrl',
  bucket: 'ArchiveBucketName',
  alarmTopicArn: 'AlarmTopicArn',
  database: 'GlueDatabaseName',
  workGroup: 'AthenaWorkGroupName',
} as const;

/** The output of a stack that writes redacted copies (absent with `redactedCopy: false`). */
const REDACTION_KEY_OUTPUT = 'RedactionKeySecretArn';

/** What a smoke check runs against: a deployed stack's outputs, or overrides standing in for them. */
export interface SmokeTargets {
  readonly stackName?: string;
  readonly apiUrl?: string;
  readonly bucket?: string;
  readonly roomId?: string;
  readonly skipAthena?: boolean;
}

/** One line of the report. */
export interface SmokeResult {
  readonly check: string;
  readonly status: 'PASS' | 'FAIL' | 'SKIP';
  readonly detail: string;
}

/** The AWS calls of a smoke check, replaceable in tests. */
export interface SmokeServices {
  /** The stack's outputs by key. */
  stackOutputs(stackName: string): Promise<Record<string, string>>;
  /** The ARNs of the topic's subscriptions (`PendingConfirmation` while one is not confirmed). */
  topicSubscriptions(topicArn: string): Promise<string[]>;
  /** Runs `sql` in the workgroup and answers the first column of its first row. */
  queryScalar(sql: string, workGroup: string): Promise<string>;
  /** The archive in `bucket`, for `verify`. */
  archive(bucket: string): ArchiveReader;
  /** Sends an HTTP request (the global fetch). */
  fetch: typeof fetch;
  /** The caller's AWS credentials, for SigV4. */
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The region of the API, when its URL does not say (`AWS_REGION`). */
  region: string | undefined;
  /** HappyTalk's time zone, for `verify`. */
  timeZone: string;
}

/**
 * The post-deploy smoke check: reads the stack's outputs, then checks, each on
 * one line, that a SigV4-signed GET of a room that is not archived answers 404
 * (not 403 or 5xx: the caller may invoke the API, and the retrieval role can
 * list the bucket), that POST archives `roomId`, GET reads it back, and its
 * redacted copy (the pseudonym key was read), and `verify` passes for it,
 * that the alarm topic has a confirmed subscription, and that Athena counts
 * the redacted rooms in the workgroup (what an analyst may query). A check whose inputs are
 * not there is skipped; the others still run.
 */
export async function runSmokeChecks(
  targets: SmokeTargets,
  services: SmokeServices,
  report: (result: SmokeResult) => void,
): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  const record = (check: string, status: SmokeResult['status'], detail: string) => {
    const result = { check, status, detail };
    results.push(result);
    report(result);
  };
  const attempt = async (check: string, run: () => Promise<[SmokeResult['status'], string]>) => {
    try {
      const [status, detail] = await run();
      record(check, status, detail);
    } catch (error) {
      record(check, 'FAIL', describeError(error));
    }
  };

  let outputs: Record<string, string> = {};
  const { stackName } = targets;
  if (stackName === undefined) {
    record('stack.outputs', 'SKIP', 'no --stack: --api-url and --bucket stand in for its outputs');
  } else {
    await attempt('stack.outputs', async () => {
      outputs = await services.stackOutputs(stackName);
      const missing = Object.values(SMOKE_OUTPUTS).filter((key) => outputs[key] === undefined);
      return missing.length === 0
        ? ['PASS', `${stackName}: ${Object.keys(outputs).length} outputs`]
        : ['FAIL', `${stackName} has no output ${missing.join(', ')}: is it a HappyTalkArchive stack?`];
    });
  }
  const apiUrl = targets.apiUrl ?? outputs[SMOKE_OUTPUTS.apiUrl];
  const bucket = targets.bucket ?? outputs[SMOKE_OUTPUTS.bucket];
  const topicArn = outputs[SMOKE_OUTPUTS.alarmTopicArn];
  const database = outputs[SMOKE_OUTPUTS.database];
  const workGroup = outputs[SMOKE_OUTPUTS.workGroup];

  const call = apiUrl === undefined ? undefined : signedCaller(apiUrl, services);
  if (call === undefined) {
    record('api.unarchived', 'FAIL', 'no API URL: give --stack or --api-url');
  } else {
    await attempt('api.unarchived', async () => {
      const probe = `smoke-check-${randomUUID().replaceAll('-', '')}`;
      const answer = await call('GET', `rooms/${probe}/archive`);
      const code = errorCodeOf(answer.body);
      if (answer.status === 404 && code === 'NOT_ARCHIVED') {
        return ['PASS', `GET of a room never archived answered 404 ${code}`];
      }
      return [
        'FAIL',
        `GET of a room never archived answered ${answer.status}${code ? ` ${code}` : ''}${hint(answer.status)}`,
      ];
    });
  }

  const { roomId } = targets;
  if (roomId === undefined) {
    for (const check of ['api.archive', 'api.read', 'api.redacted', 'archive.verify'])
      record(check, 'SKIP', 'no --room-id');
  } else if (call === undefined) {
    for (const check of ['api.archive', 'api.read', 'api.redacted'])
      record(check, 'FAIL', 'no API URL: give --stack or --api-url');
  } else {
    await attempt('api.archive', async () => {
      const answer = await call('POST', `rooms/${encodeURIComponent(roomId)}/archive`);
      const summary = parseJson(answer.body) as { status?: unknown; message_count?: unknown } | undefined;
      if (answer.status === 200 && typeof summary?.status === 'string') {
        return [
          'PASS',
          `POST archived room ${roomId}: ${summary.status}, ${String(summary.message_count)} messages`,
        ];
      }
      const code = errorCodeOf(answer.body);
      return ['FAIL', `POST answered ${answer.status}${code ? ` ${code}` : ''}${hint(answer.status)}`];
    });
    await attempt('api.read', async () => {
      const answer = await call('GET', `rooms/${encodeURIComponent(roomId)}/archive`);
      const body = parseJson(answer.body) as
        | { room_id?: unknown; url?: unknown; bytes?: unknown }
        | undefined;
      if (answer.status === 200 && body?.room_id === roomId) {
        return ['PASS', `GET read room ${roomId} back (${Buffer.byteLength(answer.body)} bytes)`];
      }
      if (answer.status === 200 && typeof body?.url === 'string') {
        return ['PASS', `GET answered a presigned URL for ${String(body.bytes)} bytes of room ${roomId}`];
      }
      const code = errorCodeOf(answer.body);
      return ['FAIL', `GET answered ${answer.status}${code ? ` ${code}` : ''}${hint(answer.status)}`];
    });
    if (stackName !== undefined && outputs[SMOKE_OUTPUTS.apiUrl] && !outputs[REDACTION_KEY_OUTPUT]) {
      record('api.redacted', 'SKIP', 'the stack writes no redacted copies (redactedCopy: false)');
    } else {
      await attempt('api.redacted', async () => {
        const answer = await call('GET', `rooms/${encodeURIComponent(roomId)}/archive?format=redacted`);
        const body = parseJson(answer.body) as
          | { room_id?: unknown; url?: unknown; redaction?: { redactor_version?: unknown } }
          | undefined;
        if (answer.status === 200 && body?.room_id === roomId && body.redaction !== undefined) {
          return [
            'PASS',
            `GET read the redacted copy of room ${roomId} (redactor ${String(body.redaction.redactor_version)})`,
          ];
        }
        if (answer.status === 200 && typeof body?.url === 'string') {
          return ['PASS', `GET answered a presigned URL for the redacted copy of room ${roomId}`];
        }
        const code = errorCodeOf(answer.body);
        if (code === 'NO_REDACTED_COPY') {
          return [
            'FAIL',
            `room ${roomId} has no redacted copy: the pseudonym key could not be read when it was archived ` +
              '(RedactionPendingAlarm, the function log); fix the secret or its permissions, then archive again',
          ];
        }
        return ['FAIL', `GET answered ${answer.status}${code ? ` ${code}` : ''}${hint(answer.status)}`];
      });
    }
  }
  if (roomId !== undefined) {
    if (bucket === undefined) {
      record('archive.verify', 'FAIL', 'no bucket: give --stack or --bucket');
    } else {
      await attempt('archive.verify', async () => {
        const verification = await verifyRoom(services.archive(bucket), roomId, {
          timeZone: services.timeZone,
        });
        if (verification.ok) return ['PASS', `room ${roomId} verifies in s3://${bucket}`];
        const checks = [...new Set(verification.mismatches.map((mismatch) => mismatch.check))];
        return ['FAIL', `room ${roomId} does not verify: ${checks.join(', ')}`];
      });
    }
  }

  if (topicArn === undefined) {
    record('alarms.subscription', 'SKIP', 'no alarm topic: give --stack');
  } else {
    await attempt('alarms.subscription', async () => {
      const subscriptions = await services.topicSubscriptions(topicArn);
      const confirmed = subscriptions.filter((arn) => arn.startsWith('arn:'));
      if (confirmed.length > 0)
        return ['PASS', `${confirmed.length} confirmed subscription(s) to the alarm topic`];
      return [
        'FAIL',
        subscriptions.length > 0
          ? 'the alarm topic subscription is not confirmed yet: confirm the email AWS sent'
          : 'the alarm topic has no subscription: alarms reach nobody (deploy with -c alarmEmail=...)',
      ];
    });
  }

  if (targets.skipAthena) {
    record('athena.count', 'SKIP', '--skip-athena');
  } else if (database === undefined || workGroup === undefined) {
    record('athena.count', 'SKIP', 'no workgroup: give --stack');
  } else {
    await attempt('athena.count', async () => {
      // The redacted table: what `grantQuery` gives an analyst by default.
      const table = 'rooms_redacted';
      const count = await services.queryScalar(`SELECT count(*) FROM "${database}"."${table}"`, workGroup);
      return ['PASS', `Athena counts ${count} rooms in ${database}.${table} (workgroup ${workGroup})`];
    });
  }
  return results;
}

/** One report line: `PASS  api.read             GET read room … back`. */
export function formatSmokeResult(result: SmokeResult): string {
  return `${result.status.padEnd(4)}  ${result.check.padEnd(20)} ${result.detail}\n`;
}

type Caller = (method: 'GET' | 'POST', path: string) => Promise<{ status: number; body: string }>;

/** Sends SigV4-signed requests below the API's base URL. */
function signedCaller(apiUrl: string, services: SmokeServices): Caller {
  const base = new URL(apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  const region =
    /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(base.hostname)?.[1] ?? services.region;
  return async (method, path) => {
    if (region === undefined) throw new Error('no region to sign for: set AWS_REGION');
    const url = new URL(path, base);
    const headers = await signExecuteApiRequest(
      { method, url },
      { region, credentials: services.credentials },
    );
    const response = await services.fetch(url, { method, headers, redirect: 'manual' });
    return { status: response.status, body: await response.text() };
  };
}

function hint(status: number): string {
  if (status === 403) return ': the signature was refused or the caller may not execute-api:Invoke the route';
  if (status >= 500) return ': the function failed, see its log group';
  return '';
}

function errorCodeOf(body: string): string | undefined {
  const parsed = parseJson(body) as { error?: { code?: unknown }; message?: unknown } | undefined;
  if (typeof parsed?.error?.code === 'string') return parsed.error.code;
  return typeof parsed?.message === 'string' ? JSON.stringify(parsed.message) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
