import { describe, expect, it } from 'vitest';
import { AttachmentSchema, MessageSchema } from '../../../lib/transcript/schema.js';

const SHA = 'ab'.repeat(32);
const attachment = {
  url: 'https://static.happytalk.io/data/chat_data/2022_03_25/5d41402abc4b2a76b9719d911017c592_w.png',
  key: `attachments/${SHA}`,
  sha256: SHA,
  content_type: 'image/png',
  bytes: 1234,
};

describe('AttachmentSchema', () => {
  it('accepts what the archive writes, and fields a later version adds', () => {
    expect(AttachmentSchema.parse(attachment)).toEqual(attachment);
    expect(AttachmentSchema.parse({ ...attachment, width: 8 })).toEqual({ ...attachment, width: 8 });
  });

  it.each([
    ['a SHA-256 that is not hex', { ...attachment, sha256: '../x' }],
    ['an uppercase SHA-256', { ...attachment, sha256: SHA.toUpperCase() }],
    ['a key outside attachments/', { ...attachment, key: `raw/${SHA}` }],
    ['a negative size', { ...attachment, bytes: -1 }],
    ['a fractional size', { ...attachment, bytes: 1.5 }],
    ['no URL', { ...attachment, url: undefined }],
    ['no content type', { ...attachment, content_type: '' }],
  ])('refuses %s', (_case, value) => {
    expect(AttachmentSchema.safeParse(value).success).toBe(false);
  });

  it('is an optional member of a message', () => {
    expect(MessageSchema.shape.attachments.safeParse(undefined).success).toBe(true);
    expect(MessageSchema.shape.attachments.safeParse([attachment]).success).toBe(true);
    expect(MessageSchema.shape.attachments.safeParse([{ key: attachment.key }]).success).toBe(false);
  });
});
