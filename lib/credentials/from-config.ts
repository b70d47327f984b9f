import type { CredentialsSource } from '../config.js';
import { ConfigurationError } from '../errors.js';
import {
  type CredentialsProvider,
  SecretsManagerCredentialsProvider,
  type SecretsManagerPort,
  StaticCredentialsProvider,
} from './provider.js';

/**
 * The credentials provider of a configured {@link CredentialsSource}: the
 * secret (cached for `maxAgeMs`), or the local token as it is.
 *
 * @throws ConfigurationError when the source is a secret and no client is given
 */
export function credentialsProviderFor(
  source: CredentialsSource,
  options: { secretsManager?: SecretsManagerPort; maxAgeMs?: number } = {},
): CredentialsProvider {
  if (source.kind === 'token') {
    const { kind: _kind, ...credentials } = source;
    return new StaticCredentialsProvider(credentials);
  }
  if (!options.secretsManager) {
    throw new ConfigurationError('a Secrets Manager client is required to read HAPPYTALK_SECRET_ID');
  }
  return new SecretsManagerCredentialsProvider({
    client: options.secretsManager,
    secretId: source.secretId,
    ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }),
  });
}
