import { resolve } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, mergeArchiveProps, readArchiveContext } from '../../infra/config.js';
import { ArchiveConfigError } from '../../infra/errors.js';
import { buildBundles, createStack, synthTemplate } from './support.js';

function contextOf(context: Record<string, unknown>) {
  return readArchiveContext(new App({ context }).node);
}

describe('readArchiveContext', () => {
  it('reads nothing when no key is set', () => {
    // Act
    const props = contextOf({});

    // Assess
    expect(props).toEqual({});
  });

  it('parses every key from the strings `-c key=value` gives', () => {
    // Prepare
    const context = {
      functionsDir: 'build/functions',
      happytalkEnv: 'dev',
      happytalkBaseUrl: 'https://happytalk.example.com',
      happytalkTimezone: 'Asia/Tokyo',
      retentionDays: '1825',
      objectLockMode: 'compliance',
      expireAfterRetention: 'false',
      noncurrentVersionExpirationDays: '7',
      accessLogExpirationDays: '90',
      existingSecretName: 'happytalk/token',
      existingSecretArn: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:x-AbCdEf',
      existingSecretKeyArn: 'arn:aws:kms:ap-northeast-2:123456789012:key/abc',
      memorySize: '1024',
      httpApiTimeoutSeconds: '20',
      archiveEventsTimeoutSeconds: '90',
      logRetentionDays: '731',
      httpApiAuthorization: 'none',
      throttleRateLimit: '0.5',
      throttleBurstLimit: '3',
      eventBusName: 'happytalk',
      eventSource: 'happytalk.prod',
      eventDetailType: 'Room Closed',
      batchSize: '5',
      maxConcurrency: '4',
      maxReceiveCount: '8',
      queueVisibilityTimeoutSeconds: '600',
      alarmEmail: 'ops@example.com',
      reconcileSchedule: 'rate(12 hours)',
      reconcileWindowDays: '3',
      reconcileGapAlarmDays: '2',
      completionWatchInterval: '2',
      completionWatchOverlapMinutes: '15',
      completionWatchLookbackDays: '14',
      finalStatuses: '2, 3,4',
      redactedCopy: 'true',
      redactionMask: 'pii',
      redactionCounselors: 'pseudonymize',
      glueDatabaseName: 'chats',
      athenaWorkGroupName: 'chats-wg',
      athenaBytesScannedCutoffMb: '500',
    };

    // Act
    const props = contextOf(context);

    // Assess
    expect(Object.keys(context).sort()).toEqual([...CONTEXT_KEYS].sort());
    expect(props).toEqual({
      functionsDir: resolve('build/functions'),
      happytalkEnv: 'dev',
      happytalkBaseUrl: 'https://happytalk.example.com',
      happytalkTimezone: 'Asia/Tokyo',
      retentionDays: 1825,
      objectLockMode: 'COMPLIANCE',
      expireAfterRetention: false,
      noncurrentVersionExpirationDays: 7,
      accessLogExpirationDays: 90,
      existingSecretName: 'happytalk/token',
      existingSecretArn: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:x-AbCdEf',
      existingSecretKeyArn: 'arn:aws:kms:ap-northeast-2:123456789012:key/abc',
      memorySize: 1024,
      httpApiTimeout: Duration.seconds(20),
      archiveEventsTimeout: Duration.seconds(90),
      logRetention: 731,
      httpApiAuthorization: 'none',
      throttleRateLimit: 0.5,
      throttleBurstLimit: 3,
      eventBusName: 'happytalk',
      eventSource: 'happytalk.prod',
      eventDetailType: 'Room Closed',
      batchSize: 5,
      maxConcurrency: 4,
      maxReceiveCount: 8,
      queueVisibilityTimeout: Duration.seconds(600),
      alarmEmail: 'ops@example.com',
      reconcileSchedule: 'rate(12 hours)',
      reconcileWindowDays: 3,
      reconcileGapAlarmDays: 2,
      completionWatchInterval: Duration.minutes(2),
      completionWatchOverlap: Duration.minutes(15),
      completionWatchLookbackDays: 14,
      finalStatuses: ['2', '3', '4'],
      redactedCopy: true,
      redactionMask: 'pii',
      redactionCounselors: 'pseudonymize',
      glueDatabaseName: 'chats',
      athenaWorkGroupName: 'chats-wg',
      athenaBytesScannedCutoffMb: 500,
    });
  });

  it('takes the JSON types cdk.json gives', () => {
    // Act
    const props = contextOf({ retentionDays: 730, expireAfterRetention: true, throttleRateLimit: 2.5 });

    // Assess
    expect(props).toEqual({ retentionDays: 730, expireAfterRetention: true, throttleRateLimit: 2.5 });
  });

  it('takes off for the watcher interval, and status lists as cdk.json gives them', () => {
    // Act
    const props = contextOf({ completionWatchInterval: 'OFF', finalStatuses: [2, '4'] });

    // Assess
    expect(props).toEqual({ completionWatchInterval: 'off', finalStatuses: ['2', '4'] });
  });

  it('treats an empty value as unset', () => {
    // Act
    const props = contextOf({ alarmEmail: '', retentionDays: ' ', expireAfterRetention: '' });

    // Assess
    expect(props).toEqual({});
  });

  it.each<[Record<string, unknown>, string]>([
    [{ retentionDays: 'three years' }, 'context "retentionDays" must be a whole number, got "three years"'],
    [{ retentionDays: '1095.5' }, 'context "retentionDays" must be a whole number, got "1095.5"'],
    [{ maxConcurrency: true }, 'context "maxConcurrency" must be a whole number, got true'],
    [{ throttleRateLimit: 'fast' }, 'context "throttleRateLimit" must be a number, got "fast"'],
    [{ expireAfterRetention: 'yes' }, 'context "expireAfterRetention" must be true or false, got "yes"'],
    [
      { objectLockMode: 'LEGAL' },
      'context "objectLockMode" must be one of "GOVERNANCE", "COMPLIANCE", got "LEGAL"',
    ],
    [{ happytalkEnv: 'staging' }, 'context "happytalkEnv" must be one of "prod", "dev", got "staging"'],
    [
      { httpApiAuthorization: 'cognito' },
      'context "httpApiAuthorization" must be one of "iam", "none", got "cognito"',
    ],
    [{ alarmEmail: 42 }, 'context "alarmEmail" must be a string, got 42'],
    [
      { completionWatchInterval: '5 minutes' },
      'context "completionWatchInterval" must be a whole number of minutes or "off", got "5 minutes"',
    ],
    [
      { finalStatuses: { two: true } },
      'context "finalStatuses" must be a list of status codes such as "2,4", got {"two":true}',
    ],
  ])('rejects %j with a message naming the key and value', (context, message) => {
    // Act
    const act = () => contextOf(context);

    // Assess
    expect(act).toThrow(ArchiveConfigError);
    expect(act).toThrow(message);
  });
});

describe('mergeArchiveProps', () => {
  it('lets each defined property override, and no undefined one', () => {
    // Act
    const merged = mergeArchiveProps(
      { retentionDays: 100, alarmEmail: 'a@example.com' },
      { retentionDays: 400, alarmEmail: undefined },
    );

    // Assess
    expect(merged).toEqual({ retentionDays: 400, alarmEmail: 'a@example.com' });
  });
});

describe('HappyTalkArchiveStack configuration', () => {
  let bundles: Awaited<ReturnType<typeof buildBundles>>;

  beforeAll(async () => {
    bundles = await buildBundles();
  });

  afterAll(async () => {
    await bundles.remove();
  });

  it('prefers stack props over context', () => {
    // Act
    const template = synthTemplate(bundles.dir, {
      context: { retentionDays: '100', maxConcurrency: '3' },
      props: { archive: { retentionDays: 400 } },
    });

    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Days: 400 } } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 3 },
    });
  });

  it('fails on a context value out of range, naming it', () => {
    // Act
    const act = () => createStack(bundles.dir, { context: { maxConcurrency: '1' } });

    // Assess
    expect(act).toThrow('maxConcurrency must be a whole number from 2 to 1000, got 1');
  });

  it('subscribes the alarm email given in context', () => {
    // Act
    const template = synthTemplate(bundles.dir, { context: { alarmEmail: 'ops@example.com' } });

    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'ops@example.com',
      Protocol: 'email',
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});
