import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  SecretAccessError,
  SecretFormatError,
  SecretUnavailableError,
} from '../../../lib/credentials/errors.js';
import {
  parseSecretValue,
  SecretsManagerCredentialsProvider,
  StaticCredentialsProvider,
} from '../../../lib/credentials/provider.js';
import { ConfigurationError } from '../../../lib/errors.js';

const secretsManager = mockClient(SecretsManagerClient);
const SECRET_ID = 'happytalk/token';

function awsError(name: string): Error {
  return Object.assign(new Error(`simulated ${name}`), { name, $metadata: {} });
}

function provider(now: () => number = Date.now, maxAgeMs = 60_000) {
  return new SecretsManagerCredentialsProvider({
    client: new SecretsManagerClient({ region: 'ap-northeast-2' }),
    secretId: SECRET_ID,
    maxAgeMs,
    now,
  });
}

describe('parseSecretValue', () => {
  it('accepts a bare token, trimmed', () => {
    expect(parseSecretValue('  abc123 \n')).toEqual({ token: 'abc123' });
  });

  it('accepts JSON with token and client credentials', () => {
    expect(parseSecretValue('{"token":"t","client_id":"i","client_secret":"s"}')).toEqual({
      token: 't',
      clientId: 'i',
      clientSecret: 's',
    });
  });

  it('accepts JSON with the token alone', () => {
    expect(parseSecretValue('{"token":"t"}')).toEqual({ token: 't' });
  });

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['{"token": ', /not valid JSON/],
    ['["t"]', /not a JSON object/],
    ['{"tok":"t"}', /"token"/],
    ['{"token":""}', /"token"/],
    ['{"token":42}', /"token"/],
    ['{"token":"t","client_id":"i"}', /both/],
    ['{"token":"t","client_id":1,"client_secret":"s"}', /"client_id" must be a string/],
    ['two words', /whitespace/],
  ])('refuses %j with a clear message', (value, message) => {
    expect(() => parseSecretValue(value, SECRET_ID)).toThrow(SecretFormatError);
    expect(() => parseSecretValue(value, SECRET_ID)).toThrow(message);
  });

  it('never quotes the secret value in its errors', () => {
    const value = '{"token": "very-secret-value"';
    expect(() => parseSecretValue(value)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('very-secret') }),
    );
  });
});

describe('SecretsManagerCredentialsProvider', () => {
  beforeEach(() => {
    secretsManager.reset();
  });

  it('reads the secret once and caches it for maxAgeMs', async () => {
    let clock = 1_000;
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ID }).resolves({ SecretString: 'tok-1' });
    const credentials = provider(() => clock);

    const first = await credentials.getCredentials();
    clock += 59_999;
    const second = await credentials.getCredentials();
    clock += 1;
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'tok-2' });
    const third = await credentials.getCredentials();

    expect([first.token, second.token, third.token]).toEqual(['tok-1', 'tok-1', 'tok-2']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('shares one request between concurrent callers', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'tok' });
    const credentials = provider();

    const all = await Promise.all([credentials.getCredentials(), credentials.getCredentials()]);

    expect(all.map((c) => c.token)).toEqual(['tok', 'tok']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads a binary secret as UTF-8', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new TextEncoder().encode('{"token":"bin"}') });
    await expect(provider().getCredentials()).resolves.toEqual({ token: 'bin' });
  });

  it('does not cache a failure', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({ SecretString: 'tok' });
    const credentials = provider();

    await expect(credentials.getCredentials()).rejects.toThrow(SecretUnavailableError);
    await expect(credentials.getCredentials()).resolves.toEqual({ token: 'tok' });
  });

  it('reads again after invalidate()', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'tok' });
    const credentials = provider();
    await credentials.getCredentials();

    credentials.invalidate();
    await credentials.getCredentials();

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it.each([
    ['ThrottlingException', SecretUnavailableError, true],
    ['InternalServiceError', SecretUnavailableError, true],
    ['AccessDeniedException', SecretAccessError, false],
    ['ResourceNotFoundException', SecretAccessError, false],
    ['DecryptionFailure', SecretAccessError, false],
  ])('translates %s', async (name, errorClass, retryable) => {
    secretsManager.on(GetSecretValueCommand).rejects(awsError(name));

    const failure = provider().getCredentials();

    await expect(failure).rejects.toThrow(errorClass);
    await expect(failure).rejects.toMatchObject({ retryable, message: expect.stringContaining(name) });
  });

  it('treats an empty or missing secret string as a format error', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({});
    await expect(provider().getCredentials()).rejects.toThrow(SecretFormatError);
  });

  it('refuses an empty secret id or a negative max age', () => {
    const client = new SecretsManagerClient({});
    expect(() => new SecretsManagerCredentialsProvider({ client, secretId: ' ' })).toThrow(
      ConfigurationError,
    );
    expect(() => new SecretsManagerCredentialsProvider({ client, secretId: 'x', maxAgeMs: -1 })).toThrow(
      /maxAgeMs must be a number >= 0, received -1/,
    );
  });
});

describe('StaticCredentialsProvider', () => {
  it('returns the credentials it was given', async () => {
    await expect(new StaticCredentialsProvider({ token: 't' }).getCredentials()).resolves.toEqual({
      token: 't',
    });
  });

  it('refuses an empty token', () => {
    expect(() => new StaticCredentialsProvider({ token: '' })).toThrow(ConfigurationError);
  });
});
