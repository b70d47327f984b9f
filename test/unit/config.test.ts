import { describe, expect, it } from 'vitest';
import { readArchiveConfig } from '../../lib/config.js';
import { ConfigurationError } from '../../lib/errors.js';

const base = { ARCHIVE_BUCKET: 'my-archive', HAPPYTALK_SECRET_ID: 'happytalk/token' };

describe('readArchiveConfig', () => {
  it('applies the defaults: production host and Asia/Seoul, images archived from *.happytalk.io', () => {
    expect(readArchiveConfig(base, { allowLocalToken: false })).toEqual({
      bucket: 'my-archive',
      baseUrl: 'https://customer.happytalk.io',
      timeZone: 'Asia/Seoul',
      credentials: { kind: 'secret', secretId: 'happytalk/token' },
      attachments: {
        enabled: true,
        hostAllowlist: ['*.happytalk.io'],
        maxBytes: 20 * 1024 * 1024,
        timeoutMs: 10_000,
        maxRedirects: 3,
        contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'],
        maxPerRoom: 50,
        concurrency: 4,
        budgetMs: 15_000,
      },
      finalStatuses: { codes: ['2', '4'] },
    });
  });

  it('reads the final statuses: 3 (deleted) can be added, open or unknown codes cannot', () => {
    expect(
      readArchiveConfig({ ...base, HAPPYTALK_FINAL_STATUSES: ' 4, 3,2 ' }, { allowLocalToken: false })
        .finalStatuses.codes,
    ).toEqual(['2', '3', '4']);
    for (const value of ['1,2', '2,2', '2,7', ',']) {
      expect(() =>
        readArchiveConfig({ ...base, HAPPYTALK_FINAL_STATUSES: value }, { allowLocalToken: false }),
      ).toThrow(/^HAPPYTALK_FINAL_STATUSES: the final statuses must be distinct codes among 2, 3, 4/);
    }
  });

  it('prefers the secret over a local token', () => {
    const config = readArchiveConfig({ ...base, HAPPYTALK_TOKEN: 't' }, { allowLocalToken: true });
    expect(config.credentials).toEqual({ kind: 'secret', secretId: 'happytalk/token' });
  });

  it('accepts HAPPYTALK_TOKEN with client credentials for local use only', () => {
    const env = {
      ARCHIVE_BUCKET: 'b-1',
      HAPPYTALK_TOKEN: 't',
      HAPPYTALK_CLIENT_ID: 'i',
      HAPPYTALK_CLIENT_SECRET: 's',
    };
    expect(readArchiveConfig(env, { allowLocalToken: true }).credentials).toEqual({
      kind: 'token',
      token: 't',
      clientId: 'i',
      clientSecret: 's',
    });
    expect(() => readArchiveConfig(env, { allowLocalToken: false })).toThrow(
      /HAPPYTALK_SECRET_ID is not set/,
    );
  });

  it.each([
    [{ HAPPYTALK_SECRET_ID: 's' }, /ARCHIVE_BUCKET is not set/],
    [{ ...base, ARCHIVE_BUCKET: 'Bad_Bucket' }, /ARCHIVE_BUCKET "Bad_Bucket" is not a valid S3 bucket name/],
    [{ ...base, HAPPYTALK_BASE_URL: 'ftp://x' }, /invalid HappyTalk base URL/],
    [{ ...base, HAPPYTALK_TIMEZONE: 'Mars/Base' }, /HAPPYTALK_TIMEZONE: .*Mars\/Base/],
    [{ ARCHIVE_BUCKET: 'b-1' }, /HAPPYTALK_SECRET_ID is not set/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => readArchiveConfig(env, { allowLocalToken: false })).toThrow(ConfigurationError);
    expect(() => readArchiveConfig(env, { allowLocalToken: false })).toThrow(message);
  });
});
