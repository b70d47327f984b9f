import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RedactedCopies, redactedCopiesFor } from '../../../lib/redaction/copy.js';
import { Pseudonymizer } from '../../../lib/redaction/pseudonym.js';
import { sha256Hex } from '../../../lib/shared/hash.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import { normalize, rawMessage, rawRoom } from '../transcript/builders.js';

const KEY = 'copy-test-redaction-key-0123456789abcdef';
const secrets = mockClient(SecretsManagerClient);
const client = () => new SecretsManagerClient({ region: 'ap-northeast-2' });

function transcript(): Transcript {
  return normalize(rawRoom({ message: [rawMessage({ contents: '메일은 minsu@naver.com 입니다' })] }));
}

describe('RedactedCopies', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it('makes a copy as one JSON line, with its SHA-256, redactor and key fingerprint', async () => {
    // Prepare
    const copies = new RedactedCopies({
      key: { kind: 'local', key: KEY },
      mask: 'pii',
      counselors: 'pseudonymize',
    });

    // Act
    const outcome = await copies.make(transcript());

    // Assess
    if (!('copy' in outcome)) throw new Error(`pending: ${outcome.pending}`);
    const text = Buffer.from(outcome.copy.line).toString('utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('minsu@naver.com');
    const copy = JSON.parse(text);
    expect(copy.messages[0].text).toBe('메일은 [PII] 입니다');
    expect(copy.redaction).toMatchObject({ mask: 'pii', counselors: 'pseudonymized' });
    expect(outcome.copy.keyId).toBe(new Pseudonymizer(KEY).keyId);
    expect(outcome.copy.sha256).toBe(sha256Hex(outcome.copy.line));
  });

  it('is pending, never made, without a key', async () => {
    const copies = new RedactedCopies({ key: undefined });

    await expect(copies.make(transcript())).resolves.toEqual({ pending: 'REDACTION_KEY_NOT_CONFIGURED' });
    await expect(copies.keyId()).resolves.toEqual({ pending: 'REDACTION_KEY_NOT_CONFIGURED' });
  });

  it.each([
    ['an empty secret', { SecretString: '   ' }],
    ['a key shorter than 32 bytes', { SecretString: JSON.stringify({ key: 'short' }) }],
    ['JSON without a key', { SecretString: '{"token":"x"}' }],
  ])('is pending with REDACTION_KEY_INVALID for %s', async (_name, value) => {
    secrets.on(GetSecretValueCommand).resolves(value);
    const copies = new RedactedCopies({ key: { kind: 'secret', secretId: 's' }, secretsManager: client });

    await expect(copies.make(transcript())).resolves.toEqual({ pending: 'REDACTION_KEY_INVALID' });
  });

  it('is pending with REDACTION_FAILED when the transcript cannot be redacted, naming no value', async () => {
    const copies = new RedactedCopies({ key: { kind: 'local', key: KEY } });
    const copy = { ...transcript(), redaction: { redactor_version: '1.0.0' } } as unknown as Transcript;

    await expect(copies.make(copy)).resolves.toEqual({ pending: 'REDACTION_FAILED' });
  });

  it('reads the secret once for copies made at once', async () => {
    secrets.on(GetSecretValueCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { SecretString: KEY };
    });
    const copies = new RedactedCopies({ key: { kind: 'secret', secretId: 's' }, secretsManager: client });

    const outcomes = await Promise.all([
      copies.make(transcript()),
      copies.make(transcript()),
      copies.keyId(),
    ]);

    expect(outcomes.every((outcome) => !('pending' in outcome))).toBe(true);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('is made only when the settings turn copies on', () => {
    const settings = { key: undefined, mask: 'type', counselors: 'keep' } as const;
    expect(redactedCopiesFor({ ...settings, enabled: false }, undefined)).toBeUndefined();
    expect(redactedCopiesFor({ ...settings, enabled: true }, undefined)).toBeInstanceOf(RedactedCopies);
  });
});
