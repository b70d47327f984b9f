import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ArchiveStore } from '../../../lib/archive/store.js';
import { startTestStack, TEST_BUCKET, type TestStack } from '../../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('an attachment linked again on a later day, through the local versioned S3', () => {
  it('is copied onto itself with its bytes, content type and metadata kept, and the day it was linked', async () => {
    // Prepare
    const body = new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    const sha256 = createHash('sha256').update(body).digest('hex');
    let now = new Date();
    const store = new S3ArchiveStore({ client: stack.s3Client, bucket: TEST_BUCKET, now: () => now });
    await store.writeAttachment({ sha256, body, contentType: 'image/gif' });
    now = new Date(now.getTime() + 2 * 86_400_000);

    // Act
    const result = await store.writeAttachment({ sha256, body, contentType: 'image/gif' });

    // Assess
    expect(result).toEqual({ key: `attachments/${sha256}`, outcome: 'extended' });
    // Two versions of the same bytes: the first write, and the copy that starts a new retention.
    expect(
      stack.s3.versions
        .filter((version) => version.key === `attachments/${sha256}`)
        .map((version) => version.bodySha256),
    ).toEqual([sha256, sha256]);
    const stored = await stack.getObject(`attachments/${sha256}`);
    expect(createHash('sha256').update(stored.body).digest('hex')).toBe(sha256);
    expect(stored.contentType).toBe('image/gif');
    expect(stored.metadata).toEqual({
      sha256,
      'content-type': 'image/gif',
      'linked-at': now.toISOString().slice(0, 10),
    });
  });
});
