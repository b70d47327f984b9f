/** The redacted copy, for the commands that archive (`archive`, `backfill`, `watch`). */
import { createSecretsManagerClient } from '../lib/aws.js';
import { type Environment, type RedactionConfig, readRedactionConfig } from '../lib/config.js';
import type { SecretsManagerPort } from '../lib/credentials/provider.js';

/**
 * The redacted copy's settings (`REDACTED_COPY`, `REDACTION_KEY_SECRET_ID` or,
 * locally, `REDACTION_KEY`, `REDACTION_MASK`, `REDACTION_COUNSELORS`). Without
 * a key, the archive still archives: every copy is left pending (the index
 * says so, and `reindex` with a key makes them), and one line on stderr says
 * so before anything is archived.
 */
export function redactionOf(env: Environment, stderr: (chunk: string) => void): RedactionConfig {
  const redaction = readRedactionConfig(env, { allowLocalKey: true });
  if (redaction.enabled && redaction.key === undefined) {
    stderr(
      'happytalk-archive: no redaction key (REDACTION_KEY_SECRET_ID, or REDACTION_KEY for local use): ' +
        'the redacted copies are left pending, to be made by `reindex` with the key; REDACTED_COPY=off writes none\n',
    );
  }
  return redaction;
}

/**
 * The Secrets Manager client of the environment, when the token or the
 * pseudonym key is in a secret.
 */
export function secretsManagerFor(
  env: Environment,
  needs: { readonly token: boolean; readonly redaction: RedactionConfig | undefined },
): { secretsManager?: SecretsManagerPort } {
  const redactionSecret = needs.redaction?.enabled === true && needs.redaction.key?.kind === 'secret';
  return needs.token || redactionSecret ? { secretsManager: createSecretsManagerClient(env) } : {};
}
