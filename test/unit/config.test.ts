import { describe, expect, it } from 'vitest';
import { readArchiveConfig, readRedactionConfig } from '../../lib/config.js';
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

describe('readRedactionConfig', () => {
  it('writes copies by default, masked by type, counselors kept, the key from its secret', () => {
    expect(
      readRedactionConfig({ REDACTION_KEY_SECRET_ID: 'redaction/key' }, { allowLocalKey: false }),
    ).toEqual({
      enabled: true,
      key: { kind: 'secret', secretId: 'redaction/key' },
      mask: 'type',
      counselors: 'keep',
    });
  });

  it('reads the settings, the secret before a local key', () => {
    const env = {
      REDACTED_COPY: 'ON',
      REDACTION_KEY_SECRET_ID: 'redaction/key',
      REDACTION_KEY: 'a-local-key-of-at-least-32-bytes-long',
      REDACTION_MASK: 'pii',
      REDACTION_COUNSELORS: 'pseudonymize',
    };
    expect(readRedactionConfig(env, { allowLocalKey: true })).toEqual({
      enabled: true,
      key: { kind: 'secret', secretId: 'redaction/key' },
      mask: 'pii',
      counselors: 'pseudonymize',
    });
  });

  it('takes a local key only where allowed, and no key at all only there (copies are then pending)', () => {
    const local = { REDACTION_KEY: ' a-local-key-of-at-least-32-bytes-long ' };
    expect(readRedactionConfig(local, { allowLocalKey: true }).key).toEqual({
      kind: 'local',
      key: 'a-local-key-of-at-least-32-bytes-long',
    });
    expect(readRedactionConfig({}, { allowLocalKey: true }).key).toBeUndefined();
    expect(() => readRedactionConfig(local, { allowLocalKey: false })).toThrow(
      /^REDACTION_KEY_SECRET_ID is not set: .* or set REDACTED_COPY=off$/,
    );
  });

  it('needs no key when copies are off', () => {
    expect(readRedactionConfig({ REDACTED_COPY: 'off' }, { allowLocalKey: false })).toMatchObject({
      enabled: false,
      key: undefined,
    });
  });

  it.each([
    ['REDACTED_COPY', 'yes', /^REDACTED_COPY must be "on" or "off", received "yes"$/],
    ['REDACTION_MASK', 'TYPE', /^REDACTION_MASK must be one of type, pii, received "TYPE"$/],
    ['REDACTION_COUNSELORS', 'hide', /^REDACTION_COUNSELORS must be one of keep, pseudonymize/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    expect(() => readRedactionConfig({ [name]: value }, { allowLocalKey: true })).toThrow(ConfigurationError);
    expect(() => readRedactionConfig({ [name]: value }, { allowLocalKey: true })).toThrow(message);
  });
});
