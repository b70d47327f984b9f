import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../cli/program.js';
import { ConfigurationError } from '../../../lib/errors.js';
import { InvalidRedactionKeyError } from '../../../lib/redaction/errors.js';
import { parseRedactionKeySecret, readRedactionKeySource } from '../../../lib/redaction/key.js';
import { Pseudonymizer } from '../../../lib/redaction/pseudonym.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { normalize, rawChat, rawMessage, rawRoom } from '../transcript/builders.js';

const secretsManager = mockClient(SecretsManagerClient);
const KEY = 'cli-redaction-key-0123456789abcdef!';

const TRANSCRIPT = normalize(
  rawRoom({
    chat: rawChat({ vote_comment: '연락은 010-2345-6789 로 주세요' }),
    message: [
      rawMessage({ id: '1', contents: '주민번호 850315-1234566 이고 메일은 minsu@naver.com 입니다' }),
      rawMessage({ id: '2', contents: '감사합니다' }),
    ],
  }),
);
const LINE = `${JSON.stringify(TRANSCRIPT)}\n`;

let directory: string;
let file: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'redact-cli-'));
  file = join(directory, 'transcript.json');
  await writeFile(file, LINE);
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  secretsManager.reset();
});

async function cli(argv: string[], env: Record<string, string> = { REDACTION_KEY: KEY }, stdin = LINE) {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: { AWS_REGION: 'ap-northeast-2', ...env },
    stdout: (chunk) => {
      out += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    },
    stderr: (chunk) => {
      err += chunk;
    },
    readStdin: async () => new TextEncoder().encode(stdin),
  };
  return { code: await runCli(argv, io), stdout: out, stderr: err };
}

describe('happytalk-archive redact', () => {
  it('reads stdin and prints the redacted transcript as one JSON line', async () => {
    const { code, stdout, stderr } = await cli(['redact']);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    const redacted = JSON.parse(stdout);
    expect(TranscriptSchema.safeParse(redacted).success).toBe(true);
    expect(redacted.messages[0].text).toBe('주민번호 [RRN] 이고 메일은 [EMAIL] 입니다');
    expect(redacted.chat.rating.comment).toBe('연락은 [PHONE] 로 주세요');
    expect(redacted.chat.customer.uuid).toBe(
      new Pseudonymizer(KEY).pseudonym('customer', String(TRANSCRIPT.chat.customer.uuid)),
    );
    expect(redacted.redaction.counts).toEqual({ EMAIL: 2, PHONE: 1, RRN: 2 });
  });

  it('reads stdin for "-" and a file when named, with the same result', async () => {
    const fromStdin = await cli(['redact']);
    const fromDash = await cli(['redact', '-']);
    const fromFile = await cli(['redact', file], { REDACTION_KEY: KEY }, '');

    expect(fromDash).toEqual(fromStdin);
    expect(fromFile).toEqual(fromStdin);
  });

  it('masks with [PII] with --mask pii, and refuses another style', async () => {
    const { code, stdout } = await cli(['redact', '--mask', 'pii']);
    const refused = await cli(['redact', '--mask', 'stars']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout).messages[0].text).toBe('주민번호 [PII] 이고 메일은 [PII] 입니다');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain("argument 'stars' is invalid");
  });

  it('prints one JSON line per finding with --explain, values masked, without needing a key', async () => {
    const { code, stdout, stderr } = await cli(['redact', '--explain'], {});

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const findings = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(findings).toEqual([
      {
        path: 'chat.rating.comment',
        type: 'PHONE',
        start: 4,
        end: 17,
        confidence: 0.99,
        masked: '***-****-****',
      },
      {
        path: 'messages[0].text',
        type: 'RRN',
        start: 5,
        end: 19,
        confidence: 0.99,
        masked: '******-*******',
      },
      {
        path: 'messages[0].text',
        type: 'EMAIL',
        start: 27,
        end: 42,
        confidence: 0.99,
        masked: '*****@*****.***',
      },
      {
        path: 'messages[0].contents',
        type: 'RRN',
        start: 5,
        end: 19,
        confidence: 0.99,
        masked: '******-*******',
      },
      {
        path: 'messages[0].contents',
        type: 'EMAIL',
        start: 27,
        end: 42,
        confidence: 0.99,
        masked: '*****@*****.***',
      },
    ]);
    expect(stdout).not.toMatch(/850315|minsu|2345-6789/);
  });

  it('reads the key from the secret REDACTION_KEY_SECRET_ID names, bare or as JSON', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'redaction-key' }).resolves({ SecretString: KEY });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'redaction-key-json' })
      .resolves({ SecretString: JSON.stringify({ key: KEY }) });

    const local = await cli(['redact']);
    const bare = await cli(['redact'], {
      REDACTION_KEY_SECRET_ID: 'redaction-key',
      REDACTION_KEY: 'ignored',
    });
    const json = await cli(['redact'], { REDACTION_KEY_SECRET_ID: 'redaction-key-json' });

    expect(bare).toEqual(local);
    expect(json).toEqual(local);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses with one line on stderr and nothing on stdout without a key', async () => {
    const { code, stdout, stderr } = await cli(['redact'], {});

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      'happytalk-archive: REDACTION_KEY_SECRET_ID is not set (or, for local use, REDACTION_KEY): the pseudonym key is needed to redact\n',
    );
  });

  it('refuses a short key and an unreadable or empty secret, never quoting the key', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'denied' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    secretsManager.on(GetSecretValueCommand, { SecretId: 'short' }).resolves({ SecretString: 'tiny-key' });
    secretsManager.on(GetSecretValueCommand, { SecretId: 'empty' }).resolves({ SecretString: ' ' });

    const results = [
      await cli(['redact'], { REDACTION_KEY: 'tiny-key' }),
      await cli(['redact'], { REDACTION_KEY_SECRET_ID: 'denied' }),
      await cli(['redact'], { REDACTION_KEY_SECRET_ID: 'short' }),
      await cli(['redact'], { REDACTION_KEY_SECRET_ID: 'empty' }),
    ];

    expect(results.map(({ code, stdout }) => ({ code, stdout }))).toEqual(
      results.map(() => ({ code: 1, stdout: '' })),
    );
    expect(results.map(({ stderr }) => stderr)).toEqual([
      'happytalk-archive: the redaction key must be at least 32 bytes, received 8\n',
      'happytalk-archive: cannot read secret denied: AccessDeniedException\n',
      'happytalk-archive: secret short: the redaction key must be at least 32 bytes, received 8\n',
      'happytalk-archive: secret empty is empty: store the redaction key in it\n',
    ]);
  });

  it.each([
    ['not JSON', '{"schema_version": 1', 'the input is not UTF-8 JSON (20 bytes)'],
    ['not UTF-8', '\uFFFD', 'the input is not UTF-8 JSON'],
    ['empty', '', 'the input is not UTF-8 JSON (0 bytes)'],
    ['not a transcript', '{"schema_version": 1, "room_id": "r"}', 'the input is not a transcript v1: chat:'],
    ['of another version', JSON.stringify({ ...TRANSCRIPT, schema_version: 2 }), 'schema_version'],
  ])('refuses input that is %s with one line, printing nothing', async (_case, input, message) => {
    const stdin = input === '\uFFFD' ? '' : input;
    const { code, stdout, stderr } =
      input === '\uFFFD'
        ? await cliBytes(['redact'], new Uint8Array([0xff, 0xfe, 0x7b]))
        : await cli(['redact'], { REDACTION_KEY: KEY }, stdin);

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).toContain(message);
  });

  it('refuses a redacted copy, and a file that does not exist', async () => {
    const redacted = (await cli(['redact'])).stdout;

    const again = await cli(['redact'], { REDACTION_KEY: KEY }, redacted);
    const missing = await cli(['redact', join(directory, 'missing.json')]);

    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: 'happytalk-archive: the transcript is already a redacted copy (it has a redaction block)\n',
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^happytalk-archive: ENOENT/);
  });

  it('never writes a value of the transcript to stderr', async () => {
    const broken = LINE.replace('"schema_version":1', '"schema_version":"850315-1234566"');

    const { stderr } = await cli(['redact'], { REDACTION_KEY: KEY }, broken);

    expect(stderr).toContain('schema_version');
    expect(stderr).not.toContain('850315');
  });
});

async function cliBytes(argv: string[], stdin: Uint8Array) {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: { REDACTION_KEY: KEY },
    stdout: (chunk) => {
      out += String(chunk);
    },
    stderr: (chunk) => {
      err += chunk;
    },
    readStdin: async () => stdin,
  };
  return { code: await runCli(argv, io), stdout: out, stderr: err };
}

describe('redaction key configuration', () => {
  it('prefers the secret to the local key, and names both when neither is set', () => {
    expect(readRedactionKeySource({ REDACTION_KEY_SECRET_ID: ' id ', REDACTION_KEY: KEY })).toEqual({
      kind: 'secret',
      secretId: 'id',
    });
    expect(readRedactionKeySource({ REDACTION_KEY: KEY })).toEqual({ kind: 'local', key: KEY });
    expect(() => readRedactionKeySource({ REDACTION_KEY: '  ' })).toThrow(ConfigurationError);
  });

  it('reads a secret that holds the bare key or {"key": …}, and nothing else', () => {
    expect(parseRedactionKeySecret(` ${KEY}\n`, 's')).toBe(KEY);
    expect(parseRedactionKeySecret(JSON.stringify({ key: KEY }), 's')).toBe(KEY);
    expect(() => parseRedactionKeySecret('{"key": 1}', 's')).toThrow(InvalidRedactionKeyError);
    expect(() => parseRedactionKeySecret('{not json', 's')).toThrow('is not valid JSON');
    expect(() => parseRedactionKeySecret(JSON.stringify({ token: KEY }), 's')).toThrow(
      'no non-empty string "key"',
    );
  });
});
