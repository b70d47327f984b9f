import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { METRIC, POWERTOOLS } from '../../lib/contract/observability.js';
import { ALARM_PERIOD, alarmAboveZero } from './alarms.js';
import type { TokenSecretAccess } from './permissions.js';

/** The secret holding the pseudonym key of the redacted copies, and how roles name it. */
export interface RedactionKeySecret {
  readonly secret: Secret;
  /** For `secretStatements`: the secret's ARN, and the archive key that encrypts it. */
  readonly access: TokenSecretAccess;
}

/**
 * The pseudonym key of the redacted copies: a secret Secrets Manager
 * generates at creation (64 letters and digits, never in code or template),
 * encrypted with the archive key and retained with the archive (a new key
 * would give every customer a new pseudonym). Read only by the archiving
 * functions and the roles given `grantReindex`. Creates `RedactionKeySecret`
 * in `scope`.
 */
export function buildRedactionKeySecret(scope: Construct, archiveKey: Key): RedactionKeySecret {
  const secret = new Secret(scope, 'RedactionKeySecret', {
    description:
      'The pseudonym key of the redacted copies of happytalk-archive (an HMAC key, generated here). Keep it: ' +
      'a new value gives every customer a new pseudonym, and reindex must then derive every copy again.',
    encryptionKey: archiveKey,
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The pseudonym key must stay the same for pseudonyms to compare across rooms and over time: rotating it ' +
      'changes every pseudonym, and is a deliberate act followed by `happytalk-archive reindex`, not a schedule.',
  });
  return { secret, access: { arnForPolicy: secret.secretArn, keyArn: archiveKey.keyArn } };
}

/**
 * The alarm on `RedactionPending`: a transcript was archived with its redacted
 * copy pending, because the pseudonym key could not be read. Nothing is lost
 * (the transcript is archived, its index says the copy is pending); once the
 * key is readable, the room's next archive or `happytalk-archive reindex`
 * makes the copy. Creates `RedactionPendingAlarm` in `scope`.
 */
export function redactionPendingAlarm(scope: Construct, topic: ITopic): Alarm {
  return alarmAboveZero(scope, 'RedactionPendingAlarm', {
    metric: new Metric({
      namespace: POWERTOOLS.metricsNamespace,
      metricName: METRIC.redactionPending,
      // Powertools Metrics adds the service as a dimension of every metric.
      dimensionsMap: { service: POWERTOOLS.serviceName },
      statistic: 'Sum',
      period: ALARM_PERIOD,
    }),
    description:
      'transcripts were archived without their redacted copy: the pseudonym key could not be read; fix the ' +
      'secret (or its permissions), then run happytalk-archive reindex over the days concerned',
    topic,
  });
}
