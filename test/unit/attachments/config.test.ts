import { describe, expect, it } from 'vitest';
import { readAttachmentConfig } from '../../../lib/config.js';
import { ConfigurationError } from '../../../lib/errors.js';

describe('readAttachmentConfig', () => {
  it('reads every setting', () => {
    expect(
      readAttachmentConfig({
        ATTACHMENT_ARCHIVING: 'OFF',
        ATTACHMENT_HOST_ALLOWLIST: ' *.happytalk.io, cdn.example.com ',
        ATTACHMENT_MAX_BYTES: '1048576',
        ATTACHMENT_TIMEOUT_MS: '5000',
        ATTACHMENT_MAX_REDIRECTS: '0',
        ATTACHMENT_CONTENT_TYPES: 'image/PNG,image/jpeg',
        ATTACHMENT_MAX_PER_ROOM: '10',
        ATTACHMENT_CONCURRENCY: '2',
        ATTACHMENT_BUDGET_MS: '8000',
      }),
    ).toEqual({
      enabled: false,
      hostAllowlist: ['*.happytalk.io', 'cdn.example.com'],
      maxBytes: 1_048_576,
      timeoutMs: 5000,
      maxRedirects: 0,
      contentTypes: ['image/png', 'image/jpeg'],
      maxPerRoom: 10,
      concurrency: 2,
      budgetMs: 8000,
    });
  });

  it.each([
    [{ ATTACHMENT_ARCHIVING: 'yes' }, /ATTACHMENT_ARCHIVING must be "on" or "off", received "yes"/],
    [{ ATTACHMENT_HOST_ALLOWLIST: '*' }, /ATTACHMENT_HOST_ALLOWLIST: invalid host pattern "\*"/],
    [{ ATTACHMENT_HOST_ALLOWLIST: 'happytalk.io.*' }, /ATTACHMENT_HOST_ALLOWLIST: invalid host pattern/],
    [{ ATTACHMENT_CONTENT_TYPES: 'image/svg+xml' }, /ATTACHMENT_CONTENT_TYPES must list some of image\/png/],
    [{ ATTACHMENT_CONTENT_TYPES: 'text/html,image/png' }, /ATTACHMENT_CONTENT_TYPES/],
    [
      { ATTACHMENT_MAX_BYTES: '0' },
      /ATTACHMENT_MAX_BYTES must be an integer from 1 to 268435456, received "0"/,
    ],
    [{ ATTACHMENT_MAX_BYTES: '20MB' }, /ATTACHMENT_MAX_BYTES must be an integer/],
    [{ ATTACHMENT_TIMEOUT_MS: '1.5' }, /ATTACHMENT_TIMEOUT_MS must be an integer/],
    [{ ATTACHMENT_MAX_REDIRECTS: '11' }, /ATTACHMENT_MAX_REDIRECTS must be an integer from 0 to 10/],
    [{ ATTACHMENT_MAX_PER_ROOM: '-1' }, /ATTACHMENT_MAX_PER_ROOM must be an integer/],
    [{ ATTACHMENT_CONCURRENCY: '64' }, /ATTACHMENT_CONCURRENCY must be an integer from 1 to 32/],
    [{ ATTACHMENT_BUDGET_MS: '0' }, /ATTACHMENT_BUDGET_MS must be an integer from 1/],
  ])('refuses %j', (env, message) => {
    expect(() => readAttachmentConfig(env)).toThrow(ConfigurationError);
    expect(() => readAttachmentConfig(env)).toThrow(message);
  });

  it('has no setting that lets a download reach loopback or private addresses', () => {
    const config = readAttachmentConfig({
      ATTACHMENT_ALLOW_LOOPBACK: 'true',
      ATTACHMENT_HOST_ALLOWLIST: '127.0.0.1',
    });
    expect(Object.keys(config)).not.toContain('allowLoopback');
    expect(config.hostAllowlist).toEqual(['127.0.0.1']);
  });
});
