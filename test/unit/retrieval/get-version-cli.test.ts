import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../cli/program.js';

const s3 = mockClient(S3Client);

const ROOM = 'r1';
const index = {
  room_id: ROOM,
  transcript_key: `transcripts/year=2024/month=03/day=11/${ROOM}.json`,
  raw_key: `raw/year=2024/month=03/day=11/${ROOM}.json`,
  sha256: 'ab'.repeat(32),
  archived_at: '2026-01-01T00:00:00.000Z',
  schema_version: 1,
  message_count: 1,
  chat_status: '2',
  completed_at: null,
  transcript_version_id: 'pinned-transcript',
  raw_version_id: 'pinned-raw',
};

function body(text: string) {
  return {
    Body: {
      transformToString: async () => text,
      transformToByteArray: async () => new TextEncoder().encode(text),
    } as never,
  };
}

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: { ARCHIVE_BUCKET: 'archive', AWS_REGION: 'ap-northeast-2' },
    stdout: (chunk) => {
      out += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    },
    stderr: (chunk) => {
      err += chunk;
    },
    readStdin: async () => new Uint8Array(),
  };
  return { code: await runCli(argv, io), stdout: out, stderr: err };
}

describe('happytalk-archive get --version', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchVersion', 404));
    s3.on(GetObjectCommand, { Key: `index/rooms/${ROOM}.json` }).resolves(body(JSON.stringify(index)));
    s3.on(GetObjectCommand, { Key: index.transcript_key, VersionId: 'pinned-transcript' }).resolves(
      body('pinned\n'),
    );
    s3.on(GetObjectCommand, { Key: index.transcript_key, VersionId: 'older' }).resolves(body('older\n'));
    s3.on(GetObjectCommand, { Key: index.raw_key, VersionId: 'older-raw' }).resolves(body('{"raw":1}'));
  });

  it('reads the version the index pins without --version, and the one named with it', async () => {
    expect(await cli(['get', ROOM])).toEqual({ code: 0, stdout: 'pinned\n', stderr: '' });
    expect(await cli(['get', ROOM, '--version', 'older'])).toEqual({
      code: 0,
      stdout: 'older\n',
      stderr: '',
    });
    expect(await cli(['get', ROOM, '--raw', '--version', 'older-raw'])).toEqual({
      code: 0,
      stdout: '{"raw":1}',
      stderr: '',
    });
  });

  it('exits 1 with a clear message for a version the object does not have', async () => {
    const { code, stdout, stderr } = await cli(['get', ROOM, '--format', 'raw', '--version', 'older']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`happytalk-archive: s3://archive/${index.raw_key} has no version "older"\n`);
    expect(s3.commandCalls(GetObjectCommand).at(-1)?.args[0].input).toEqual({
      Bucket: 'archive',
      Key: index.raw_key,
      VersionId: 'older',
    });
  });
});
