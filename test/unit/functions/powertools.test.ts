import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReconcileHandler, ReconcileIncompleteError } from '../../../functions/handlers/reconcile.js';
import type { ReconcileReport } from '../../../lib/reconcile/reconcile.js';
import { lambdaContext } from '../../support/lambda.js';

function context(requestId: string): Context {
  return { ...lambdaContext('happytalk-archive-test'), awsRequestId: requestId };
}

/** The reconcile handler with its own Powertools pair, its reconciler running `run` (1 for the first invocation, …). */
function reconcileHandler(run: (count: number, logger: Logger) => ReconcileReport) {
  const logger = new Logger({ serviceName: 'happytalk-archive' });
  const metrics = new Metrics({ namespace: 'HappyTalkArchiveTest', serviceName: 'happytalk-archive' });
  let count = 0;
  return createReconcileHandler({
    logger,
    metrics,
    reconciler: {
      async run() {
        count += 1;
        return run(count, logger);
      },
    },
  });
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

function report(overrides: Partial<ReconcileReport> = {}): ReconcileReport {
  return {
    from: '2026-01-01',
    to: '2026-01-02',
    listed: 3,
    up_to_date: 2,
    gaps: 1,
    gaps_by_reason: {},
    too_recent: 0,
    not_final: 0,
    unprocessable: 0,
    invalid_room_ids: 0,
    enqueued: 1,
    enqueue_failures: [],
    failed_windows: [],
    ...overrides,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a handler wrapped in the Powertools middlewares', () => {
  it('logs with the invocation context, drops the keys of one invocation before the next, and publishes its metrics', async () => {
    // Prepare
    const output = capture();
    const handler = reconcileHandler((run, logger) => {
      logger.info('before');
      logger.appendKeys({ run_key: `run-${run}` });
      logger.info('during');
      return report({ listed: run });
    });

    // Act
    await handler({}, context('r-1'));
    await handler({}, context('r-2'));
    output.restore();

    // Assess
    const logs = output.lines.filter((line) => typeof line.message === 'string');
    expect(logs.map((line) => [line.message, line.function_request_id, line.run_key])).toEqual([
      ['before', 'r-1', undefined],
      ['during', 'r-1', 'run-1'],
      ['before', 'r-2', undefined],
      ['during', 'r-2', 'run-2'],
    ]);
    const emf = output.lines.filter((line) => '_aws' in line);
    expect(emf.map((line) => line.RoomsChecked)).toEqual([1, 2]);
  });

  it('publishes the metrics and drops the keys of an invocation that throws, and throws its error', async () => {
    // Prepare
    const output = capture();
    const handler = reconcileHandler((run, logger) => {
      if (run === 1) {
        logger.appendKeys({ run_key: 'failing' });
        return report({
          gaps: 2,
          enqueue_failures: [{ room_id: 'r', code: 'QUEUE_UNAVAILABLE', message: 'refused' }],
        });
      }
      logger.info('next');
      return report();
    });

    // Act
    const thrown = await handler({}, context('r-1')).catch((error: unknown) => error);
    await handler({}, context('r-2'));
    output.restore();

    // Assess
    expect(thrown).toBeInstanceOf(ReconcileIncompleteError);
    const emf = output.lines.filter((line) => '_aws' in line);
    expect(emf.map((line) => line.GapsFound)).toEqual([2, 1]);
    const next = output.lines.find((line) => line.message === 'next');
    expect(next).toMatchObject({ function_request_id: 'r-2' });
    expect(next?.run_key).toBeUndefined();
  });
});
