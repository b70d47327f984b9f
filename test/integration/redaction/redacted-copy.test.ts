import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateRoom, makeRoomId, type SimRoom } from '../../../dev/simulator/index.js';
import { LOCAL_REDACTION_KEY, LOCAL_REDACTION_KEY_SECRET_ID } from '../../../dev/stand-ins.js';
import { createHttpApiHandler, httpApiRuntime } from '../../../functions/handlers/http-api.js';
import { createRetrievalApiHandler, retrievalRuntime } from '../../../functions/handlers/retrieval-api.js';
import { ArchiveAnalytics } from '../../../infra/parts/analytics.js';
import { structFields } from '../../../infra/parts/glue-schema.js';
import type { TranscriptIndexRecord } from '../../../lib/archive/index-record.js';
import { createArchiveService } from '../../../lib/archive/service.js';
import { createS3Client, createSecretsManagerClient } from '../../../lib/aws.js';
import { readArchiveConfig, readRedactionConfig } from '../../../lib/config.js';
import { Pseudonymizer } from '../../../lib/redaction/pseudonym.js';
import { REDACTOR_VERSION } from '../../../lib/redaction/redact.js';
import { sha256Hex } from '../../../lib/shared/hash.js';
import { jsonLines, runCliCaptured } from '../../support/cli.js';
import { captureOutput, httpApiEvent, lambdaContext } from '../../support/lambda.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const CUSTOMER = '1000225570_redaction_e2e';
const USER_ID = 'minji_redaction';
/** What the customer types: every value must be in the transcript and in no redacted copy, log or metadata. */
const PLANTED = ['010-2345-6789', 'minji.e2e@naver.com', '900101-1234568', '4518-4210-1234-5679'];

/** A finished room of March 2024 whose customer writes personal data into the chat. */
function roomWithPii(seed: string, extra = ''): { id: string; room: SimRoom } {
  const id = makeRoomId(seed);
  const room = generateRoom({ roomId: id, messageCount: 6, regDate: '2024-03-15 10:00:00', status: '2' });
  room.chat.customer_uuid = CUSTOMER;
  room.chat.users_id = USER_ID;
  const customer = room.message.find((message) => message.user_type === 'C') ?? room.message[0];
  if (customer) {
    customer.contents = `제 번호는 ${PLANTED[0]} 이고 메일은 ${PLANTED[1]} 입니다. 주민번호 ${PLANTED[2]}, 카드 ${PLANTED[3]}${extra}`;
  }
  return { id, room };
}

let stack: TestStack;
let archiveHandler: Handler;
let retrievalHandler: Handler;

beforeAll(async () => {
  stack = await startTestStack();
  archiveHandler = createHttpApiHandler(httpApiRuntime(stack.env));
  retrievalHandler = createRetrievalApiHandler(retrievalRuntime(stack.env));
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, JSON.stringify({ key: LOCAL_REDACTION_KEY }));
});

async function post(handler: Handler, roomId: string) {
  const response = await handler(httpApiEvent('POST', roomId), lambdaContext());
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? 'null') as Record<string, unknown>,
  };
}

async function indexOf(roomId: string): Promise<TranscriptIndexRecord> {
  return JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));
}

function cli(argv: string[]) {
  return runCliCaptured(argv, { ...stack.env });
}

describe('the redacted copy, end to end', () => {
  const { id, room } = roomWithPii('redaction-e2e');
  const redactedKey = `redacted/year=2024/month=03/day=15/${id}.json`;

  beforeAll(() => {
    stack.simulator.addRoom(room);
  });

  it('is written beside the transcript on archive, masked and keyed, and recorded in the index', async () => {
    // Act
    const archived = await post(archiveHandler, id);

    // Assess
    expect(archived).toMatchObject({ status: 200, body: { room_id: id, status: 'archived' } });
    expect(archived.body).not.toHaveProperty('redaction_pending');
    expect(await stack.listKeys('redacted/')).toContain(redactedKey);
    const stored = await stack.getObject(redactedKey);
    const text = stored.body.toString('utf8');
    for (const value of PLANTED) expect(text).not.toContain(value);
    expect(text).toContain('[PHONE]');
    expect(text).toContain('[EMAIL]');
    expect(text).toContain('[RRN]');
    expect(text).toContain('[CARD]');
    const copy = JSON.parse(text);
    const pseudonyms = new Pseudonymizer(LOCAL_REDACTION_KEY);
    expect(copy.chat.customer).toEqual({
      uuid: pseudonyms.pseudonym('customer', CUSTOMER),
      user_id: pseudonyms.pseudonym('user_id', USER_ID),
    });
    expect(copy.redaction).toMatchObject({
      redactor_version: REDACTOR_VERSION,
      mask: 'type',
      counselors: 'kept',
      pseudonym_key_id: pseudonyms.keyId,
    });
    expect(stored.contentType).toBe('application/json; charset=utf-8');
    for (const value of [...PLANTED, CUSTOMER, USER_ID, LOCAL_REDACTION_KEY]) {
      expect(JSON.stringify(stored.metadata)).not.toContain(value);
    }
    expect(Object.keys(stored.metadata ?? {}).sort()).toEqual([
      'fetched-at',
      'redacted-sha256',
      'redaction-key-id',
      'redactor-version',
      'room-id',
      'schema-version',
      'sha256',
    ]);

    const transcript = (await stack.getObject(`transcripts/year=2024/month=03/day=15/${id}.json`)).body;
    for (const value of PLANTED) expect(transcript.toString('utf8')).toContain(value);
    const index = await indexOf(id);
    expect(index).toMatchObject({
      redacted_key: redactedKey,
      redacted_sha256: sha256Hex(stored.body),
      redactor_version: REDACTOR_VERSION,
      redaction_key_id: pseudonyms.keyId,
    });
    expect(index.redacted_version_id).toEqual(expect.any(String));
    expect(index).not.toHaveProperty('redaction_pending');
  });

  it('is read back byte for byte by get --redacted and by the retrieval API, the version too', async () => {
    // Prepare
    const stored = await stack.getObject(redactedKey);
    const { redacted_version_id: versionId } = await indexOf(id);

    // Act
    const got = await cli(['get', id, '--redacted']);
    const byVersion = await cli(['get', id, '--format', 'redacted', '--version', String(versionId)]);
    const full = await cli(['get', id]);
    const api = await retrievalHandler(
      { ...httpApiEvent('GET', id), queryStringParameters: { format: 'redacted' } },
      lambdaContext(),
    );

    // Assess
    expect(got.code).toBe(0);
    expect(got.stdoutBytes.equals(stored.body)).toBe(true);
    expect(byVersion.stdoutBytes.equals(stored.body)).toBe(true);
    expect(full.stdout).toContain(PLANTED[0]);
    expect(api.statusCode).toBe(200);
    expect(api.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(Buffer.from(api.body ?? '', 'base64').equals(stored.body)).toBe(true);
  });

  it('is what the Athena table over redacted/ reads: its partition, its columns, its redaction block', async () => {
    // Prepare
    const stack = new Stack(new App(), 'Analytics');
    const analytics = new ArchiveAnalytics(stack, 'Analytics', {
      bucket: new Bucket(stack, 'Archive'),
      key: new Key(stack, 'Key'),
      accessLogBucket: new Bucket(stack, 'Logs'),
      databaseName: 'happytalkarchive',
      workGroupName: 'HappyTalkArchive',
      bytesScannedCutoffPerQuery: 10_000_000_000,
    });
    const copy = JSON.parse((await stackObject(redactedKey)).toString('utf8')) as Record<string, unknown>;

    // Act
    const tables = Template.fromStack(stack).findResources('AWS::Glue::Table');
    const input = (name: string) =>
      Object.values(tables).find((table) => table.Properties.TableInput.Name === name)?.Properties.TableInput;
    const rooms = input('rooms_redacted');
    const view = input('messages_redacted');

    // Assess
    const template = JSON.stringify(rooms.Parameters['storage.location.template']);
    const placeholder = (name: string) => ['$', '{', name, '}'].join('');
    expect(template).toContain(
      `/redacted/year=${placeholder('year')}/month=${placeholder('month')}/day=${placeholder('day')}/`,
    );
    expect(redactedKey).toMatch(/^redacted\/year=2024\/month=03\/day=15\/[^/]+\.json$/);
    const columns = rooms.StorageDescriptor.Columns as { Name: string; Type: string }[];
    expect(columns.map((column) => column.Name)).toEqual(Object.keys(copy));
    const block = columns.find((column) => column.Name === 'redaction');
    expect([...structFields(block?.Type ?? '').keys()]).toEqual(Object.keys(copy.redaction as object));
    expect(analytics.redactedColumns.map((column) => column.name)).toEqual(Object.keys(copy));
    const sql = JSON.parse(
      Buffer.from(/Presto View: (.+) \*\//.exec(view.ViewOriginalText)?.[1] ?? '', 'base64').toString('utf8'),
    ).originalSql as string;
    expect(sql).toContain('FROM "happytalkarchive"."rooms_redacted" r');
  });

  it('writes nothing new when the room is unchanged, and a new copy when it changed', async () => {
    // Prepare
    const before = stack.s3.versions.filter((version) => version.key.startsWith('redacted/')).length;
    const { redacted_version_id: firstVersion } = await indexOf(id);

    // Act
    const unchanged = await post(archiveHandler, id);
    const afterUnchanged = stack.s3.versions.filter((version) => version.key.startsWith('redacted/')).length;
    stack.simulator.addRoom(roomWithPii('redaction-e2e', ' 그리고 집 전화는 02-345-6789').room);
    const updated = await post(archiveHandler, id);

    // Assess
    expect(unchanged.body.status).toBe('unchanged');
    expect(afterUnchanged).toBe(before);
    expect(updated.body.status).toBe('updated');
    const index = await indexOf(id);
    expect(index.redacted_version_id).not.toBe(firstVersion);
    const copy = (await stack.getObject(redactedKey)).body.toString('utf8');
    expect(copy).not.toContain('02-345-6789');
    expect(JSON.parse(copy).redaction.counts.PHONE).toBeGreaterThan(1);
    const versions = await cli(['get', id, '--redacted', '--version', String(firstVersion)]);
    expect(versions.stdout).not.toContain('02-345-6789');
    expect(versions.code).toBe(0);
  });
});

describe('the redacted copy turned off', () => {
  it('writes no copy and records none', async () => {
    // Prepare
    const { id, room } = roomWithPii('redaction-off');
    stack.simulator.addRoom(room);
    const handler = createHttpApiHandler(httpApiRuntime({ ...stack.env, REDACTED_COPY: 'off' }));

    // Act
    const archived = await post(handler, id);
    const got = await cli(['get', id, '--redacted']);

    // Assess
    expect(archived.body.status).toBe('archived');
    expect((await stack.listKeys('redacted/')).filter((key) => key.includes(id))).toEqual([]);
    expect(Object.keys(await indexOf(id)).filter((name) => /redact/.test(name))).toEqual([]);
    expect(got.code).toBe(1);
    expect(got.stderr).toContain(`room ${id} has no redacted copy`);
  });
});

describe('when the pseudonym key cannot be read', () => {
  it('archives the transcript, marks the copy pending, counts it, and the next archive completes it', async () => {
    // Prepare
    const { id, room } = roomWithPii('redaction-key-fault');
    stack.simulator.addRoom(room);
    stack.secrets.deleteSecret(LOCAL_REDACTION_KEY_SECRET_ID);
    const handler = createHttpApiHandler(httpApiRuntime(stack.env));
    const output = captureOutput();

    // Act
    let archived: Awaited<ReturnType<typeof post>>;
    try {
      archived = await post(handler, id);
    } finally {
      output.restore();
    }
    const pendingGet = await cli(['get', id, '--redacted']);
    stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, JSON.stringify({ key: LOCAL_REDACTION_KEY }));
    const completed = await post(handler, id);

    // Assess
    expect(archived).toMatchObject({
      status: 200,
      body: { status: 'archived', redaction_pending: 'REDACTION_KEY_ACCESS' },
    });
    const logs = output.text();
    expect(logs).toContain('"RedactionPending"');
    expect(logs).toContain('redacted copy pending');
    for (const value of [...PLANTED, LOCAL_REDACTION_KEY, CUSTOMER]) expect(logs).not.toContain(value);
    expect(pendingGet.code).toBe(1);
    expect(pendingGet.stderr).toContain('pending (REDACTION_KEY_ACCESS');
    expect(pendingGet.stderr).toContain(`happytalk-archive reindex ${id}`);
    expect(completed.body).toMatchObject({ status: 'updated' });
    expect(completed.body).not.toHaveProperty('redaction_pending');
    const index = await indexOf(id);
    expect(index.redacted_key).toBe(`redacted/year=2024/month=03/day=15/${id}.json`);
    expect(index).not.toHaveProperty('redaction_pending');
  });

  it('leaves the copy pending for reindex to make, which never calls HappyTalk', async () => {
    // Prepare
    const { id, room } = roomWithPii('redaction-key-invalid');
    stack.simulator.addRoom(room);
    stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, 'too-short');
    const archived = await post(createHttpApiHandler(httpApiRuntime(stack.env)), id);
    stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, JSON.stringify({ key: LOCAL_REDACTION_KEY }));
    stack.simulator.resetRequests();

    // Act
    const reindexed = await cli(['reindex', id, '--json']);

    // Assess
    expect(archived.body).toMatchObject({ status: 'archived', redaction_pending: 'REDACTION_KEY_INVALID' });
    expect(reindexed.code).toBe(0);
    expect(jsonLines(reindexed.stdout)).toEqual([
      expect.objectContaining({
        room_id: id,
        status: 'reindexed',
        differences: [],
        redacted: { status: 'created', current_redactor_version: REDACTOR_VERSION },
      }),
    ]);
    expect(stack.simulator.requests).toEqual([]);
    const copy = (await stack.getObject(`redacted/year=2024/month=03/day=15/${id}.json`)).body.toString();
    expect(copy).not.toContain(PLANTED[0]);
    const verified = await cli(['verify', id, '--json']);
    expect(jsonLines(verified.stdout)).toEqual([expect.objectContaining({ room_id: id, status: 'ok' })]);
    expect(jsonLines(verified.stdout)[0]).not.toHaveProperty('redacted_copy');
  });
});

describe('S3 requests per archive', () => {
  it('are the index read and four writes for a first archive or an update with its copy, three without, one read unchanged, five to complete a pending copy', async () => {
    // Prepare
    const counts: string[] = [];
    const counting = () => {
      const client = createS3Client(stack.env);
      client.middlewareStack.add(
        (next, context) => async (args) => {
          counts.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize' },
      );
      return client;
    };
    const service = (env: Record<string, string>) =>
      createArchiveService(readArchiveConfig(env, { allowLocalToken: false }), {
        s3: counting(),
        secretsManager: createSecretsManagerClient(env),
        redaction: readRedactionConfig(env, { allowLocalKey: false }),
      });
    const withCopy = roomWithPii('redaction-requests-copy');
    const withoutCopy = roomWithPii('redaction-requests-none');
    stack.simulator.addRoom(withCopy.room);
    stack.simulator.addRoom(withoutCopy.room);

    // Act
    await service(stack.env).archive(withCopy.id);
    const first = counts.splice(0);
    await service(stack.env).archive(withCopy.id);
    const unchanged = counts.splice(0);
    stack.simulator.addRoom(roomWithPii('redaction-requests-copy', ' 그리고 02-345-6789').room);
    await service(stack.env).archive(withCopy.id);
    const update = counts.splice(0);
    await service({ ...stack.env, REDACTED_COPY: 'off' }).archive(withoutCopy.id);
    const off = counts.splice(0);
    stack.simulator.addRoom(roomWithPii('redaction-requests-none', ' 그리고 02-345-6789').room);
    await service({ ...stack.env, REDACTED_COPY: 'off' }).archive(withoutCopy.id);
    const updateOff = counts.splice(0);
    const pendingFirst = roomWithPii('redaction-requests-pending');
    stack.simulator.addRoom(pendingFirst.room);
    await service({ ...stack.env, REDACTION_KEY_SECRET_ID: 'happytalk-archive/no-such-key' }).archive(
      pendingFirst.id,
    );
    counts.splice(0);
    await service(stack.env).archive(pendingFirst.id);
    const completion = counts.splice(0);

    // Assess
    expect(first.sort()).toEqual([
      'GetObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
    ]);
    expect(unchanged).toEqual(['GetObjectCommand']);
    // An update writes over what the index pins with If-Match on the tags it recorded: no HeadObject.
    expect(update.sort()).toEqual(first);
    expect(off.sort()).toEqual([
      'GetObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
    ]);
    expect(updateOff.sort()).toEqual(off);
    // A copy left pending, completed: the index (twice: the transcript is read through it) and the
    // transcript read, the copy written as new and the index over the one read, with no HEAD.
    expect(completion.sort()).toEqual([
      'GetObjectCommand',
      'GetObjectCommand',
      'GetObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
    ]);
  });
});

async function stackObject(key: string): Promise<Buffer> {
  return (await stack.getObject(key)).body;
}

describe('the CLI and the API around the copy', () => {
  it('archives without a key, says so once, and leaves every copy pending, never made', async () => {
    // Prepare
    const { id, room } = roomWithPii('redaction-cli-nokey');
    stack.simulator.addRoom(room);
    const { REDACTION_KEY_SECRET_ID: _secret, ...withoutKey } = stack.env;

    // Act
    const archived = await runCliCaptured(['archive', id], withoutKey);
    const api = await retrievalHandler(
      { ...httpApiEvent('GET', id), queryStringParameters: { format: 'redacted' } },
      lambdaContext(),
    );

    // Assess
    expect(archived.code).toBe(0);
    expect(jsonLines(archived.stdout)).toEqual([
      expect.objectContaining({
        room_id: id,
        status: 'archived',
        redaction_pending: 'REDACTION_KEY_NOT_CONFIGURED',
      }),
    ]);
    expect(archived.stderr.split('\n')[0]).toBe(
      'happytalk-archive: no redaction key (REDACTION_KEY_SECRET_ID, or REDACTION_KEY for local use): the ' +
        'redacted copies are left pending, to be made by `reindex` with the key; REDACTED_COPY=off writes none',
    );
    expect((await stack.listKeys('redacted/')).filter((key) => key.includes(id))).toEqual([]);
    expect(api.statusCode).toBe(404);
    expect(JSON.parse(api.body ?? '{}').error).toMatchObject({
      code: 'NO_REDACTED_COPY',
      message: `room ${id} has no redacted copy yet`,
    });
  });

  it('refuses contradicting formats, and names the redacted format among those it takes', async () => {
    // Act
    const both = await cli(['get', 'room-1', '--raw', '--redacted']);
    const unknown = await retrievalHandler(
      { ...httpApiEvent('GET', 'room-1'), queryStringParameters: { format: 'pdf' } },
      lambdaContext(),
    );

    // Assess
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--raw and --redacted contradict each other');
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body ?? '{}').error.message).toBe(
      'format must be one of json, html, raw, redacted',
    );
  });
});
