import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ArchiveStore } from '../../../lib/archive/store.js';
import { createS3Client } from '../../../lib/aws.js';
import { type S3Front, startS3Front } from '../../support/s3-front.js';
import { startTestStack, TEST_BUCKET, type TestStack } from '../../support/stack.js';

let stack: TestStack;
/** s3rver ignores If-None-Match: the front honours it, as S3 does. */
let front: S3Front;

beforeAll(async () => {
  stack = await startTestStack();
  front = await startS3Front(stack.s3.endpoint);
});

afterAll(async () => {
  await front?.close();
  await stack?.close();
});

describe('an attachment linked again on a later day, through a real S3 API (s3rver)', () => {
  it('is copied onto itself with its bytes, content type and metadata kept, and the day it was linked', async () => {
    // Prepare
    const body = new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    const sha256 = createHash('sha256').update(body).digest('hex');
    let now = new Date();
    const client = createS3Client({ ...stack.env, AWS_ENDPOINT_URL_S3: front.endpoint });
    const store = new S3ArchiveStore({ client, bucket: TEST_BUCKET, now: () => now });
    await store.writeAttachment({ sha256, body, contentType: 'image/gif' });
    now = new Date(now.getTime() + 2 * 86_400_000);

    // Act
    const result = await store.writeAttachment({ sha256, body, contentType: 'image/gif' });

    // Assess
    expect(result).toEqual({ key: `attachments/${sha256}`, outcome: 'extended' });
    expect(front.versions.map((version) => version.key)).toEqual([
      `attachments/${sha256}`,
      `attachments/${sha256}`,
    ]);
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
