import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { observed } from '../../../functions/commons/observed.js';

function context(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'happytalk-archive-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:happytalk-archive-test',
    memoryLimitInMB: '768',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/happytalk-archive-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** What the logger and the metrics print, one parsed JSON object per line. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
  return { lines, restore: () => write.mockRestore() };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('observed', () => {
  it('logs with the invocation context, drops the keys of one invocation before the next, and publishes its metrics', async () => {
    // Prepare
    const output = capture();
    const logger = new Logger({ serviceName: 'happytalk-archive' });
    const metrics = new Metrics({ namespace: 'HappyTalkArchiveTest', serviceName: 'happytalk-archive' });
    const handler = observed({ logger, metrics }, async (event: { room: string }) => {
      logger.info('before', {});
      logger.appendKeys({ room_id: event.room });
      logger.info('during');
      metrics.addMetric('Archived', MetricUnit.Count, 1);
      return event.room;
    });

    // Act
    const results = [
      await handler({ room: 'a' }, context('r-1')),
      await handler({ room: 'b' }, context('r-2')),
    ];
    output.restore();

    // Assess
    expect(results).toEqual(['a', 'b']);
    const logs = output.lines.filter((line) => typeof line.message === 'string');
    expect(logs.map((line) => [line.message, line.function_request_id, line.room_id])).toEqual([
      ['before', 'r-1', undefined],
      ['during', 'r-1', 'a'],
      ['before', 'r-2', undefined],
      ['during', 'r-2', 'b'],
    ]);
    const emf = output.lines.filter((line) => '_aws' in line);
    expect(emf.map((line) => line.Archived)).toEqual([1, 1]);
  });

  it('publishes the metrics and drops the keys of an invocation that throws, and throws its error', async () => {
    // Prepare
    const output = capture();
    const logger = new Logger({ serviceName: 'happytalk-archive' });
    const metrics = new Metrics({ namespace: 'HappyTalkArchiveTest', serviceName: 'happytalk-archive' });
    const failure = new Error('failed');
    const handler = observed({ logger, metrics }, async () => {
      logger.appendKeys({ room_id: 'x' });
      metrics.addMetric('Failed', MetricUnit.Count, 1);
      throw failure;
    });
    const next = observed({ logger }, async () => {
      logger.info('next');
    });

    // Act
    const thrown = await handler({}, context('r-1')).catch((error: unknown) => error);
    await next({}, context('r-2'));
    output.restore();

    // Assess
    expect(thrown).toBe(failure);
    expect(output.lines.find((line) => '_aws' in line)?.Failed).toBe(1);
    expect(output.lines.find((line) => line.message === 'next')).toMatchObject({
      function_request_id: 'r-2',
    });
    expect(output.lines.find((line) => line.message === 'next')?.room_id).toBeUndefined();
  });
});
