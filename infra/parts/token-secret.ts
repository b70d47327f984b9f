import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { SecretSource } from '../settings/validators.js';
import type { TokenSecretAccess } from './permissions.js';

/** The secret holding the HappyTalk token, and how the functions name it. */
export interface TokenSecret extends TokenSecretAccess {
  readonly secret: ISecret;
  /** What the functions receive as `HAPPYTALK_SECRET_ID`: the secret's ARN, or its name when imported by name. */
  readonly secretId: string;
}

/**
 * The token secret: created without a value in code or template (Secrets
 * Manager generates a placeholder), encrypted with the archive key; or an
 * existing one, imported by name or by complete ARN. Creates (or imports)
 * `HappyTalkTokenSecret` in `scope`.
 */
export function buildTokenSecret(scope: Construct, source: SecretSource, archiveKey: Key): TokenSecret {
  const token = resolveSecret(scope, source, archiveKey);
  Validations.of(token.secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The HappyTalk token is issued by HappyTalk and cannot be rotated from this account; rotate it in ' +
      'HappyTalk and put the new value into the secret.',
  });
  return token;
}

function resolveSecret(scope: Construct, source: SecretSource, archiveKey: Key): TokenSecret {
  switch (source.kind) {
    case 'created': {
      const secret = new Secret(scope, 'HappyTalkTokenSecret', {
        description:
          'HappyTalk API credentials for happytalk-archive. Replace the generated placeholder with ' +
          'either the bare API token, or JSON {"token":"...","client_id":"...","client_secret":"..."}.',
        encryptionKey: archiveKey,
      });
      return {
        secret,
        arnForPolicy: secret.secretArn,
        secretId: secret.secretArn,
        keyArn: archiveKey.keyArn,
      };
    }
    case 'name': {
      const secret = Secret.fromSecretNameV2(scope, 'HappyTalkTokenSecret', source.name);
      // Secrets Manager appends "-" and 6 random characters to every secret's ARN.
      const arnForPolicy = Stack.of(scope).formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${source.name}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      return { secret, arnForPolicy, secretId: source.name, keyArn: source.keyArn };
    }
    case 'arn': {
      const secret = Secret.fromSecretCompleteArn(scope, 'HappyTalkTokenSecret', source.arn);
      return { secret, arnForPolicy: source.arn, secretId: source.arn, keyArn: source.keyArn };
    }
  }
}
