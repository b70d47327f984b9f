import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CorruptArchiveError,
  StorageAccessError,
  StorageUnavailableError,
} from '../../../lib/archive/errors.js';
import { S3ArchiveStore } from '../../../lib/archive/store.js';
import { parseWatcherState, S3WatcherStateStore, WATCHER_STATE_KEY } from '../../../lib/watch/state.js';

const s3 = mockClient(S3Client);
const store = new S3WatcherStateStore({
  store: new S3ArchiveStore({ client: new S3Client({ region: 'ap-northeast-2' }), bucket: 'archive' }),
});
const STATE = { watermark: '2024-06-12T03:00:00.000Z', updated_at: '2024-06-12T03:00:01.000Z' };

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function body(text: string) {
  return { Body: { transformToByteArray: async () => new TextEncoder().encode(text) } };
}

describe('parseWatcherState', () => {
  it('reads a watermark with any offset as UTC', () => {
    expect(parseWatcherState('{"watermark":"2024-06-12T12:00:00+09:00","updated_at":"x"}')).toEqual({
      watermark: '2024-06-12T03:00:00.000Z',
      updated_at: 'x',
    });
  });

  it.each([
    ['not json'],
    ['[]'],
    ['null'],
    ['{}'],
    ['{"watermark":1718161200000}'],
    ['{"watermark":"1"}'],
    ['{"watermark":"2024-06-12"}'],
    ['{"watermark":"2024-13-45T00:00:00Z"}'],
  ])('refuses %s', (text) => {
    expect(parseWatcherState(text)).toBeUndefined();
  });
});

describe('S3WatcherStateStore', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('reads the state and its ETag from state/completion-watcher.json', async () => {
    s3.on(GetObjectCommand, { Bucket: 'archive', Key: WATCHER_STATE_KEY }).resolves({
      ...body(JSON.stringify(STATE)),
      ETag: '"e1"',
    } as never);

    await expect(store.read()).resolves.toEqual({ state: STATE, etag: '"e1"' });
  });

  it('answers undefined when there is no state yet', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));

    await expect(store.read()).resolves.toBeUndefined();
  });

  it('refuses a state it cannot read as one, rather than starting over', async () => {
    s3.on(GetObjectCommand).resolves({ ...body('{"watermark":"soon"}'), ETag: '"e1"' } as never);

    await expect(store.read()).rejects.toThrow(CorruptArchiveError);
  });

  it('writes a new state only where none is, and a later one only over the one read', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e2"' });

    const created = await store.write(STATE, undefined);
    const replaced = await store.write(STATE, '"e2"');

    const inputs = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect([created, replaced]).toEqual(['"e2"', '"e2"']);
    expect(inputs[0]).toMatchObject({ Bucket: 'archive', Key: WATCHER_STATE_KEY, IfNoneMatch: '*' });
    expect(inputs[0]?.IfMatch).toBeUndefined();
    expect(inputs[1]).toMatchObject({ IfMatch: '"e2"' });
    expect(inputs[1]?.IfNoneMatch).toBeUndefined();
    expect(JSON.parse(String(inputs[1]?.Body))).toEqual(STATE);
  });

  it.each([
    ['PreconditionFailed', 412],
    ['ConditionalRequestConflict', 409],
  ])('answers undefined when another writer won (%s)', async (name, status) => {
    s3.on(PutObjectCommand).rejects(s3Error(name, status));

    await expect(store.write(STATE, '"e1"')).resolves.toBeUndefined();
  });

  it('translates other S3 failures', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('AccessDenied', 403)).rejectsOnce(s3Error('SlowDown', 503));

    await expect(store.write(STATE, undefined)).rejects.toThrow(StorageAccessError);
    await expect(store.write(STATE, undefined)).rejects.toThrow(StorageUnavailableError);
  });

  it('recalls the state it last read or wrote, and forgets it when another writer won or a read failed', async () => {
    // Prepare
    const fresh = new S3WatcherStateStore({
      store: new S3ArchiveStore({ client: new S3Client({ region: 'ap-northeast-2' }), bucket: 'archive' }),
    });
    const later = { ...STATE, watermark: '2024-06-12T03:05:00.000Z' };
    s3.on(GetObjectCommand)
      .resolvesOnce({ ...body(JSON.stringify(STATE)), ETag: '"e1"' } as never)
      .resolvesOnce({ ...body(JSON.stringify(later)), ETag: '"e3"' } as never)
      .rejectsOnce(s3Error('SlowDown', 503));
    s3.on(PutObjectCommand).resolvesOnce({ ETag: '"e2"' }).rejectsOnce(s3Error('PreconditionFailed', 412));

    // Act
    const before = fresh.recall();
    await fresh.read();
    const afterRead = fresh.recall();
    await fresh.write(later, '"e1"');
    const afterWrite = fresh.recall();
    await fresh.write(STATE, '"e2"');
    const afterConflict = fresh.recall();
    await fresh.read();
    const reread = fresh.recall();
    const failedRead = await fresh.read().catch((error: unknown) => error);
    const afterFailedRead = fresh.recall();

    // Assess
    expect(before).toBeUndefined();
    expect(afterRead).toEqual({ state: STATE, etag: '"e1"' });
    expect(afterWrite).toEqual({ state: later, etag: '"e2"' });
    expect(afterConflict).toBeUndefined();
    expect(reread).toEqual({ state: later, etag: '"e3"' });
    expect(failedRead).toBeInstanceOf(StorageUnavailableError);
    expect(afterFailedRead).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
  });
});
