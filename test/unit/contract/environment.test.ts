import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_EVENTS_ENVIRONMENT,
  COMPLETION_WATCHER_ENVIRONMENT,
  FinalStatuses,
  HTTP_API_ENVIRONMENT,
  RECONCILE_ENVIRONMENT,
  RETRIEVAL_API_ENVIRONMENT,
  readEnvironment,
} from '../../../lib/contract/environment.js';
import { FUNCTION_ENVIRONMENTS, functionEnvironment } from '../../../lib/contract/function-environments.js';
import { FUNCTION_NAMES } from '../../../lib/contract/functions.js';
import { ConfigurationError } from '../../../lib/errors.js';

const ARCHIVE = { ARCHIVE_BUCKET: 'archive-bucket', HAPPYTALK_SECRET_ID: 'happytalk/token' };

describe('the environment of each function', () => {
  it('is named for every function, and nothing else', () => {
    // Assess
    expect(Object.keys(FUNCTION_ENVIRONMENTS).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it('reads what a function is not given as its default', () => {
    // Act
    const variables = readEnvironment(ARCHIVE_EVENTS_ENVIRONMENT, { ...ARCHIVE, ARCHIVE_DLQ_URL: 'dlq' });

    // Assess
    expect(variables).toMatchObject({
      ARCHIVE_BUCKET: 'archive-bucket',
      HAPPYTALK_BASE_URL: 'https://customer.happytalk.io',
      HAPPYTALK_TIMEZONE: 'Asia/Seoul',
      ATTACHMENT_ARCHIVING: true,
      ATTACHMENT_BUDGET_MS: 15_000,
      COMPLETION_MAX_ATTEMPTS: 4,
      COMPLETION_BASE_DELAY_SECONDS: 30,
      POWERTOOLS_SERVICE_NAME: 'happytalk-archive',
      POWERTOOLS_METRICS_NAMESPACE: 'HappyTalkArchive',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    expect(variables.HAPPYTALK_FINAL_STATUSES.codes).toEqual(['2', '4']);
    expect(variables.HAPPYTALK_TIMEOUT_MS).toBeUndefined();
  });

  it("reads only the function's own variables", () => {
    // Act
    const variables = readEnvironment(RETRIEVAL_API_ENVIRONMENT, {
      ARCHIVE_BUCKET: 'archive-bucket',
      ARCHIVE_QUEUE_URL: 'not-for-it',
      PATH: '/usr/bin',
    });

    // Assess
    expect(Object.keys(variables).sort()).toEqual(
      [
        'ARCHIVE_BUCKET',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'RETRIEVAL_INLINE_MAX_BYTES',
        'RETRIEVAL_URL_TTL_SECONDS',
      ].sort(),
    );
  });

  it.each([
    [RECONCILE_ENVIRONMENT, ARCHIVE, 'ARCHIVE_QUEUE_URL is not set: name the archive queue URL'],
    [ARCHIVE_EVENTS_ENVIRONMENT, ARCHIVE, 'ARCHIVE_DLQ_URL is not set: name the dead-letter queue URL'],
    [HTTP_API_ENVIRONMENT, {}, 'ARCHIVE_BUCKET is not set: name the archive bucket'],
    [
      COMPLETION_WATCHER_ENVIRONMENT,
      { ...ARCHIVE, ARCHIVE_QUEUE_URL: 'q', WATCH_LOOKBACK_DAYS: '40' },
      'WATCH_LOOKBACK_DAYS must be an integer from 1 to 31, received "40"',
    ],
    [
      HTTP_API_ENVIRONMENT,
      { ...ARCHIVE, HAPPYTALK_TIMEOUT_MS: '0' },
      'HAPPYTALK_TIMEOUT_MS must be an integer of at least 1, received "0"',
    ],
  ])('names the variable that is missing or wrong (%#)', (schema, env, message) => {
    // Act
    const read = () => readEnvironment(schema, env);

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(message);
  });

  it.each([
    ['12', 12],
    [' 12 ', 12],
    ['+12', 12],
  ])('reads %j as a whole number', (text, value) => {
    // Act
    const variables = readEnvironment(RECONCILE_ENVIRONMENT, {
      ...ARCHIVE,
      ARCHIVE_QUEUE_URL: 'q',
      RECONCILE_WINDOW_DAYS: text,
    });

    // Assess
    expect(variables.RECONCILE_WINDOW_DAYS).toBe(value);
  });

  it.each(['1e1', '1.0', '0x10', 'ten', '-3'])(
    'refuses %j as a whole number in range, by one rule',
    (text) => {
      // Act
      const read = () =>
        readEnvironment(RECONCILE_ENVIRONMENT, {
          ...ARCHIVE,
          ARCHIVE_QUEUE_URL: 'q',
          RECONCILE_WINDOW_DAYS: text,
        });

      // Assess
      expect(read).toThrow(
        `RECONCILE_WINDOW_DAYS must be an integer from 1 to 31, received ${JSON.stringify(text)}`,
      );
    },
  );
});

describe('functionEnvironment', () => {
  it('writes each value as its variable reads it back', () => {
    // Prepare
    const values = {
      ARCHIVE_BUCKET: 'archive-bucket',
      HAPPYTALK_SECRET_ID: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:t-AbCdEf',
      HAPPYTALK_BASE_URL: 'https://patch-customer.happytalk.io',
      HAPPYTALK_TIMEZONE: 'Asia/Seoul',
      HAPPYTALK_FINAL_STATUSES: new FinalStatuses(['2', '3', '4']),
      ARCHIVE_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/queue',
      WATCH_INTERVAL_SECONDS: 300,
      WATCH_OVERLAP_MINUTES: 0,
      WATCH_LOOKBACK_DAYS: 7,
      HAPPYTALK_TIMEOUT_MS: 9666,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };

    // Act
    const environment = functionEnvironment('completion-watcher', values);
    const read = readEnvironment(COMPLETION_WATCHER_ENVIRONMENT, environment);

    // Assess
    expect(environment).toEqual({
      ARCHIVE_BUCKET: 'archive-bucket',
      HAPPYTALK_SECRET_ID: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:t-AbCdEf',
      HAPPYTALK_BASE_URL: 'https://patch-customer.happytalk.io',
      HAPPYTALK_TIMEZONE: 'Asia/Seoul',
      HAPPYTALK_FINAL_STATUSES: '2,3,4',
      ARCHIVE_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/queue',
      WATCH_INTERVAL_SECONDS: '300',
      WATCH_OVERLAP_MINUTES: '0',
      WATCH_LOOKBACK_DAYS: '7',
      HAPPYTALK_TIMEOUT_MS: '9666',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(read).toMatchObject({ ...values, HAPPYTALK_FINAL_STATUSES: expect.any(FinalStatuses) });
    expect(read.HAPPYTALK_FINAL_STATUSES.codes).toEqual(['2', '3', '4']);
  });

  it('leaves out what it is not given, so that the function takes its default', () => {
    // Act
    const environment = functionEnvironment('archive-events', {
      ARCHIVE_DLQ_URL: 'dlq',
      HAPPYTALK_TIMEOUT_MS: undefined,
    });

    // Assess
    expect(environment).toEqual({ ARCHIVE_DLQ_URL: 'dlq' });
  });
});
