import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateRoom, SAMPLE_ROOM_IDS } from '../../../dev/simulator/index.js';
import { type ArchiveService, createArchiveService } from '../../../lib/archive/service.js';
import { createSecretsManagerClient } from '../../../lib/aws.js';
import { readArchiveConfig } from '../../../lib/config.js';
import { InvalidRoomIdError } from '../../../lib/errors.js';
import { OverDateError, RoomNotFoundError } from '../../../lib/happytalk/errors.js';
import { CHAT_DATA_PATH } from '../../../lib/happytalk/schema.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

let stack: TestStack;
let service: ArchiveService;

beforeAll(async () => {
  stack = await startTestStack();
  const config = readArchiveConfig(stack.env, { allowLocalToken: false });
  service = createArchiveService(config, {
    s3: stack.s3Client,
    secretsManager: createSecretsManagerClient(stack.env),
    client: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
  });
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.clearFaults();
  stack.simulator.resetRequests();
});

async function fetchRawBytes(roomId: string): Promise<Buffer> {
  const response = await fetch(`${stack.simulator.url}${CHAT_DATA_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: 'test-token-Zq8Xv1Lw', room_id: roomId }),
  });
  return Buffer.from(await response.arrayBuffer());
}

describe('archiveRoom against the simulator and s3rver', () => {
  it('archives the spec example under date-partitioned keys, raw byte-exact', async () => {
    const roomId = SAMPLE_ROOM_IDS.specExample;
    const expectedRaw = await fetchRawBytes(roomId);

    const summary = await service.archive(roomId);

    const sha256 = createHash('sha256').update(expectedRaw).digest('hex');
    expect(summary).toEqual({
      room_id: roomId,
      status: 'archived',
      raw_key: `raw/year=2022/month=05/day=26/${roomId}.json`,
      transcript_key: `transcripts/year=2022/month=05/day=26/${roomId}.json`,
      sha256,
      message_count: 1,
    });
    const raw = await stack.getObject(summary.raw_key);
    expect(raw.body.equals(expectedRaw)).toBe(true);
    expect(raw.contentType).toBe('application/json; charset=utf-8');
    expect(raw.metadata).toMatchObject({ 'room-id': roomId, sha256, 'schema-version': '1' });

    const transcriptObject = await stack.getObject(summary.transcript_key);
    const text = transcriptObject.body.toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().includes('\n')).toBe(false);
    const transcript = TranscriptSchema.parse(JSON.parse(text));
    expect(transcript.room_id).toBe(roomId);
    expect(transcript.source.sha256).toBe(sha256);
    expect(transcript.source.endpoint).toBe(`${stack.simulator.url}${CHAT_DATA_PATH}`);
    expect(transcript.chat.registered_at).toBe('2022-05-26T10:26:31+09:00');

    const index = JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));
    expect(index).toMatchObject({
      room_id: roomId,
      transcript_key: summary.transcript_key,
      raw_key: summary.raw_key,
      sha256,
      schema_version: 1,
      message_count: 1,
      chat_status: '2',
      completed_at: '2022-05-26T10:31:06+09:00',
    });
    expect(Date.parse(index.archived_at)).not.toBeNaN();
  });

  it('reports unchanged and writes nothing when the content has the same sha256', async () => {
    const roomId = SAMPLE_ROOM_IDS.completed;
    const first = await service.archive(roomId);
    const indexBefore = (await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8');

    const second = await service.archive(roomId);

    expect(first.status).toBe('archived');
    expect(second).toEqual({ ...first, status: 'unchanged' });
    expect((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8')).toBe(indexBefore);
  });

  it('reports updated when a room archived while open has changed', async () => {
    const roomId = 'growingRoom01';
    stack.simulator.addRoom(
      generateRoom({ roomId, messageCount: 3, status: '1', regDate: '2024-02-29 23:10:00' }),
    );
    stack.s3.reset();
    const first = await service.archive(roomId);
    const firstRequests = Object.fromEntries(stack.s3.requests);
    stack.s3.reset();
    stack.simulator.addRoom(
      generateRoom({ roomId, messageCount: 5, status: '2', regDate: '2024-02-29 23:10:00' }),
    );

    const second = await service.archive(roomId);
    const secondRequests = Object.fromEntries(stack.s3.requests);

    expect(first).toMatchObject({ status: 'archived', message_count: 3 });
    expect(second).toMatchObject({ status: 'updated', message_count: 5 });
    expect(second.sha256).not.toBe(first.sha256);
    expect(second.transcript_key).toBe(`transcripts/year=2024/month=02/day=29/${roomId}.json`);
    const index = JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));
    expect(index.sha256).toBe(second.sha256);
    const stored = JSON.parse((await stack.getObject(second.transcript_key)).body.toString('utf8'));
    expect(stored.stats.message_count).toBe(5);
    // The index read, then the raw bytes and the transcript at once, then the index: nothing is read twice.
    expect(firstRequests).toEqual({ GetObject: 1, PutObject: 3 });
    expect(secondRequests).toEqual({ GetObject: 1, PutObject: 3 });
    expect(index).toMatchObject({
      raw_version_id: expect.any(String),
      raw_etag: expect.any(String),
      transcript_version_id: expect.any(String),
      transcript_etag: expect.any(String),
    });
  });

  it('refuses an invalid room id before any I/O', async () => {
    const keysBefore = await stack.listKeys();

    await expect(service.archive('../../etc/passwd')).rejects.toThrow(InvalidRoomIdError);

    expect(stack.simulator.requests).toHaveLength(0);
    expect(await stack.listKeys()).toEqual(keysBefore);
  });

  it.each([
    [{ kind: 'fail', code: -503, message: 'room' } as const, RoomNotFoundError],
    [{ kind: 'fail', code: -504, message: 'overDate' } as const, OverDateError],
    [{ kind: 'empty-data' } as const, RoomNotFoundError],
    [{ kind: 'other-room' } as const, RoomNotFoundError],
  ])('writes nothing when HappyTalk answers %j', async (fault, errorClass) => {
    const roomId = SAMPLE_ROOM_IDS.buttons;
    stack.simulator.setFault(roomId, fault);

    await expect(service.archive(roomId)).rejects.toThrow(errorClass);

    expect(await stack.listKeys()).not.toContain(`index/rooms/${roomId}.json`);
    expect((await stack.listKeys()).filter((key) => key.includes(roomId))).toEqual([]);
  });

  it('retries a transient fault and then archives', async () => {
    const roomId = SAMPLE_ROOM_IDS.images;
    stack.simulator.setFault(roomId, { kind: 'status', status: 503, times: 2 });

    const summary = await service.archive(roomId);

    expect(summary.status).toBe('archived');
    expect(stack.simulator.requests.filter((request) => request.roomId === roomId)).toHaveLength(3);
  });

  it('archives a 50,000-message room, its transcript uploaded in parts under If-None-Match', async () => {
    const roomId = 'bigRoom50k';
    stack.simulator.addRoom(generateRoom({ roomId, messageCount: 50_000, regDate: '2023-01-02 09:00:00' }));
    stack.s3.reset();

    const summary = await service.archive(roomId);

    expect(summary).toMatchObject({ status: 'archived', message_count: 50_000 });
    const object = await stack.getObject(summary.transcript_key);
    const stored = JSON.parse(object.body.toString('utf8'));
    expect(stored.messages).toHaveLength(50_000);
    expect(object.body.toString('utf8')).toBe(`${JSON.stringify(stored)}\n`);
    const requests = Object.fromEntries(stack.s3.requests);
    expect(requests).toMatchObject({ CreateMultipartUpload: 1, CompleteMultipartUpload: 1, PutObject: 2 });
    expect(requests.UploadPart).toBeGreaterThanOrEqual(2);
    expect(stack.s3.versions.filter((version) => version.key === summary.transcript_key)).toHaveLength(1);
    const index = JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));
    expect(index.transcript_version_id).toBe(
      stack.s3.versions.find((version) => version.key === summary.transcript_key)?.versionId,
    );
  });
});
