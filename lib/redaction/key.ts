import { type Environment, type RedactionKeySource, readRedactionConfig } from '../config.js';
import { readSecretString, type SecretsManagerPort } from '../credentials/provider.js';
import { ConfigurationError } from '../errors.js';
import { InvalidRedactionKeyError } from './errors.js';
import { Pseudonymizer } from './pseudonym.js';

export type { RedactionKeySource } from '../config.js';

/**
 * `REDACTION_KEY_SECRET_ID` (a secret name or ARN), or for local use
 * `REDACTION_KEY` (as `HAPPYTALK_TOKEN` is for the token); the secret wins
 * when both are set.
 *
 * @throws ConfigurationError when neither is set
 */
export function readRedactionKeySource(env: Environment): RedactionKeySource {
  const { key } = readRedactionConfig(env, { allowLocalKey: true });
  if (key) return key;
  throw new ConfigurationError(
    'REDACTION_KEY_SECRET_ID is not set (or, for local use, REDACTION_KEY): the pseudonym key is needed to redact',
  );
}

/**
 * The pseudonymizer of a key source: the secret read once (its value is the
 * bare key, or JSON `{"key": "..."}`).
 *
 * @throws InvalidRedactionKeyError when the key is malformed or shorter than 32 bytes (never quoting it)
 * @throws SecretAccessError or SecretUnavailableError when the secret cannot be read
 */
export async function loadPseudonymizer(
  source: RedactionKeySource,
  secretsManager: () => SecretsManagerPort,
): Promise<Pseudonymizer> {
  if (source.kind === 'local') return new Pseudonymizer(source.key);
  const key = parseRedactionKeySecret(
    await readSecretString(secretsManager(), source.secretId),
    source.secretId,
  );
  try {
    return new Pseudonymizer(key);
  } catch (error) {
    if (error instanceof InvalidRedactionKeyError) {
      throw new InvalidRedactionKeyError(`secret ${source.secretId}: ${error.message}`);
    }
    throw error;
  }
}

/** The key a secret holds: the bare value (trimmed), or the `key` field of a JSON object. */
export function parseRedactionKeySecret(value: string, secretId: string): string {
  const trimmed = value.trim();
  if (trimmed === '')
    throw new InvalidRedactionKeyError(`secret ${secretId} is empty: store the redaction key in it`);
  if (!trimmed.startsWith('{')) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new InvalidRedactionKeyError(`secret ${secretId} starts with "{" but is not valid JSON`);
  }
  const key =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).key : undefined;
  if (typeof key !== 'string' || key.trim() === '') {
    throw new InvalidRedactionKeyError(`secret ${secretId} has no non-empty string "key" field`);
  }
  return key.trim();
}
