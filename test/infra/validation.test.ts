import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveConfigError } from '../../infra/errors.js';
import {
  FUNCTION_BUNDLES,
  HappyTalkArchive,
  type HappyTalkArchiveProps,
} from '../../infra/happytalk-archive.js';
import { buildBundles, CDK_JSON_CONTEXT } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;

beforeAll(async () => {
  bundles = await buildBundles();
});

afterAll(async () => {
  await bundles.remove();
});

function construct(props: HappyTalkArchiveProps): HappyTalkArchive {
  const stack = new Stack(new App({ context: { ...CDK_JSON_CONTEXT } }), 'Test');
  return new HappyTalkArchive(stack, 'Archive', { functionsDir: bundles.dir, ...props });
}

const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:happytalk/token-AbCdEf';

describe('HappyTalkArchive props', () => {
  it('accepts no props at all but the bundle directory', () => {
    // Act
    const archive = construct({});

    // Assess
    expect(archive.bucket).toBeDefined();
    expect(archive.key).toBeDefined();
  });

  it('exposes the read-only retrieval function apart from http-api, at 768 MB by default', () => {
    // Act
    const archive = construct({});
    const stack = Stack.of(archive);
    const memoryOf = (fn: HappyTalkArchive['httpApiFunction']) =>
      stack.resolve((fn.node.defaultChild as CfnFunction).memorySize);

    // Assess
    expect(archive.retrievalFunction.node.id).toBe('RetrievalFunction');
    expect(archive.httpApiFunction.node.id).toBe('HttpApiFunction');
    expect(archive.retrievalFunction).not.toBe(archive.httpApiFunction);
    expect(memoryOf(archive.retrievalFunction)).toBe(768);
    expect(memoryOf(archive.httpApiFunction)).toBe(768);
    expect(memoryOf(archive.archiveEventsFunction)).toBe(768);
  });

  it.each<[string, HappyTalkArchiveProps, RegExp]>([
    [
      'retention of 0 days',
      { retentionDays: 0 },
      /^retentionDays must be a whole number from 1 to 36500, got 0$/,
    ],
    [
      'fractional retention',
      { retentionDays: 1.5 },
      /^retentionDays must be a whole number from 1 to 36500, got 1\.5$/,
    ],
    ['retention over 100 years', { retentionDays: 36_501 }, /^retentionDays must be .*, got 36501$/],
    [
      'an unknown Object Lock mode',
      { objectLockMode: 'LEGAL_HOLD' as 'GOVERNANCE' },
      /^objectLockMode must be one of "GOVERNANCE", "COMPLIANCE", got "LEGAL_HOLD"$/,
    ],
    [
      'both secret props',
      { existingSecretName: 'happytalk/token', existingSecretArn: SECRET_ARN },
      /^existingSecretName and existingSecretArn are mutually exclusive, got both \("happytalk\/token" and "arn:/,
    ],
    [
      'a partial secret ARN',
      { existingSecretArn: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:happytalk/token' },
      /^existingSecretArn must be the complete ARN of a secret, .*got "arn:aws:secretsmanager:.*:secret:happytalk\/token"$/,
    ],
    [
      'a secret name with a wildcard',
      { existingSecretName: 'happytalk/*' },
      /^existingSecretName must be a Secrets Manager secret name .*got "happytalk\/\*"$/,
    ],
    [
      'a secret key without an existing secret',
      { existingSecretKeyArn: 'arn:aws:kms:ap-northeast-2:123456789012:key/abc' },
      /^existingSecretKeyArn needs existingSecretName or existingSecretArn .*got "arn:aws:kms:/,
    ],
    [
      'a secret key that is not a key ARN',
      { existingSecretName: 'happytalk/token', existingSecretKeyArn: 'alias/happytalk' },
      /^existingSecretKeyArn must be a KMS key ARN, got "alias\/happytalk"$/,
    ],
    [
      'a malformed email',
      { alarmEmail: 'ops.example.com' },
      /^alarmEmail must be an email address, got "ops\.example\.com"$/,
    ],
    ['concurrency 1', { maxConcurrency: 1 }, /^maxConcurrency must be a whole number from 2 to 1000, got 1$/],
    [
      'concurrency 1001',
      { maxConcurrency: 1001 },
      /^maxConcurrency must be a whole number from 2 to 1000, got 1001$/,
    ],
    [
      'an http base URL',
      { happytalkBaseUrl: 'http://customer.happytalk.io' },
      /^happytalkBaseUrl must be an https URL without credentials, query or fragment, got "http:\/\/customer\.happytalk\.io"$/,
    ],
    [
      'a base URL that is no URL',
      { happytalkBaseUrl: 'customer.happytalk.io' },
      /^happytalkBaseUrl must be an https URL.*got "customer\.happytalk\.io"$/,
    ],
    [
      'a base URL with a query',
      { happytalkBaseUrl: 'https://h.example?x=1' },
      /^happytalkBaseUrl must be an https URL.*got "https:\/\/h\.example\?x=1"$/,
    ],
    [
      'an unknown environment',
      { happytalkEnv: 'staging' as 'prod' },
      /^happytalkEnv must be one of "prod", "dev", got "staging"$/,
    ],
    [
      'an unknown time zone',
      { happytalkTimezone: 'Mars/Olympus' },
      /^happytalkTimezone must be an IANA time zone .*got "Mars\/Olympus"$/,
    ],
    [
      'memory below 128 MB',
      { memorySize: 64 },
      /^memorySize must be a whole number from 128 to 10240, got 64$/,
    ],
    [
      'an http-api timeout API Gateway would not wait for',
      { httpApiTimeout: Duration.seconds(30) },
      /^httpApiTimeout must be a whole number of seconds from 1 to 29, got 30 s$/,
    ],
    [
      'an archive-events timeout over 15 minutes',
      { archiveEventsTimeout: Duration.minutes(16) },
      /^archiveEventsTimeout must be a whole number of seconds from 1 to 900, got 960 s$/,
    ],
    [
      'a visibility timeout under 6 × the function timeout',
      { archiveEventsTimeout: Duration.seconds(100), queueVisibilityTimeout: Duration.seconds(599) },
      /^queueVisibilityTimeout must be at least 6 × archiveEventsTimeout \(600 s\) and at most 43200 s, got 599 s$/,
    ],
    ['batch size 11', { batchSize: 11 }, /^batchSize must be a whole number from 1 to 10, got 11$/],
    [
      'maxReceiveCount 0',
      { maxReceiveCount: 0 },
      /^maxReceiveCount must be a whole number from 1 to 1000, got 0$/,
    ],
    [
      'a rate limit of 0',
      { throttleRateLimit: 0 },
      /^throttleRateLimit must be a number greater than 0, got 0$/,
    ],
    [
      'a burst limit of 0',
      { throttleBurstLimit: 0 },
      /^throttleBurstLimit must be a whole number from 1 to 5000, got 0$/,
    ],
    [
      'a log retention CloudWatch lacks',
      { logRetention: 42 as RetentionDays },
      /^logRetention must be a CloudWatch Logs retention \(.*\), got 42$/,
    ],
    [
      'an event bus name with a space',
      { eventBusName: 'happy talk' },
      /^eventBusName "happy talk" is not valid/,
    ],
    ['a blank event source', { eventSource: ' ' }, /^eventSource " " is not valid/],
    [
      'unknown authorization',
      { httpApiAuthorization: 'cognito' as 'iam' },
      /^httpApiAuthorization must be one of "iam", "none", got "cognito"$/,
    ],
  ])('rejects %s with a message naming the value', (_case, props, message) => {
    // Act
    const act = () => construct(props);

    // Assess
    expect(act).toThrow(ArchiveConfigError);
    expect(act).toThrow(message);
  });

  it('rejects a bundle directory without the built functions, saying to run npm run build', async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'happytalk-archive-empty-'));

    try {
      // Act
      const act = () => construct({ functionsDir: empty });

      // Assess
      expect(act).toThrow(ArchiveConfigError);
      expect(act).toThrow(
        `function bundle http-api not found at ${join(empty, 'http-api', 'index.mjs')}: run \`npm run build\` first`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it.each(FUNCTION_BUNDLES.map((bundle) => [bundle]))(
    'rejects a bundle directory that lacks the %s bundle, naming it',
    async (missing) => {
      // Prepare
      const partial = await mkdtemp(join(tmpdir(), 'happytalk-archive-partial-'));
      for (const bundle of FUNCTION_BUNDLES.filter((name) => name !== missing)) {
        await mkdir(join(partial, bundle));
        await writeFile(join(partial, bundle, 'index.mjs'), 'export const handler = () => {};\n');
      }

      try {
        // Act
        const act = () => construct({ functionsDir: partial });

        // Assess
        expect(act).toThrow(ArchiveConfigError);
        expect(act).toThrow(
          `function bundle ${missing} not found at ${join(partial, missing, 'index.mjs')}: run \`npm run build\` first`,
        );
      } finally {
        await rm(partial, { recursive: true, force: true });
      }
    },
  );

  it('accepts the limits themselves', () => {
    // Act
    const act = () =>
      construct({
        retentionDays: 36_500,
        maxConcurrency: 1000,
        httpApiTimeout: Duration.seconds(29),
        archiveEventsTimeout: Duration.seconds(900),
        queueVisibilityTimeout: Duration.seconds(5400),
        batchSize: 1,
        memorySize: 10_240,
      });

    // Assess
    expect(act).not.toThrow();
  });
});
